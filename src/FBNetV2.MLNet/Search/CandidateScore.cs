using FBNetV2.MLNet.Architecture;

namespace FBNetV2.MLNet.Search;

/// <summary>
/// A derived candidate: how it was obtained, its exact cost, its accuracy with inherited supernet weights, and, for
/// the best few, its accuracy after a short training from scratch (<see cref="SearchFBNetOptions.ProxyCandidates"/>).
/// </summary>
/// <param name="Origin">How it was derived: <c>argmax</c> (the most likely option of every decision) or <c>sample k</c> (drawn from the learned distribution), then fitted to the budget.</param>
/// <param name="Architecture">The derived network.</param>
/// <param name="Cost">Its exact cost in raw units of the cost target: multiply-adds, parameters, or predicted milliseconds.</param>
/// <param name="InheritedAccuracy">Accuracy (a fraction) on the search's architecture split with the supernet's weights, after re-estimating BN statistics for this path.</param>
/// <param name="LogProbability">Natural log of its probability under the learned distribution.</param>
public sealed record CandidateScore(string Origin, FBNetArchitecture Architecture, double Cost, double InheritedAccuracy, double LogProbability)
{
    /// <summary>Architecture-split accuracy (a fraction) after a short training from scratch (300 optimizer steps at most, never more than the search made on the weights); null when not trained.</summary>
    public double? ProxyAccuracy { get; init; }

    /// <summary>Optimizer steps of that proxy training; null when not trained.</summary>
    public int? ProxySteps { get; init; }

    /// <summary>The unit of <see cref="Cost"/>.</summary>
    public CostTarget CostTarget { get; init; } = CostTarget.Flops;

    /// <summary>One line for a log: origin, cost, inherited accuracy and, once trained, the proxy accuracy.</summary>
    public override string ToString() =>
        $"candidate {Origin}: {CostModel.Format(Cost, CostTarget)}, inherited accuracy {InheritedAccuracy:P2}" +
        (ProxyAccuracy is { } p ? $", after {ProxySteps} steps of training from scratch {p:P2}" : "");
}
