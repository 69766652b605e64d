using FBNetV2.MLNet.Architecture;
using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Search;

/// <summary>
/// Differentiable cost by effective shape propagation: each width, resolution and block choice enters as its
/// expectation under the architecture distribution (c_eff = sum_i p_i c_i feeds the next layer's input width). Every
/// term multiplies choices that are independent, so this is the exact expected cost, and at one-hot weights it equals
/// <see cref="ArchitectureCost"/> of the derived architecture. Computed in float64 so that the equality is exact.
/// </summary>
public static class ExpectedCost
{
    /// <param name="space">The space the weights belong to.</param>
    /// <param name="weights">One probability vector per decision, in <see cref="ArchitectureChoice.Decisions"/> order.</param>
    public static (Tensor Flops, Tensor Parameters) Compute(SearchSpace space, IReadOnlyList<Tensor> weights)
    {
        int d = 0;
        var w = weights.Select(t => t.to_type(ScalarType.Float64)).ToArray();
        Tensor Expect(Tensor p, IEnumerable<double> values) => (p * tensor(values.ToArray(), ScalarType.Float64, p.device)).sum();

        var pRes = w[d++];
        // Expected area of the map after the stem and after each block, over the resolution choice.
        Tensor Area(Func<int, int> sizeForSubsample) => Expect(pRes, space.Subsamples.Select(r => (double)sizeForSubsample(r) * sizeForSubsample(r)));

        var pStem = w[d++];
        var cStem = Expect(pStem, space.StemWidths.Select(x => (double)x));
        var flops = Area(r => space.StageInputSize(0, r)) * (9.0 * space.InputChannels) * cStem;
        var parameters = cStem * (9.0 * space.InputChannels + 2);

        var cIn = cStem;
        for (int s = 0; s < space.Stages.Count; s++)
        {
            var st = space.Stages[s];
            var cOut = Expect(w[d++], st.Widths.Select(x => (double)x));
            for (int b = 0; b < st.MaxBlocks; b++)
            {
                var pOp = w[d++];
                var pHidden = w[d++];
                int stride = b == 0 ? st.Stride : 1;
                int bb = b;
                Func<int, int> inSize = r => bb == 0 ? space.StageInputSize(s, r) : FBNetArchitecture.ConvOut(space.StageInputSize(s, r), st.Stride);
                var aIn = Area(inSize);
                var aOut = Area(r => FBNetArchitecture.ConvOut(inSize(r), stride));
                var h = Expect(pHidden, st.HiddenWidths.Select(x => (double)x));
                var seFlops = Expect(pHidden, st.HiddenWidths.Select(x => 2.0 * x * Divisible.MakeDivisible(x / 4, 8)));
                var seParams = Expect(pHidden, st.HiddenWidths.Select(x => { int r = Divisible.MakeDivisible(x / 4, 8); return 2.0 * x * r + r + x; }));
                for (int k = 0; k < st.Ops.Length; k++)
                {
                    var op = st.Ops[k];
                    var f = aIn * cIn * h + aOut * (op.Kernel * op.Kernel) * h + aOut * h * cOut;
                    var p = cIn * h + 2 * h + h * (op.Kernel * op.Kernel + 2) + h * cOut + 2 * cOut;
                    if (op.SqueezeExcite) { f = f + seFlops; p = p + seParams; }
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
        int c = -1;
        if (space.Head.Channels > 0)
        {
            flops = flops + aBody * cIn * space.Head.Channels;
            parameters = parameters + cIn * space.Head.Channels + 2.0 * space.Head.Channels;
            c = space.Head.Channels;
        }
        if (space.Head.Features > 0)
        {
            var inF = c > 0 ? (Tensor)(double)c : cIn;
            flops = flops + inF * space.Head.Features;
            parameters = parameters + inF * space.Head.Features + space.Head.Features;
            c = space.Head.Features;
        }
        var inC = c > 0 ? (Tensor)(double)c : cIn;
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
}
