namespace FBNetV2.MLNet.Training;

/// <summary>One finished epoch, as reported to <see cref="TrainingOptions.Progress"/> and kept in the history.</summary>
public sealed record TrainingProgress(
    int Epoch,
    int Epochs,
    double TrainLoss,
    double TrainAccuracy,
    double? ValidationAccuracy,
    double LearningRate,
    double ImagesPerSecond,
    TimeSpan Elapsed,
    TimeSpan EstimatedRemaining)
{
    /// <summary>True for an epoch of the refit on training + validation images.</summary>
    public bool Refit { get; init; }

    public override string ToString() =>
        (Refit ? "refit " : "") + $"epoch {Epoch}/{Epochs}  loss {TrainLoss:F4}  train acc {TrainAccuracy:P2}" +
        (ValidationAccuracy is { } v ? $"  val acc {v:P2}" : "") +
        $"  lr {LearningRate:G3}  {ImagesPerSecond:F0} img/s  elapsed {Elapsed:hh\\:mm\\:ss}  ETA {EstimatedRemaining:hh\\:mm\\:ss}";
}
