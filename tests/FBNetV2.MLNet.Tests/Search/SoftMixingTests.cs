using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Network;
using FBNetV2.MLNet.Search;
using TorchSharp.Modules;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Tests.Search;

/// <summary>
/// The supernet computes its soft mixtures in fused forms (a lerp for the activations, the SE bypass mixed on the pooled
/// gate, the keep weight folded into the output BN, the e1 input added by addcmul). This checks one searched layer
/// against the mixture written out term by term: every candidate kernel as its own conv, every activation and the SE
/// gate and its bypass weighted separately, BN from its batch statistics, keep * (block + x) + skip * x.
/// </summary>
public class SoftMixingTests
{
    private static readonly CandidateOp[] Ops =
    [
        new(3, false, Activation.Relu), new(5, true, Activation.HSwish), new(3, true, Activation.HSwish), new(5, false, Activation.Relu),
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(3)] // per-image weights (per-sample Gumbel noise): masks multiply the output instead of folding into BN
    public void SoftLayerEqualsTheExplicitMixtureInOutputAndLogitGradients(int rows)
    {
        manual_seed(5);
        var stage = new StageSpace([8, 16], 1, 2, [SearchSpace.E1, 16, 24], Ops);
        using var layer = new SuperLayer(stage, 0, 1, stage.Widths);
        layer.train();
        using var x = randn(rows == 1 ? 4 : rows, 16, 6, 6);
        var aOp = randn(rows, Ops.Length + 1).requires_grad_(true);
        var aHidden = randn(rows, 3).requires_grad_(true);
        var aWidth = randn(rows, 2).requires_grad_(true);
        using var target = randn(x.shape[0], 16, 6, 6);

        Tensor Run(bool reference)
        {
            var gOp = nn.functional.softmax(aOp, 1);
            var gHidden = nn.functional.softmax(aHidden, 1);
            var gWidth = nn.functional.softmax(aWidth, 1);
            var outMask = new ChannelMask(stage.Widths).Mask(gWidth);
            return reference ? Explicit(layer, stage, x, outMask, gOp, gHidden, gWidth) : layer.forward(x, outMask, gOp, gHidden, gWidth);
        }

        var fused = Run(false);
        (fused - target).Power(2).sum().backward();
        var grads = new[] { aOp, aHidden, aWidth }.Select(a => a.grad!.clone()).ToArray();
        foreach (var a in new[] { aOp, aHidden, aWidth }) a.grad!.zero_();
        var reference = Run(true);
        (reference - target).Power(2).sum().backward();

        double scale = reference.abs().max().item<float>();
        Assert.True((fused - reference).abs().max().item<float>() <= 1e-5 * scale,
            $"outputs differ by {(fused - reference).abs().max().item<float>():G3} (largest {scale:G3})");
        var refGrads = new[] { aOp, aHidden, aWidth };
        for (int i = 0; i < grads.Length; i++)
        {
            double gScale = refGrads[i].grad!.abs().max().item<float>();
            double diff = (grads[i] - refGrads[i].grad!).abs().max().item<float>();
            Assert.True(gScale > 0, $"logit group {i} got no gradient");
            Assert.True(diff <= 1e-4 * gScale, $"logit group {i}: gradients differ by {diff:G3} (largest {gScale:G3})");
        }
    }

