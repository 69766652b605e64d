using FBNetV2.MLNet.Network;

namespace FBNetV2.MLNet.Training;

/// <summary>The trained network (best validation epoch, EMA weights when enabled) and what happened on the way.</summary>
internal sealed class TrainingResult(FBNetNetwork network, IReadOnlyList<TrainingProgress> history, int bestEpoch, double? bestValidationAccuracy)
{
    public FBNetNetwork Network { get; } = network;
    public IReadOnlyList<TrainingProgress> History { get; } = history;
    public int BestEpoch { get; } = bestEpoch;
    public double? BestValidationAccuracy { get; } = bestValidationAccuracy;

    /// <summary>Length of the schedule after the deadline shaped it (the epochs asked for when there was no deadline).</summary>
    public int PlannedEpochs { get; init; }

    /// <summary>Epochs of the refit on training + validation images, when <see cref="TrainingOptions.RefitOnAllData"/> ran one; <see cref="Network"/> is then the refit's.</summary>
    public int? RefitEpochs { get; init; }

    /// <summary>The refit's epochs (no validation figures); empty without a refit.</summary>
    public IReadOnlyList<TrainingProgress> RefitHistory { get; init; } = [];
}
