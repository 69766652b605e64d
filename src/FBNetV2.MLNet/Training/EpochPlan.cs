namespace FBNetV2.MLNet.Training;

/// <summary>
/// How many epochs a run gets when it has a deadline: at most the epochs asked for, and after each epoch no more than
/// the time left divides into at the mean epoch time so far (training and validation). The count only shrinks: a
/// cosine stretched after it started would raise the learning rate again.
/// </summary>
internal sealed class EpochPlan(int maxEpochs, DateTime? deadline)
{
    public int MaxEpochs { get; } = maxEpochs;
    public int Epochs { get; private set; } = maxEpochs;

    /// <summary>Re-plans after <paramref name="finished"/> epochs took <paramref name="spent"/>; true when the count changed.</summary>
    public bool Update(int finished, TimeSpan spent, DateTime now)
    {
        if (deadline is not { } end || finished <= 0) return false;
        double perEpoch = spent.TotalSeconds / finished;
        int fit = finished + (int)Math.Floor(Math.Max(0, (end - now).TotalSeconds) / Math.Max(perEpoch, 1e-9));
        int planned = Math.Clamp(fit, finished, Epochs);
        if (planned == Epochs) return false;
        Epochs = planned;
        return true;
    }
}
