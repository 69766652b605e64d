using System.Runtime.CompilerServices;
using FBNetV2.MLNet.Architecture;
using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Search;

/// <summary>
/// Differentiable cost by effective shape propagation: each width, resolution and block choice enters as its
/// expectation under the architecture distribution (c_eff = sum_i p_i c_i feeds the next layer's input width). Every
/// term multiplies choices that are independent, so this is the exact expected cost, and at one-hot weights it equals
/// <see cref="ArchitectureCost"/> of the derived architecture. Computed in float64 so that the equality is exact. The
/// decisions are looked up by role in <see cref="SearchSpace.Decisions"/>; block costs come from each kind's exact count.
/// </summary>
internal static class ExpectedCost
{
    /// <param name="space">The space the weights belong to.</param>
    /// <param name="weights">One probability vector per decision, in <see cref="SearchSpace.Decisions"/> order.</param>
    public static (Tensor Flops, Tensor Parameters) Compute(SearchSpace space, IReadOnlyList<Tensor> weights)
    {
        var decisions = space.Decisions;
        var w = weights.Select(t => t.to_type(ScalarType.Float64)).ToArray();
        var coefficients = Coefficients.For(space);
        Tensor Expect(Tensor p, IEnumerable<double> values) => (p * tensor(values.ToArray(), ScalarType.Float64, p.device)).sum();

        var pRes = w[decisions.IndexOf(DecisionRole.Resolution)];
        // Expected area of the map after the stem and after each block, over the resolution choice.
        Tensor Area(Func<int, int> sizeForSubsample) => Expect(pRes, space.Subsamples.Select(r => (double)sizeForSubsample(r) * sizeForSubsample(r)));
        // E[x^T M y] for independent choices x (resolution) and y (hidden width).
        Tensor Bilinear(Tensor x, double[,] m, Tensor y) =>
            x.unsqueeze(0).matmul(tensor(m, ScalarType.Float64, x.device)).matmul(y.unsqueeze(1)).sum();

        var pStem = w[decisions.IndexOf(DecisionRole.StemWidth)];
        var cStem = Expect(pStem, space.StemWidths.Select(x => (double)x));
        // The stem is linear in its width: its cost per output channel on a 1x1 map, times width and area.
        var (stemFlops, stemParams) = ArchitectureCost.ConvBn(space.InputChannels, 1, space.StemKernel, 1);
        var flops = Area(r => space.StageInputSize(0, r)) * (double)stemFlops * cStem;
        var parameters = cStem * (double)stemParams;

        var cIn = cStem;
        for (int s = 0; s < space.Stages.Count; s++)
        {
            var st = space.Stages[s];
            var cOut = Expect(w[decisions.IndexOf(DecisionRole.StageWidth, s)], st.Widths.Select(x => (double)x));
            for (int b = 0; b < st.MaxBlocks; b++)
            {
                var pOp = w[decisions.IndexOf(DecisionRole.BlockOp, s, b)];
                var pHidden = w[decisions.IndexOf(DecisionRole.BlockHidden, s, b)];
                for (int k = 0; k < st.Ops.Length; k++)
                {
                    var c = coefficients.Blocks[(s, b, k)];
                    var f = Bilinear(pRes, c.Flops[0], pHidden) + Bilinear(pRes, c.Flops[1], pHidden) * cIn + Bilinear(pRes, c.Flops[2], pHidden) * cOut;
                    var p = Expect(pHidden, c.Params[0]) + Expect(pHidden, c.Params[1]) * cIn + Expect(pHidden, c.Params[2]) * cOut;
                    flops = flops + pOp[k] * f;
                    parameters = parameters + pOp[k] * p;
                }
                // The skip option (index Ops.Length) is an identity: no cost. The first block is never skipped,
                // so from the second block on the input width is the stage's own.
                cIn = cOut;
            }
        }
        int last = space.Stages.Count;
        var aBody = Area(r => FBNetArchitecture.ConvOut(space.StageInputSize(last - 1, r), space.Stages[^1].Stride));
        int ch = -1;
        if (space.Head.Channels > 0)
        {
            flops = flops + aBody * cIn * space.Head.Channels;
            parameters = parameters + cIn * space.Head.Channels + 2.0 * space.Head.Channels;
            ch = space.Head.Channels;
        }
        if (space.Head.Features > 0)
        {
            var inF = ch > 0 ? (Tensor)(double)ch : cIn;
            flops = flops + inF * space.Head.Features;
            parameters = parameters + inF * space.Head.Features + space.Head.Features;
            ch = space.Head.Features;
        }
        var inC = ch > 0 ? (Tensor)(double)ch : cIn;
        flops = flops + inC * space.NumClasses;
        parameters = parameters + inC * space.NumClasses + space.NumClasses;
        return (flops, parameters);
    }

