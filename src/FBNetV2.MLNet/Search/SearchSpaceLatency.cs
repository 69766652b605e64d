using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Latency;

namespace FBNetV2.MLNet.Search;

/// <summary>What a latency table must hold for this space (see <see cref="ILatencyCoverage"/>).</summary>
public sealed partial class SearchSpace
{
    IEnumerable<FBNetArchitecture> ILatencyCoverage.CalibrationNetworks() => CalibrationNetworks();

    IEnumerable<LatencyFragments.Plan> ILatencyCoverage.LatencyNeeds(int gridPoints)
    {
        int[] G(int[] options) => LatencyFragments.Grid(options, gridPoints);
        int c = InputChannels;
        foreach (int r in Subsamples)
        {
            yield return new(LatencyKeys.Input(c, InputSize, r), [], (_, batch) => LatencyFragments.Input(c, InputSize, r, batch));
            int size = FBNetArchitecture.ConvOut(InputSize, r);
            foreach (var act in StemActivations)
                yield return new(LatencyKeys.Stem(c, size, StemKernel, StemStride, act), [G(StemWidths)],
                    (w, batch) => LatencyFragments.Stem(c, size, w[0], StemKernel, StemStride, act, batch));
            var previous = StemWidths;
            for (int s = 0; s < Stages.Count; s++)
            {
                var st = Stages[s];
                int inSize = StageInputSize(s, r), outSize = FBNetArchitecture.ConvOut(inSize, st.Stride);
                // Hidden width options with an expansion conv share a family with a hidden-width axis; the e1 option
                // (no expansion conv) has its own, over input and output width.
                var expanded = st.HiddenWidths.Where(h => h != E1).ToArray();
                bool e1 = expanded.Length < st.HiddenWidths.Length;
                foreach (var op in st.Ops)
                {
                    if (expanded.Length > 0)
                    {
                        yield return BlockNeed(op, st.Stride, inSize, [G(previous), G(expanded), G(st.Widths)]);
                        if (st.MaxBlocks > 1) yield return BlockNeed(op, 1, outSize, [G(st.Widths), G(expanded), G(st.Widths)]);
                    }
                    if (e1)
                    {
                        yield return E1Need(op, st.Stride, inSize, [G(previous), G(st.Widths)]);
                        if (st.MaxBlocks > 1) yield return E1Need(op, 1, outSize, [G(st.Widths), G(st.Widths)]);
                    }
                }
                if ((st.Stride == 1 && previous.Intersect(st.Widths).Any()) || st.MaxBlocks > 1)
                    yield return new(LatencyKeys.Add(outSize), [G(st.Widths)], (w, batch) => LatencyFragments.Add(w[0], outSize, batch));
                previous = st.Widths;
            }
            int last = Stages.Count - 1;
            int bodySize = FBNetArchitecture.ConvOut(StageInputSize(last, r), Stages[last].Stride);
            for (int hw = 0; hw < HeadWidths.Length; hw++)
                for (int ha = 0; ha < HeadActivations.Length; ha++)
                {
                    var head = HeadAt(hw, ha);
                    yield return new(LatencyKeys.Head(head, bodySize, NumClasses), [G(previous)], (w, batch) => LatencyFragments.Head(head, w[0], bodySize, NumClasses, batch));
                }
        }
    }

    /// <summary>
    /// The latency family of candidate <paramref name="op"/> at a stride and input size (the key does not depend on
    /// widths, only on whether the block has an expansion conv: <paramref name="e1"/> for the e1 option).
    /// </summary>
    internal static string LatencyKey(CandidateOp op, int stride, int inSize, bool e1 = false) =>
        BlockType.Of(op.Kind).Facet<ILatencyBlock>("latency family").LatencyKey(op.ToSpec(e1 ? E1 : 1, 1, stride), inSize);

    private static LatencyFragments.Plan E1Need(CandidateOp op, int stride, int inSize, int[][] axes) =>
        new(LatencyKey(op, stride, inSize, e1: true), axes, (w, batch) => LatencyFragments.Block(op.ToSpec(E1, w[1], stride), w[0], inSize, batch));

    private static LatencyFragments.Plan BlockNeed(CandidateOp op, int stride, int inSize, int[][] axes) =>
        new(LatencyKey(op, stride, inSize), axes, (w, batch) => LatencyFragments.Block(op.ToSpec(w[1], w[2], stride), w[0], inSize, batch));

    /// <summary>Whole networks whose timings fix the per-call overhead; seeded so that a table is reproducible, and drawn apart from any benchmark's.</summary>
    internal IEnumerable<FBNetArchitecture> CalibrationNetworks()
    {
        var random = new Random(20200405);
        return Enumerable.Range(0, 8).Select(_ => ArchitectureChoice.Random(this, random).Derive(this)).ToList();
    }
}
