namespace FBNetV2.MLNet.Training;

/// <summary>One finished training epoch, as reported to <see cref="FBNetOptions.Progress"/> and kept in <see cref="FBNetModel.TrainingHistory"/>.</summary>
/// <param name="Epoch">The epoch just finished, from 1.</param>
/// <param name="Epochs">Epochs planned (fewer than MaxEpochs when a time budget shortened the schedule).</param>
/// <param name="TrainLoss">Mean training loss of the epoch (cross-entropy with label smoothing, or the distillation loss when a teacher is set).</param>
/// <param name="TrainAccuracy">Training accuracy (a fraction) of the epoch, on augmented images.</param>
/// <param name="ValidationAccuracy">Accuracy (a fraction) on the validation data after the epoch (of the weight average when EmaDecay is on); null without validation data.</param>
/// <param name="LearningRate">Learning rate at the end of the epoch.</param>
/// <param name="ImagesPerSecond">Training throughput of the epoch.</param>
/// <param name="Elapsed">Training time so far.</param>
/// <param name="EstimatedRemaining">Estimate of the time the remaining epochs take.</param>
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

    /// <summary>One line for a log: epoch, loss, accuracies, learning rate, throughput and time.</summary>
    public override string ToString() =>
        (Refit ? "refit " : "") + $"epoch {Epoch}/{Epochs}  loss {TrainLoss:F4}  train acc {TrainAccuracy:P2}" +
        (ValidationAccuracy is { } v ? $"  val acc {v:P2}" : "") +
        $"  lr {LearningRate:G3}  {ImagesPerSecond:F0} img/s  elapsed {Elapsed:hh\\:mm\\:ss}  ETA {EstimatedRemaining:hh\\:mm\\:ss}";
}