    /// <summary>One-hot weights for a discrete choice, e.g. to check the cost model or to evaluate a sampled architecture.</summary>
    public static Tensor[] OneHot(SearchSpace space, ArchitectureChoice choice)
    {
        var counts = ArchitectureChoice.OptionCounts(space);
        return choice.ToFlat(space).Select((index, i) => nn.functional.one_hot(tensor((long)index), counts[i]).to_type(ScalarType.Float64)).ToArray();
    }

    /// <summary>
    /// Each candidate's exact cost (<see cref="BlockType.Costs"/>) as a + b * in + c * out in its input and output
    /// widths, per resolution and hidden width: read off the kind's own exact count, so every block kind gets its
    /// expected cost without a second formula. Checked at a further point; a kind whose cost is not of this form (a
    /// product of input and output width, say) is refused rather than mis-estimated. Computed once per space.
    /// </summary>
    private sealed class Coefficients
    {
        private static readonly ConditionalWeakTable<SearchSpace, Coefficients> Cache = new();

        /// <summary>Per (stage, block, op): flops [a, b, c] as [resolution, hidden] arrays; parameters [a, b, c] per hidden.</summary>
        public Dictionary<(int, int, int), (double[][,] Flops, double[][] Params)> Blocks { get; } = new();

        public static Coefficients For(SearchSpace space) => Cache.GetValue(space, Build);

        private static Coefficients Build(SearchSpace space)
        {
            var result = new Coefficients();
            for (int s = 0; s < space.Stages.Count; s++)
            {
                var st = space.Stages[s];
                for (int b = 0; b < st.MaxBlocks; b++)
                {
                    int stride = b == 0 ? st.Stride : 1;
                    for (int k = 0; k < st.Ops.Length; k++)
                    {
                        var flops = new double[3][,];
                        var prms = new double[3][];
                        for (int t = 0; t < 3; t++) { flops[t] = new double[space.Subsamples.Length, st.HiddenWidths.Length]; prms[t] = new double[st.HiddenWidths.Length]; }
                        for (int r = 0; r < space.Subsamples.Length; r++)
                        {
                            int inSize = space.StageInputSize(s, space.Subsamples[r]);
                            if (b > 0) inSize = FBNetArchitecture.ConvOut(inSize, st.Stride);
                            for (int h = 0; h < st.HiddenWidths.Length; h++)
                            {
                                var op = st.Ops[k];
                                int hidden = st.HiddenWidths[h];
                                (double F, double P) Cost(int cIn, int cOut)
                                {
                                    var spec = op.ToSpec(hidden, cOut, stride);
                                    long f = 0, p = 0;
                                    foreach (var part in spec.Type.Costs(spec, cIn, inSize)) { f += part.Flops; p += part.Params; }
                                    return (f, p);
                                }
                                var (fa, pa) = Fit(Cost, op);
                                for (int t = 0; t < 3; t++) { flops[t][r, h] = fa[t]; prms[t][h] = pa[t]; }
                            }
                        }
                        result.Blocks[(s, b, k)] = (flops, prms);
                    }
                }
            }
            return result;
        }

        private static (double[] Flops, double[] Params) Fit(Func<int, int, (double F, double P)> cost, CandidateOp op)
        {
            var c11 = cost(8, 8); var c21 = cost(16, 8); var c12 = cost(8, 16); var c22 = cost(16, 16); var check = cost(24, 40);
            double[] Solve(Func<(double F, double P), double> v)
            {
                double bIn = (v(c21) - v(c11)) / 8, bOut = (v(c12) - v(c11)) / 8, cross = v(c22) - v(c21) - v(c12) + v(c11);
                double a = v(c11) - 8 * bIn - 8 * bOut;
                if (cross != 0 || a + 24 * bIn + 40 * bOut != v(check))
                    throw new InvalidOperationException($"The exact cost of candidate {op} is not of the form a + b * in + c * out in its " +
                        "input and output widths, which the expected cost needs; give its kind an expected-cost rule of its own.");
                return [a, bIn, bOut];
            }
            return (Solve(c => c.F), Solve(c => c.P));
        }
    }
}
