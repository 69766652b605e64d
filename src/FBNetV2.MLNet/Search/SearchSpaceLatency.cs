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
            yield return new(LatencyKeys.Stem(c, size, StemKernel, StemStride, StemActivation), [G(StemWidths)],
                (w, batch) => LatencyFragments.Stem(c, size, w[0], StemKernel, StemStride, StemActivation, batch));
            var previous = StemWidths;
            for (int s = 0; s < Stages.Count; s++)
            {
                var st = Stages[s];
                int inSize = StageInputSize(s, r), outSize = FBNetArchitecture.ConvOut(inSize, st.Stride);
                foreach (var op in st.Ops)
                {
                    yield return BlockNeed(op, st.Stride, inSize, [G(previous), G(st.HiddenWidths), G(st.Widths)]);
                    if (st.MaxBlocks > 1) yield return BlockNeed(op, 1, outSize, [G(st.Widths), G(st.HiddenWidths), G(st.Widths)]);
                }
                if ((st.Stride == 1 && previous.Intersect(st.Widths).Any()) || st.MaxBlocks > 1)
                    yield return new(LatencyKeys.Add(outSize), [G(st.Widths)], (w, batch) => LatencyFragments.Add(w[0], outSize, batch));
                previous = st.Widths;
            }
            int last = Stages.Count - 1;
            int bodySize = FBNetArchitecture.ConvOut(StageInputSize(last, r), Stages[last].Stride);
            yield return new(LatencyKeys.Head(Head, bodySize, NumClasses), [G(previous)], (w, batch) => LatencyFragments.Head(Head, w[0], bodySize, NumClasses, batch));
        }
    }

    /// <summary>The latency family of candidate <paramref name="op"/> at a stride and input size (the key does not depend on widths).</summary>
    internal static string LatencyKey(CandidateOp op, int stride, int inSize) =>
        BlockType.Of(op.Kind).Facet<ILatencyBlock>("latency family").LatencyKey(op.ToSpec(1, 1, stride), inSize);

    private static LatencyFragments.Plan BlockNeed(CandidateOp op, int stride, int inSize, int[][] axes) =>
        new(LatencyKey(op, stride, inSize), axes, (w, batch) => LatencyFragments.Block(op.ToSpec(w[1], w[2], stride), w[0], inSize, batch));

    /// <summary>Whole networks whose timings fix the per-call overhead; seeded so that a table is reproducible, and drawn apart from any benchmark's.</summary>
    internal IEnumerable<FBNetArchitecture> CalibrationNetworks()
    {
        var random = new Random(20200405);
        return Enumerable.Range(0, 8).Select(_ => ArchitectureChoice.Random(this, random).Derive(this)).ToList();
    }
}
