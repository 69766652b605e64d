using System.Runtime.CompilerServices;
using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Search;

/// <summary>
/// Differentiable cost as the exact expectation under the architecture distribution. Each searched layer's cost depends
/// only on the resolution, its input width, its hidden width, its output width and its block type, which are separate,
/// independent decisions (or, after a stage's first block, input and output are the same decision); so the expected
/// cost is a sum over layers of each candidate's exact cost (<see cref="BlockType.Costs"/>, tabulated once per space
/// over those options) weighted by the product of their probabilities. No block cost has to be linear in its widths:
/// an e1 block's depthwise and projection costs grow with the product of its input and output widths, and the table
/// holds them exactly. Stem, head conv and classifier are products of independent choices. At one-hot weights it
/// equals <see cref="ArchitectureCost"/> of the derived architecture; computed in float64 so that the equality is exact.
/// The decisions are looked up by role in <see cref="SearchSpace.Decisions"/>.
/// </summary>
internal static class ExpectedCost
{
    /// <param name="space">The space the weights belong to.</param>
    /// <param name="weights">One probability vector per decision, in <see cref="SearchSpace.Decisions"/> order.</param>
    public static (Tensor Flops, Tensor Parameters) Compute(SearchSpace space, IReadOnlyList<Tensor> weights)
    {
        var decisions = space.Decisions;
        var w = weights.Select(t => t.to_type(ScalarType.Float64)).ToArray();
        var device = w[0].device;
        var tables = Tables.For(space);
        Tensor Expect(Tensor p, IEnumerable<double> values) => (p * tensor(values.ToArray(), ScalarType.Float64, device)).sum();

        var pRes = w[decisions.IndexOf(DecisionRole.Resolution)];
        // Expected area of the map after the stem and after each block, over the resolution choice.
        Tensor Area(Func<int, int> sizeForSubsample) => Expect(pRes, space.Subsamples.Select(r => (double)sizeForSubsample(r) * sizeForSubsample(r)));

        var pStem = w[decisions.IndexOf(DecisionRole.StemWidth)];
        var cStem = Expect(pStem, space.StemWidths.Select(x => (double)x));
        // The stem is linear in its width: its cost per output channel on a 1x1 map, times width and area.
        var (stemFlops, stemParams) = ArchitectureCost.ConvBn(space.InputChannels, 1, space.StemKernel, 1);
        var flops = Area(r => space.StageInputSize(0, r)).Times(stemFlops) * cStem;
        var parameters = cStem.Times(stemParams);

        var pPrev = pStem;
        for (int s = 0; s < space.Stages.Count; s++)
        {
            var st = space.Stages[s];
            var pWidth = w[decisions.IndexOf(DecisionRole.StageWidth, s)];
            for (int b = 0; b < st.MaxBlocks; b++)
            {
                var pOp = w[decisions.IndexOf(DecisionRole.BlockOp, s, b)][..st.Ops.Length]; // skip (the last option) costs nothing
                var pHidden = w[decisions.IndexOf(DecisionRole.BlockHidden, s, b)];
                var (f, p) = tables.Blocks[(s, b)];
                if (b == 0)
                {
                    // [op, resolution, input width, hidden, output width]
                    flops = flops.Plus(einsum("k,r,i,h,o,kriho->", pOp, pRes, pPrev, pHidden, pWidth, f.On(device)));
                    parameters = parameters.Plus(einsum("k,i,h,o,kiho->", pOp, pPrev, pHidden, pWidth, p.On(device)));
                }
                else
                {
                    // Input and output width are the stage's one decision: [op, resolution, width, hidden].
                    flops = flops.Plus(einsum("k,r,c,h,krch->", pOp, pRes, pWidth, pHidden, f.On(device)));
                    parameters = parameters.Plus(einsum("k,c,h,kch->", pOp, pWidth, pHidden, p.On(device)));
                }
            }
            pPrev = pWidth;
        }
        var cIn = Expect(pPrev, space.Stages[^1].Widths.Select(x => (double)x));
        int last = space.Stages.Count;
        var aBody = Area(r => FBNetArchitecture.ConvOut(space.StageInputSize(last - 1, r), space.Stages[^1].Stride));
        var pHead = decisions.WeightsOf(w, DecisionRole.HeadWidth);
        Tensor? ch = null;
        if (space.Head.Channels > 0)
        {
            var cHead = pHead is null ? tensor((double)space.HeadWidths[0], ScalarType.Float64, device) : Expect(pHead, space.HeadWidths.Select(x => (double)x));
            flops = flops.Plus(aBody * cIn * cHead);
            parameters = parameters.Plus(cIn * cHead).Plus(cHead.Times(2.0));
            ch = cHead;
        }
        if (space.Head.Features > 0)
        {
            var inF = ch ?? cIn;
            flops = flops.Plus(inF.Times(space.Head.Features));
            parameters = parameters.Plus(inF.Times(space.Head.Features)).Plus(space.Head.Features);
            ch = tensor((double)space.Head.Features, ScalarType.Float64, device);
        }
        var inC = ch ?? cIn;
        flops = flops.Plus(inC.Times(space.NumClasses));
        parameters = parameters.Plus(inC.Times(space.NumClasses)).Plus(space.NumClasses);
        return (flops, parameters);
    }

