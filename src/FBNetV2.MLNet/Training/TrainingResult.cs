using FBNetV2.MLNet.Network;

namespace FBNetV2.MLNet.Training;

/// <summary>The trained network (best validation epoch, EMA weights when enabled) and what happened on the way.</summary>
public sealed class TrainingResult(FBNetNetwork network, IReadOnlyList<TrainingProgress> history, int bestEpoch, double? bestValidationAccuracy)
{
    public FBNetNetwork Network { get; } = network;
    public IReadOnlyList<TrainingProgress> History { get; } = history;
    public int BestEpoch { get; } = bestEpoch;
    public double? BestValidationAccuracy { get; } = bestValidationAccuracy;
}
