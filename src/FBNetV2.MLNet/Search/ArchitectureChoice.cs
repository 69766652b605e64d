using FBNetV2.MLNet.Architecture;

namespace FBNetV2.MLNet.Search;

/// <summary>
/// One point of a <see cref="SearchSpace"/>: an option index for every decision. Op index Ops.Length means "skip".
/// </summary>
public sealed record ArchitectureChoice(int Resolution, int Stem, int[] StageWidth, int[][] Op, int[][] Hidden)
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
                var op = st.Ops[Op[s][b]];
                blocks.Add(BlockSpec.Ir(op.Kernel, st.HiddenWidths[Hidden[s][b]], st.Widths[StageWidth[s]], b == 0 ? st.Stride : 1, op.SqueezeExcite, op.Activation));
            }
            stages.Add(blocks);
        }
        return new FBNetArchitecture(space.InputChannels, space.InputSize,
            new StemSpec(space.StemWidths[Stem], space.StemStride, 3, space.StemActivation), stages, space.Head, space.NumClasses,
            space.Subsamples[Resolution]);
    }

    /// <summary>Every decision as (name, chosen index, option count), in a fixed order shared with the supernet's parameters.</summary>
    public IEnumerable<(string Name, int Index)> Decisions(SearchSpace space)
    {
        yield return ("resolution", Resolution);
        yield return ("stem", Stem);
        for (int s = 0; s < space.Stages.Count; s++)
        {
            yield return ($"s{s + 1}.width", StageWidth[s]);
            for (int b = 0; b < space.Stages[s].MaxBlocks; b++)
            {
                yield return ($"s{s + 1}.b{b + 1}.op", Op[s][b]);
                yield return ($"s{s + 1}.b{b + 1}.hidden", Hidden[s][b]);
            }
        }
    }

    /// <summary>Option counts of every decision, in the order of <see cref="Decisions"/>.</summary>
    public static int[] OptionCounts(SearchSpace space)
    {
        var counts = new List<int> { space.Subsamples.Length, space.StemWidths.Length };
        foreach (var st in space.Stages)
        {
            counts.Add(st.Widths.Length);
            for (int b = 0; b < st.MaxBlocks; b++)
            {
                counts.Add(st.Ops.Length + (b > 0 && st.AllowSkip ? 1 : 0));
                counts.Add(st.HiddenWidths.Length);
            }
        }
        return counts.ToArray();
    }

    /// <summary>Builds a choice from a flat index list in the order of <see cref="Decisions"/>.</summary>
    public static ArchitectureChoice FromFlat(SearchSpace space, IReadOnlyList<int> flat)
    {
        int i = 0;
        int res = flat[i++], stem = flat[i++];
        var widths = new int[space.Stages.Count];
        var ops = new int[space.Stages.Count][];
        var hidden = new int[space.Stages.Count][];
        for (int s = 0; s < space.Stages.Count; s++)
        {
            widths[s] = flat[i++];
            ops[s] = new int[space.Stages[s].MaxBlocks];
            hidden[s] = new int[space.Stages[s].MaxBlocks];
            for (int b = 0; b < space.Stages[s].MaxBlocks; b++) { ops[s][b] = flat[i++]; hidden[s][b] = flat[i++]; }
        }
        return new ArchitectureChoice(res, stem, widths, ops, hidden);
    }

    public int[] ToFlat(SearchSpace space) => Decisions(space).Select(d => d.Index).ToArray();

    /// <summary>A uniformly random point of the space.</summary>
    public static ArchitectureChoice Random(SearchSpace space, Random random) =>
        FromFlat(space, OptionCounts(space).Select(n => random.Next(n)).ToArray());
}
