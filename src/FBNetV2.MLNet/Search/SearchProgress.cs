namespace FBNetV2.MLNet.Search;

/// <summary>One finished search epoch.</summary>
public sealed record SearchProgress(
    int Epoch,
    int Epochs,
    double WeightLoss,
    double WeightAccuracy,
    double? ArchitectureLoss,
    double ExpectedCost,
    double Temperature,
    double MeanEntropy,
    TimeSpan Elapsed,
    TimeSpan EstimatedRemaining)
{
    /// <summary>The unit of <see cref="ExpectedCost"/>.</summary>
    public CostTarget CostTarget { get; init; } = CostTarget.Flops;

    public override string ToString() =>
        $"search {Epoch}/{Epochs}  loss {WeightLoss:F4}  acc {WeightAccuracy:P2}" +
        (ArchitectureLoss is { } a ? $"  arch loss {a:F4}" : "  (warm-up)") +
        $"  E[cost] {CostModel.Format(ExpectedCost, CostTarget)}  tau {Temperature:F3}  entropy {MeanEntropy:F3}  ETA {EstimatedRemaining:hh\\:mm\\:ss}";
}
