using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Network;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Search;

/// <summary>
/// All candidate block types of a searched layer in one inverted residual at maximum widths, so that the block-type
/// choice costs about one block, not one per type (the masking idea of DMaskingNAS carried over from widths to types):
/// a k3 depthwise kernel is the centre of the k5 kernel (a kernel mask), SE is a gate mixed with its bypass, and
/// ReLU / h-swish are mixed elementwise. The hidden-width mask is applied to the expansion's and the depthwise conv's
/// BN outputs and the output-width mask to the projection's, folded into BN's scale and shift (see MaskedBatchNorm), so
/// masked channels are exactly zero after the activation, as in a narrower block. (For ReLU, masking before or after
/// the activation is the same; for h-swish it differs only for soft masks.) At one-hot weights each of these is exactly
/// the chosen block.
/// </summary>
public sealed class SuperInvertedResidual : nn.Module
{
    public readonly Conv2d pw;
    public readonly BatchNorm2d pw_bn;
    public readonly Conv2d dw;
    public readonly BatchNorm2d dw_bn;
    public readonly SqueezeExcite? se;
    public readonly ConvBnAct pwl;
    private readonly Tensor kernelMasks; // [kernel options, kmax, kmax]

    public SuperInvertedResidual(CandidateOp[] ops, int inMax, int hiddenMax, int outMax, int stride) : base(nameof(SuperInvertedResidual))
    {
        Ops = ops;
        Kernels = ops.Select(o => o.Kernel).Distinct().Order().ToArray();
        Activations = ops.Select(o => o.Activation).Distinct().Order().ToArray();
        int kmax = Kernels[^1];
        pw = nn.Conv2d(inMax, hiddenMax, 1, bias: false);
        pw_bn = nn.BatchNorm2d(hiddenMax);
        dw = nn.Conv2d(hiddenMax, hiddenMax, kmax, stride: stride, padding: kmax / 2, groups: hiddenMax, bias: false);
        dw_bn = nn.BatchNorm2d(hiddenMax);
        if (ops.Any(o => o.SqueezeExcite)) se = new SqueezeExcite(hiddenMax, Divisible.MakeDivisible(hiddenMax / 4, 8));
        pwl = new ConvBnAct(hiddenMax, outMax, 1, 1, null);
        var masks = new float[Kernels.Length * kmax * kmax];
        for (int i = 0; i < Kernels.Length; i++)
        {
            int k = Kernels[i], off = (kmax - k) / 2;
            for (int r = off; r < off + k; r++)
                for (int c = off; c < off + k; c++) masks[(i * kmax + r) * kmax + c] = 1f;
        }
        kernelMasks = tensor(masks, [Kernels.Length, kmax, kmax]);
        RegisterComponents();
    }

    public CandidateOp[] Ops { get; }
    public int[] Kernels { get; }
    public Activation[] Activations { get; }

    /// <param name="x">Input [N, Cin, H, W].</param>
    /// <param name="hiddenMask">[rows, Hmax, 1, 1].</param>
    /// <param name="squeezeMask">SE bottleneck mask [rows, Rmax, 1, 1]: the bottleneck width follows the hidden width.</param>
    /// <param name="g">Block-type weights [rows, ops], summing to one per row.</param>
    /// <param name="outMask">Output-width mask [rows, Cmax, 1, 1].</param>
    public Tensor forward(Tensor x, Tensor hiddenMask, Tensor squeezeMask, Tensor outMask, Tensor g)
    {
        using var scope = NewDisposeScope();
        var act = ActivationWeights(g);
        var y = Activate(MaskedBatchNorm.Forward(pw_bn, pw.forward(x), hiddenMask), act);
        // Convolution is linear in its weights: with one set of weights per batch, mixing kernels is one conv with a
        // mixed kernel mask; per-image weights need one conv per kernel size.
        Tensor? z = null;
        if (g.shape[0] == 1)
        {
            Tensor? mix = null;
            for (int i = 0; i < Kernels.Length; i++)
            {
                var w = Sum(g, o => o.Kernel == Kernels[i]);
                if (w is null) continue;
                var m = kernelMasks[i] * w.reshape(1, 1);
                mix = mix is null ? m : mix + m;
            }
            z = nn.functional.conv2d(y, dw.weight! * mix!.unsqueeze(0).unsqueeze(0), null, dw.stride, dw.padding, groups: dw.groups);
        }
        else
        {
            for (int i = 0; i < Kernels.Length; i++)
            {
                var w = Sum(g, o => o.Kernel == Kernels[i]);
                if (w is null) continue;
                var part = nn.functional.conv2d(y, dw.weight! * kernelMasks[i].unsqueeze(0).unsqueeze(0), null, dw.stride, dw.padding, groups: dw.groups) * w;
                z = z is null ? part : z + part;
            }
        }
        y = Activate(MaskedBatchNorm.Forward(dw_bn, z!, hiddenMask), act);
        if (se is not null)
        {
            var wSe = Sum(g, o => o.SqueezeExcite);
            var wPlain = Sum(g, o => !o.SqueezeExcite);
            Tensor? gated = null;
            if (wSe is not null)
            {
                var squeezed = nn.functional.relu(se.reduce.forward(nn.functional.adaptive_avg_pool2d(y, [1, 1]))) * squeezeMask;
                gated = y * nn.functional.hardsigmoid(se.expand.forward(squeezed)) * wSe;
            }
            y = wPlain is null ? gated! : gated is null ? y * wPlain : gated + y * wPlain;
        }
        return MaskedBatchNorm.Forward(pwl.bn, pwl.conv.forward(y), outMask).MoveToOuterDisposeScope();
    }

    private (Activation Act, Tensor Weight)[] ActivationWeights(Tensor g) =>
        Activations.Select(a => (a, Sum(g, o => o.Activation == a))).Where(t => t.Item2 is not null).Select(t => (t.a, t.Item2!)).ToArray();

    private static Tensor Activate(Tensor z, (Activation Act, Tensor Weight)[] weights)
    {
        Tensor? sum = null;
        foreach (var (a, w) in weights)
        {
            var part = Network.Activations.Apply(a, z) * w;
            sum = sum is null ? part : sum + part;
        }
        return sum!;
    }

    /// <summary>Total weight [rows, 1, 1, 1] of the ops matching a predicate, or null when a fixed choice gives them none.</summary>
    private Tensor? Sum(Tensor g, Func<CandidateOp, bool> predicate)
    {
        var idx = Enumerable.Range(0, Ops.Length).Where(i => predicate(Ops[i])).Select(i => (long)i).ToArray();
        if (idx.Length == 0) return null;
        var w = g.index_select(1, tensor(idx, device: g.device)).sum(1).reshape(-1, 1, 1, 1);
        if (!w.requires_grad && w.abs().max().item<float>() == 0) return null;
        return w;
    }
}
