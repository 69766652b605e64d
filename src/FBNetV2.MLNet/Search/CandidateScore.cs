using FBNetV2.MLNet.Architecture;

namespace FBNetV2.MLNet.Search;

/// <summary>
/// A derived candidate: how it was obtained, its exact cost, its accuracy with inherited supernet weights, and, for
/// the best few, its accuracy after a short training from scratch (<see cref="SearchOptions.ProxyCandidates"/>).
/// </summary>
public sealed record CandidateScore(string Origin, FBNetArchitecture Architecture, double Cost, double InheritedAccuracy, double LogProbability)
{
    /// <summary>Architecture-split accuracy after <see cref="SearchOptions.ProxySteps"/> of training from scratch; null when not trained.</summary>
    public double? ProxyAccuracy { get; init; }
}
