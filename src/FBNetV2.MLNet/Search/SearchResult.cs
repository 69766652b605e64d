using FBNetV2.MLNet.Architecture;

namespace FBNetV2.MLNet.Search;

/// <summary>The outcome of a search: the chosen architecture, the candidates it beat, the history and the final distribution.</summary>
/// <param name="Architecture">The chosen network (the first of <paramref name="Candidates"/>), before its training from scratch.</param>
/// <param name="Cost">Its exact cost in raw units of the cost target: multiply-adds, parameters, or predicted milliseconds.</param>
/// <param name="Candidates">Every derived candidate, best first: those trained for the proxy ranking by their proxy accuracy, then the rest by inherited accuracy.</param>
/// <param name="History">One entry per search epoch.</param>
/// <param name="Distribution">The learned probabilities of every decision at the end of the search.</param>
/// <param name="DistributionHistory">The same after each search epoch, in order.</param>
public sealed record SearchResult(
    FBNetArchitecture Architecture,
    double Cost,
    IReadOnlyList<CandidateScore> Candidates,
    IReadOnlyList<SearchProgress> History,
    IReadOnlyList<DecisionDistribution> Distribution,
    IReadOnlyList<IReadOnlyList<DecisionDistribution>> DistributionHistory)
{
    /// <summary>The budget searched for, in raw units of the cost target (given, or the default the search chose).</summary>
    public double Budget { get; init; }

    /// <summary>The settings the search ran with; null in results made before it was recorded.</summary>
    public SearchRecipe? Recipe { get; init; }
}

/// <summary>The learned probabilities of one decision, with readable option labels.</summary>
/// <param name="Name">Readable label of the decision, e.g. <c>stage 2 block 1 type</c>.</param>
/// <param name="Options">One label per option, e.g. <c>ir_k3</c>, <c>skip</c>, <c>24</c>, <c>14px</c>.</param>
/// <param name="Probabilities">Softmax of the decision's architecture logits, one per option (they sum to 1).</param>
public sealed record DecisionDistribution(string Name, string[] Options, double[] Probabilities)
{
    /// <summary>What the decision controls (resolution, a width, a block's type or hidden width); null in results saved before it was recorded.</summary>
    public DecisionRole? Role { get; init; }
}
