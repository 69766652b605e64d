namespace FBNetV2.MLNet.Search;

/// <summary>One finished search epoch, as reported to <see cref="SearchFBNetOptions.SearchProgress"/> and kept in <see cref="SearchResult.History"/>.</summary>
/// <param name="Epoch">The epoch just finished, from 1.</param>
/// <param name="Epochs">Search epochs planned.</param>
/// <param name="WeightLoss">Mean training loss of the supernet's weight steps in this epoch.</param>
/// <param name="WeightAccuracy">Training accuracy (a fraction) of those steps, on the sampled paths.</param>
/// <param name="ArchitectureLoss">Mean loss of the architecture steps (cross-entropy times the cost term); null during the weight-only warm-up.</param>
/// <param name="ExpectedCost">Expected cost of the current distribution in raw units of <see cref="CostTarget"/> (multiply-adds, parameters or milliseconds).</param>
/// <param name="Temperature">Gumbel-softmax temperature at the end of the epoch (5.0 falling to 0.5 by default).</param>
/// <param name="MeanEntropy">Mean entropy (nats) of the decisions' distributions: how undecided the search still is.</param>
/// <param name="Elapsed">Search time so far, including epochs of a resumed checkpoint.</param>
/// <param name="EstimatedRemaining">Estimate of the time the remaining search epochs take.</param>
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

    /// <summary>One line for a log: epoch, losses, accuracy, expected cost, temperature, entropy and time left.</summary>
    public override string ToString() =>
        $"search {Epoch}/{Epochs}  loss {WeightLoss:F4}  acc {WeightAccuracy:P2}" +
        (ArchitectureLoss is { } a ? $"  arch loss {a:F4}" : "  (warm-up)") +
        $"  E[cost] {CostModel.Format(ExpectedCost, CostTarget)}  tau {Temperature:F3}  entropy {MeanEntropy:F3}  ETA {EstimatedRemaining:hh\\:mm\\:ss}";
}
