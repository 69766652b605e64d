namespace FBNetV2.MLNet.Search;

/// <summary>
/// The labelled list of a search space's decisions, in the one order everything shares (supernet logits,
/// <see cref="ArchitectureChoice"/>'s flat form, expected costs, distributions, reports, checkpoints). Built here and
/// nowhere else: a new kind of decision is one more entry in <see cref="Build"/>, and consumers find it by role.
/// </summary>
internal sealed class SearchDecisions : IReadOnlyList<SearchDecision>
{
    private readonly SearchDecision[] items;
    private readonly Dictionary<(DecisionRole, int, int), int> index = new();

    private SearchDecisions(List<SearchDecision> items)
    {
        this.items = items.ToArray();
        foreach (var d in this.items) index.Add((d.Role, d.Stage, d.Block), d.Index);
    }

    public SearchDecision this[int i] => items[i];
    public int Count => items.Length;
    public IEnumerator<SearchDecision> GetEnumerator() => ((IEnumerable<SearchDecision>)items).GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => items.GetEnumerator();

    /// <summary>Position of the decision with this role (and stage and block where it has them).</summary>
    public int IndexOf(DecisionRole role, int stage = -1, int block = -1) =>
        index.TryGetValue((role, stage, block), out int i) ? i
            : throw new ArgumentException($"The search space has no {role} decision{(stage >= 0 ? $" for stage {stage + 1}" : "")}{(block >= 0 ? $" block {block + 1}" : "")}.");

    /// <summary>Position of the decision with this role, or -1 where the space does not search it (one option only).</summary>
    public int TryIndexOf(DecisionRole role, int stage = -1, int block = -1) => index.TryGetValue((role, stage, block), out int i) ? i : -1;

    /// <summary>
    /// The weights of a decision from a per-decision list (probabilities, Gumbel samples), or null where the space
    /// does not search it: then its one option has all the weight.
    /// </summary>
    public T? WeightsOf<T>(IReadOnlyList<T> weights, DecisionRole role, int stage = -1, int block = -1) where T : class =>
        TryIndexOf(role, stage, block) is int i and >= 0 ? weights[i] : null;

    /// <summary>The decision with this role (and stage and block where it has them).</summary>
    public SearchDecision Find(DecisionRole role, int stage = -1, int block = -1) => items[IndexOf(role, stage, block)];

    /// <summary>Option counts in order.</summary>
    public int[] OptionCounts() => items.Select(d => d.Count).ToArray();

    internal static SearchDecisions Build(SearchSpace space)
    {
        var list = new List<SearchDecision>();
        void Add(DecisionRole role, int stage, int block, string name, string label, IEnumerable<string> options) =>
            list.Add(new SearchDecision(list.Count, role, stage, block, name, label, options.ToArray()));

        Add(DecisionRole.Resolution, -1, -1, "resolution", "resolution", space.Subsamples.Select(r => $"{(space.InputSize + r - 1) / r}px"));
        Add(DecisionRole.StemWidth, -1, -1, "stem", "stem width", space.StemWidths.Select(w => w.ToString()));
        // Decisions with one option are left out, so that spaces that do not search them keep their decisions.
        if (space.StemActivations.Length > 1)
            Add(DecisionRole.StemActivation, -1, -1, "stem.act", "stem activation", space.StemActivations.Select(ActivationLabel));
        for (int s = 0; s < space.Stages.Count; s++)
        {
            var st = space.Stages[s];
            Add(DecisionRole.StageWidth, s, -1, $"s{s + 1}.width", $"stage {s + 1} width", st.Widths.Select(w => w.ToString()));
            for (int b = 0; b < st.MaxBlocks; b++)
            {
                // Skip (depth) is the last option after a stage's first block.
                var ops = st.Ops.Select(op => op.ToString());
                if (b > 0 && st.AllowSkip) ops = ops.Append("skip");
                Add(DecisionRole.BlockOp, s, b, $"s{s + 1}.b{b + 1}.op", $"stage {s + 1} block {b + 1} type", ops);
                Add(DecisionRole.BlockHidden, s, b, $"s{s + 1}.b{b + 1}.hidden", $"stage {s + 1} block {b + 1} hidden", st.HiddenWidths.Select(HiddenLabel));
            }
        }
        if (space.HeadWidths.Length > 1)
            Add(DecisionRole.HeadWidth, -1, -1, "head", "head width", space.HeadWidths.Select(w => w.ToString()));
        if (space.HeadActivations.Length > 1)
            Add(DecisionRole.HeadActivation, -1, -1, "head.act", "head activation", space.HeadActivations.Select(ActivationLabel));
        return new SearchDecisions(list);
    }

    /// <summary>A hidden width option's label: <c>e1</c> for the block without expansion conv, else the width.</summary>
    public static string HiddenLabel(int width) => width == SearchSpace.E1 ? "e1" : width.ToString();

    private static string ActivationLabel(Architecture.Activation a) => a == Architecture.Activation.HSwish ? "hs" : "relu";
}