    /// <summary>The layer's soft output written out term by term from its weights.</summary>
    private static Tensor Explicit(SuperLayer layer, StageSpace stage, Tensor x, Tensor outMask, Tensor gOp, Tensor gHidden, Tensor gIn)
    {
        var block = (SuperInvertedResidual)layer.Holder(0).Block;
        long rows = gOp.shape[0];
        Tensor W(Tensor g, IEnumerable<int> idx) => g.index_select(1, tensor(idx.Select(i => (long)i).ToArray())).sum(1).reshape(rows, 1, 1, 1);
        Tensor Indicator(int width, long max) => cat([ones(width), zeros(max - width)]).reshape(1, max, 1, 1);
        Tensor BatchNormMasked(BatchNorm2d bn, Tensor z, Tensor mask)
        {
            var mean = z.mean([0, 2, 3], keepdim: true);
            var variance = (z - mean).Power(2).mean([0, 2, 3], keepdim: true);
            var normed = ((z - mean) / variance.Plus(bn.eps).sqrt() * bn.weight!.reshape(1, -1, 1, 1)).Plus(bn.bias!.reshape(1, -1, 1, 1));
            return normed * mask;
        }
        Tensor Act(Tensor z, Tensor g)
        {
            var relu = W(g, Enumerable.Range(0, Ops.Length).Where(i => Ops[i].Activation == Activation.Relu));
            var hs = W(g, Enumerable.Range(0, Ops.Length).Where(i => Ops[i].Activation == Activation.HSwish));
            return (nn.functional.relu(z) * relu).Plus(nn.functional.hardswish(z) * hs);
        }

        int ops = Ops.Length;
        var keep = gOp[.., TensorIndex.Slice(0, ops)].sum(1).reshape(rows, 1, 1, 1);
        var skip = gOp[.., ops].reshape(rows, 1, 1, 1);
        var g = gOp[.., TensorIndex.Slice(0, ops)] / keep.reshape(rows, 1);
        long hiddenMax = block.pw.weight!.shape[0];
        // Hidden-width options with an expansion conv (E1 is option 0), and the e1 option's inner width, the input's.
        Tensor expand = zeros(rows, hiddenMax, 1, 1), direct = gHidden[.., 0].reshape(rows, 1, 1, 1);
        for (int i = 1; i < stage.HiddenWidths.Length; i++) expand = expand.Plus(gHidden[.., i].reshape(rows, 1, 1, 1) * Indicator(stage.HiddenWidths[i], hiddenMax));
        Tensor inputWidth = zeros(rows, hiddenMax, 1, 1), squeezeMask = zeros(rows, block.se!.reduce.weight!.shape[0], 1, 1);
        for (int j = 0; j < stage.Widths.Length; j++) inputWidth = inputWidth.Plus(gIn[.., j].reshape(rows, 1, 1, 1) * Indicator(stage.Widths[j], hiddenMax));
        long squeezeMax = squeezeMask.shape[1];
        for (int i = 0; i < stage.HiddenWidths.Length; i++)
        {
            int h = stage.HiddenWidths[i];
            if (h == 0)
                for (int j = 0; j < stage.Widths.Length; j++)
                    squeezeMask = squeezeMask.Plus(gHidden[.., i].reshape(rows, 1, 1, 1) * gIn[.., j].reshape(rows, 1, 1, 1) * Indicator(Divisible.MakeDivisible(stage.Widths[j] / 4, 8), squeezeMax));
            else squeezeMask = squeezeMask.Plus(gHidden[.., i].reshape(rows, 1, 1, 1) * Indicator(Divisible.MakeDivisible(h / 4, 8), squeezeMax));
        }
        var hiddenMask = expand.Plus(inputWidth * direct);

        var padded = nn.functional.pad(x, [0, 0, 0, 0, 0, hiddenMax - x.shape[1]]);
        var y = Act(BatchNormMasked(block.pw_bn, block.pw.forward(x), expand), g).Plus(padded * direct);
        Tensor? dw = null;
        foreach (int k in new[] { 3, 5 })
        {
            var kernelMask = zeros(5, 5);
            int off = (5 - k) / 2;
            kernelMask[TensorIndex.Slice(off, off + k), TensorIndex.Slice(off, off + k)] = ones(k, k);
            var part = nn.functional.conv2d(y, block.dw.weight! * kernelMask, null, [1, 1], [2, 2], groups: hiddenMax)
                * W(g, Enumerable.Range(0, ops).Where(i => Ops[i].Kernel == k));
            dw = dw.PlusOrFirst(part);
        }
        y = Act(BatchNormMasked(block.dw_bn, dw!, hiddenMask), g);
        var squeezed = nn.functional.relu(block.se.reduce.forward(nn.functional.adaptive_avg_pool2d(y, [1, 1]))) * squeezeMask;
        var gate = nn.functional.hardsigmoid(block.se.expand.forward(squeezed));
        y = (y * gate * W(g, Enumerable.Range(0, ops).Where(i => Ops[i].SqueezeExcite))).Plus(y * W(g, Enumerable.Range(0, ops).Where(i => !Ops[i].SqueezeExcite)));
        var b = BatchNormMasked(block.pwl.bn, block.pwl.conv.forward(y), outMask);
        return (keep * b.Plus(x)).Plus(skip * x);
    }
}
