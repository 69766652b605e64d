using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Latency;
using FBNetV2.MLNet.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Search;

/// <summary>
/// Differentiable latency by effective shape propagation: every layer's table entry is read at the expected widths
/// (c_eff = sum_i p_i c_i of its input, hidden and output width choices), interpolated between the measured widths,
/// weighted by the probability of its block type and of the resolution, and the residual add by the probability that
/// input and output widths agree. The e1 option, the stem and head activations and the head width weight their own
/// families by their probabilities. At one-hot weights it equals <see cref="LatencyModel.Predict"/> of the derived
/// architecture. Float64, as <see cref="ExpectedCost"/>.
/// </summary>
internal static class ExpectedLatency
{
    /// <param name="space">The space the decisions belong to.</param>
    /// <param name="weights">One probability vector per decision, in <see cref="SearchSpace.Decisions"/> order.</param>
    /// <param name="table">Latency families covering the space (<see cref="LatencyProfiler.Uncovered"/> is empty).</param>
    public static Tensor Compute(SearchSpace space, IReadOnlyList<Tensor> weights, LatencyTable table)
    {
        var w = weights.Select(t => t.to_type(ScalarType.Float64).cpu()).ToArray();
        Tensor Expect(Tensor p, int[] values) => (p * tensor(values.Select(v => (double)v).ToArray(), ScalarType.Float64)).sum();
        double o = table.OverheadMilliseconds;
        Tensor Layer(string key, params Tensor[] widths) => table.Family(key).At(widths).Minus(o).AtLeast(0);

        var decisions = space.Decisions;
        var pRes = w[decisions.IndexOf(DecisionRole.Resolution)];
        var pStem = w[decisions.IndexOf(DecisionRole.StemWidth)];
        var cStem = Expect(pStem, space.StemWidths);
        // Decisions the space does not search have their one option at probability one.
        Tensor Weights(DecisionRole role, int count) => decisions.WeightsOf(w, role) ?? ones(count, ScalarType.Float64);
        var pStemAct = Weights(DecisionRole.StemActivation, space.StemActivations.Length);
        var pHeadWidth = Weights(DecisionRole.HeadWidth, space.HeadWidths.Length);
        var pHeadAct = Weights(DecisionRole.HeadActivation, space.HeadActivations.Length);
        Tensor total = tensor(o, ScalarType.Float64);
        for (int r = 0; r < space.Subsamples.Length; r++)
        {
            int sub = space.Subsamples[r];
            int c = space.InputChannels;
            var latency = Layer(LatencyKeys.Input(c, space.InputSize, sub));
            for (int a = 0; a < space.StemActivations.Length; a++)
                latency = latency.Plus(pStemAct[a] * Layer(LatencyKeys.Stem(c, FBNetArchitecture.ConvOut(space.InputSize, sub), space.StemKernel, space.StemStride, space.StemActivations[a]), cStem));
            var cIn = cStem;
            var (pPrev, prevWidths) = (pStem, space.StemWidths);
            for (int s = 0; s < space.Stages.Count; s++)
            {
                var st = space.Stages[s];
                var pWidth = w[decisions.IndexOf(DecisionRole.StageWidth, s)];
                var cOut = Expect(pWidth, st.Widths);
                int inSize = space.StageInputSize(s, sub), outSize = FBNetArchitecture.ConvOut(inSize, st.Stride);
                for (int b = 0; b < st.MaxBlocks; b++)
                {
                    var pOp = w[decisions.IndexOf(DecisionRole.BlockOp, s, b)];
                    var pHidden = w[decisions.IndexOf(DecisionRole.BlockHidden, s, b)];
                    // The e1 option (hidden width 0, no expansion conv) is its own family over input and output width;
                    // the other options share one, read at their expected hidden width given that the block has an
                    // expansion conv (weighted by that probability, so exact at one-hot weights).
                    int e1 = Array.IndexOf(st.HiddenWidths, SearchSpace.E1);
                    var pE1 = e1 >= 0 ? pHidden[e1] : null;
                    var pExpanded = pE1?.SubtractedFrom(1.0);
                    var h = Expect(pHidden, st.HiddenWidths);
                    if (pExpanded is not null) h = h / pExpanded.AtLeast(1e-12);
                    bool expands = st.HiddenWidths.Any(x => x != SearchSpace.E1);
                    int stride = b == 0 ? st.Stride : 1, size = b == 0 ? inSize : outSize;
                    for (int k = 0; k < st.Ops.Length; k++)
                    {
                        if (expands)
                        {
                            var part = Layer(SearchSpace.LatencyKey(st.Ops[k], stride, size), cIn, h, cOut);
                            latency = latency.Plus(pOp[k] * (pExpanded is null ? part : pExpanded * part));
                        }
                        if (pE1 is not null) latency = latency.Plus(pOp[k] * pE1 * Layer(SearchSpace.LatencyKey(st.Ops[k], stride, size, e1: true), cIn, cOut));
                    }
                    // Residual add: after the first block always (when the block is not skipped); on the first block
                    // when its stride is 1 and the previous width equals this stage's.
                    var pResidual = b > 0 ? pOp[..st.Ops.Length].sum()
                        : stride == 1 ? SameWidth(pPrev, prevWidths, pWidth, st.Widths) : null;
                    if (pResidual is not null) latency = latency.Plus(pResidual * Layer(LatencyKeys.Add(outSize), cOut));
                    cIn = cOut;
                }
                (pPrev, prevWidths) = (pWidth, st.Widths);
            }
            int last = space.Stages.Count - 1;
            int bodySize = FBNetArchitecture.ConvOut(space.StageInputSize(last, sub), space.Stages[last].Stride);
            for (int hw = 0; hw < space.HeadWidths.Length; hw++)
                for (int ha = 0; ha < space.HeadActivations.Length; ha++)
                    latency = latency.Plus(pHeadWidth[hw] * pHeadAct[ha] * Layer(LatencyKeys.Head(space.HeadAt(hw, ha), bodySize, space.NumClasses), cIn));
            total = total.Plus(pRes[r] * latency);
        }
        return total.to(weights[0].device);
    }

    private static Tensor? SameWidth(Tensor pA, int[] a, Tensor pB, int[] b)
    {
        Tensor? p = null;
        for (int i = 0; i < a.Length; i++)
        {
            int j = Array.IndexOf(b, a[i]);
            if (j >= 0) p = p.PlusOrFirst(pA[i] * pB[j]);
        }
        return p;
    }
}
