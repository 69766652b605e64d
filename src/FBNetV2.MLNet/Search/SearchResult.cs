using FBNetV2.MLNet.Architecture;

namespace FBNetV2.MLNet.Search;

/// <summary>The outcome of a search: the chosen architecture, the candidates it beat, the history and the final distribution.</summary>
public sealed record SearchResult(
    FBNetArchitecture Architecture,
    double Cost,
    IReadOnlyList<CandidateScore> Candidates,
    IReadOnlyList<SearchProgress> History,
    IReadOnlyList<DecisionDistribution> Distribution,
    IReadOnlyList<IReadOnlyList<DecisionDistribution>> DistributionHistory);

/// <summary>The learned probabilities of one decision, with readable option labels.</summary>
public sealed record DecisionDistribution(string Name, string[] Options, double[] Probabilities)
{
    /// <summary>What the decision controls (<see cref="SearchDecision.Role"/>); null in results saved before it was recorded.</summary>
    public DecisionRole? Role { get; init; }
}
