using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Network;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Search;

/// <summary>
/// All candidate inverted-residual types of a searched layer in one inverted residual at maximum widths, so that the
/// block-type choice costs about one block, not one per type (the masking idea of DMaskingNAS carried over from widths
/// to types): a k3 depthwise kernel is the centre of the k5 kernel (a kernel mask), SE is a gate mixed with its bypass,
/// and ReLU / h-swish are mixed elementwise. The e1 option (no expansion conv) is a hidden-width option whose inner map
/// is the block's input itself: the expansion path's output is mixed with the zero-padded input by the e1 weight, and
/// the inner-width mask follows the input width for that option. The hidden-width mask is applied to the expansion's and the depthwise
/// conv's BN outputs and the output-width mask to the projection's, folded into BN's scale and shift (see
/// MaskedBatchNorm), so masked channels are exactly zero after the activation, as in a narrower block. (For ReLU,
/// masking before or after the activation is the same; for h-swish it differs only for soft masks.) At one-hot weights
/// each of these is exactly the chosen block.
/// </summary>
internal sealed class SuperInvertedResidual : SuperBlock
{
    internal readonly Conv2d pw;
    internal readonly BatchNorm2d pw_bn;
    internal readonly Conv2d dw;
    internal readonly BatchNorm2d dw_bn;
    internal readonly SqueezeExcite? se;
    internal readonly ConvBnAct pwl;

    public SuperInvertedResidual(CandidateOp[] ops, int inMax, int hiddenMax, int outMax, int stride) : base(nameof(SuperInvertedResidual), ops)
    {
        int kmax = MaxKernel;
        pw = nn.Conv2d(inMax, hiddenMax, 1, bias: false);
        pw_bn = nn.BatchNorm2d(hiddenMax);
        dw = nn.Conv2d(hiddenMax, hiddenMax, kmax, stride: stride, padding: kmax / 2, groups: hiddenMax, bias: false);
        dw_bn = nn.BatchNorm2d(hiddenMax);
        if (ops.Any(o => o.SqueezeExcite)) se = new SqueezeExcite(hiddenMax, Divisible.MakeDivisible(hiddenMax / 4, 8));
        pwl = new ConvBnAct(hiddenMax, outMax, 1, 1, null);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, LayerMasks m, Tensor g)
    {
        using var scope = NewDisposeScope();
        var act = ActivationWeights(g);
        Tensor y;
        // The expansion path, unless a fixed choice is the e1 block (then its mask is all zeros and it adds nothing).
        if (m.Direct is null || m.Direct.requires_grad || m.Direct.min().item<float>() < 1)
        {
            var z = MaskedBatchNorm.Forward(pw_bn, pw.forward(x), m.Expand);
            // e1 mixed with the expansion path: the depthwise conv's input is the activated expansion plus the input
            // itself on the first channels, weighted by the e1 weight. Added during the activation's pass (no padded
            // copy of the input, no in-place slice for autograd to copy back).
            y = m.Direct is { } e1 ? ActivateAndAdd(z, act, x, e1) : Activate(z, act);
        }
        else
        {
            // e1 alone: the depthwise conv runs on the input itself, zero-padded to the inner width.
            var input = x.shape[1] == pw.weight!.shape[0] ? x : nn.functional.pad(x, [0, 0, 0, 0, 0, pw.weight!.shape[0] - x.shape[1]]);
            y = input * m.Direct!;
        }
        y = Activate(MaskedBatchNorm.Forward(dw_bn, MixedKernelConv(dw, y, g), m.Hidden), act);
        y = MixedSqueezeExcite(se, y, m.Squeeze, g);
        return MaskedBatchNorm.Forward(pwl.bn, pwl.conv.forward(y), m.Out).MoveToOuterDisposeScope();
    }

    public override void CopyInto(nn.Module<Tensor, Tensor> target, BlockSpec spec)
    {
        var block = (InvertedResidualBlock)target;
        if (block.pw is not null) CopyConvBn(block.pw, pw, pw_bn); // an e1 block has none
        CopyConvBn(block.dw, dw, dw_bn);
        if (block.se is not null) CopySqueezeExcite(block.se, se!);
        CopyConvBn(block.pwl, pwl.conv, pwl.bn);
    }
}