    /// <summary>One-hot weights for a discrete choice, e.g. to check the cost model or to evaluate a sampled architecture.</summary>
    public static Tensor[] OneHot(SearchSpace space, ArchitectureChoice choice)
    {
        var counts = ArchitectureChoice.OptionCounts(space);
        return choice.ToFlat(space).Select((index, i) => nn.functional.one_hot(tensor((long)index), counts[i]).to_type(ScalarType.Float64)).ToArray();
    }

    /// <summary>
    /// Each searched layer's exact cost (<see cref="BlockType.Costs"/>) for every candidate, resolution, input width,
    /// hidden width and output width option; for layers after a stage's first block the input width is the output
    /// width. Computed once per space.
    /// </summary>
    private sealed class Tables
    {
        private static readonly ConditionalWeakTable<SearchSpace, Tables> Cache = new();

        /// <summary>A dense float64 array with its shape, made a tensor on the device that asks.</summary>
        public sealed class Table(long[] shape)
        {
            private readonly double[] data = new double[shape.Aggregate(1L, (a, b) => a * b)];

            public double this[params int[] index]
            {
                set
                {
                    long flat = 0;
                    for (int d = 0; d < shape.Length; d++) flat = flat * shape[d] + index[d];
                    data[flat] = value;
                }
            }

            public Tensor On(Device device) => tensor(data, shape, ScalarType.Float64, device);
        }

        /// <summary>Per (stage, block): flops [op, res, in, hidden, out] and parameters [op, in, hidden, out]; after the first block [op, res, width, hidden] and [op, width, hidden].</summary>
        public Dictionary<(int, int), (Table Flops, Table Params)> Blocks { get; } = new();

        public static Tables For(SearchSpace space) => Cache.GetValue(space, Build);

        private static Tables Build(SearchSpace space)
        {
            var result = new Tables();
            int[] inWidths = space.StemWidths;
            for (int s = 0; s < space.Stages.Count; s++)
            {
                var st = space.Stages[s];
                int R = space.Subsamples.Length, H = st.HiddenWidths.Length, K = st.Ops.Length, O = st.Widths.Length, I = inWidths.Length;
                for (int b = 0; b < st.MaxBlocks; b++)
                {
                    int stride = b == 0 ? st.Stride : 1;
                    (long F, long P) Cost(int k, int r, int cIn, int h, int cOut)
                    {
                        int inSize = space.StageInputSize(s, space.Subsamples[r]);
                        if (b > 0) inSize = FBNetArchitecture.ConvOut(inSize, st.Stride);
                        var spec = st.Ops[k].ToSpec(st.HiddenWidths[h], cOut, stride);
                        long f = 0, p = 0;
                        foreach (var part in spec.Type.Costs(spec, cIn, inSize)) { f += part.Flops; p += part.Params; }
                        return (f, p);
                    }
                    Table flops, prms;
                    if (b == 0)
                    {
                        flops = new Table([K, R, I, H, O]);
                        prms = new Table([K, I, H, O]);
                        for (int k = 0; k < K; k++)
                            for (int i = 0; i < I; i++)
                                for (int h = 0; h < H; h++)
                                    for (int o = 0; o < O; o++)
                                        for (int r = 0; r < R; r++)
                                        {
                                            var (f, p) = Cost(k, r, inWidths[i], h, st.Widths[o]);
                                            flops[k, r, i, h, o] = f;
                                            prms[k, i, h, o] = p;
                                        }
                    }
                    else
                    {
                        flops = new Table([K, R, O, H]);
                        prms = new Table([K, O, H]);
                        for (int k = 0; k < K; k++)
                            for (int c = 0; c < O; c++)
                                for (int h = 0; h < H; h++)
                                    for (int r = 0; r < R; r++)
                                    {
                                        var (f, p) = Cost(k, r, st.Widths[c], h, st.Widths[c]);
                                        flops[k, r, c, h] = f;
                                        prms[k, c, h] = p;
                                    }
                    }
                    result.Blocks[(s, b)] = (flops, prms);
                }
                inWidths = st.Widths;
            }
            return result;
        }
    }
}
