using FBNetV2.MLNet.Architecture;

namespace FBNetV2.MLNet.Search;

/// <summary>
/// One point of a <see cref="SearchSpace"/>: an option index for every decision of <see cref="SearchSpace.Decisions"/>.
/// Op index Ops.Length means "skip". Decisions the space does not search (one option) stay at option 0.
/// </summary>
internal sealed record ArchitectureChoice(int Resolution, int Stem, int[] StageWidth, int[][] Op, int[][] Hidden,
    int HeadWidth = 0, int StemActivation = 0, int HeadActivation = 0)
{
    /// <summary>The architecture this choice stands for; skipped layers are left out.</summary>
    public FBNetArchitecture Derive(SearchSpace space)
    {
        var stages = new List<List<BlockSpec>>();
        for (int s = 0; s < space.Stages.Count; s++)
        {
            var st = space.Stages[s];
            var blocks = new List<BlockSpec>();
            for (int b = 0; b < st.MaxBlocks; b++)
            {
                if (Op[s][b] == st.Ops.Length) continue;
                blocks.Add(st.Ops[Op[s][b]].ToSpec(st.HiddenWidths[Hidden[s][b]], st.Widths[StageWidth[s]], b == 0 ? st.Stride : 1));
            }
            stages.Add(blocks);
        }
        return new FBNetArchitecture(space.InputChannels, space.InputSize,
            new StemSpec(space.StemWidths[Stem], space.StemStride, space.StemKernel, space.StemActivations[StemActivation]), stages,
            space.HeadAt(HeadWidth, HeadActivation), space.NumClasses,
            space.Subsamples[Resolution]);
    }

    /// <summary>The chosen option of one decision.</summary>
    public int Get(SearchDecision d) => d.Role switch
    {
        DecisionRole.Resolution => Resolution,
        DecisionRole.StemWidth => Stem,
        DecisionRole.StageWidth => StageWidth[d.Stage],
        DecisionRole.BlockOp => Op[d.Stage][d.Block],
        DecisionRole.BlockHidden => Hidden[d.Stage][d.Block],
        DecisionRole.StemActivation => StemActivation,
        DecisionRole.HeadWidth => HeadWidth,
        DecisionRole.HeadActivation => HeadActivation,
        _ => throw new ArgumentOutOfRangeException(nameof(d), $"Decision '{d.Name}' has role {d.Role}, which an ArchitectureChoice does not hold."),
    };

    /// <summary>Every decision as (name, chosen index), in the order of <see cref="SearchSpace.Decisions"/>.</summary>
    public IEnumerable<(string Name, int Index)> Decisions(SearchSpace space) => space.Decisions.Select(d => (d.Name, Get(d)));

    /// <summary>Option counts of every decision, in the order of <see cref="SearchSpace.Decisions"/>.</summary>
    public static int[] OptionCounts(SearchSpace space) => space.Decisions.OptionCounts();

    /// <summary>Builds a choice from a flat index list in the order of <see cref="SearchSpace.Decisions"/>.</summary>
    public static ArchitectureChoice FromFlat(SearchSpace space, IReadOnlyList<int> flat)
    {
        var decisions = space.Decisions;
        if (flat.Count != decisions.Count)
            throw new ArgumentException($"The search space has {decisions.Count} decisions but {flat.Count} choices were given.", nameof(flat));
        int res = 0, stem = 0, head = 0, stemAct = 0, headAct = 0;
        var widths = new int[space.Stages.Count];
        var ops = space.Stages.Select(st => new int[st.MaxBlocks]).ToArray();
        var hidden = space.Stages.Select(st => new int[st.MaxBlocks]).ToArray();
        foreach (var d in decisions)
        {
            int v = flat[d.Index];
            switch (d.Role)
            {
                case DecisionRole.Resolution: res = v; break;
                case DecisionRole.StemWidth: stem = v; break;
                case DecisionRole.StageWidth: widths[d.Stage] = v; break;
                case DecisionRole.BlockOp: ops[d.Stage][d.Block] = v; break;
                case DecisionRole.BlockHidden: hidden[d.Stage][d.Block] = v; break;
                case DecisionRole.StemActivation: stemAct = v; break;
                case DecisionRole.HeadWidth: head = v; break;
                case DecisionRole.HeadActivation: headAct = v; break;
                default: throw new ArgumentOutOfRangeException(nameof(space), $"Decision '{d.Name}' has role {d.Role}, which an ArchitectureChoice does not hold.");
            }
        }
        return new ArchitectureChoice(res, stem, widths, ops, hidden, head, stemAct, headAct);
    }

    /// <summary>The choice as a flat index list in the order of <see cref="SearchSpace.Decisions"/>.</summary>
    public int[] ToFlat(SearchSpace space) => space.Decisions.Select(Get).ToArray();

    /// <summary>A uniformly random point of the space.</summary>
    public static ArchitectureChoice Random(SearchSpace space, Random random) =>
        FromFlat(space, OptionCounts(space).Select(n => random.Next(n)).ToArray());
}
