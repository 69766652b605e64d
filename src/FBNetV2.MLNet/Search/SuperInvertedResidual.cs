using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Search;

/// <summary>
/// One candidate block type of a searched layer at maximum widths. The hidden-width mask is applied after the
/// expansion and after the depthwise conv (after BN and activation, so masked channels are exactly zero, as in a
/// narrower block).
/// </summary>
public sealed class SuperInvertedResidual : nn.Module<Tensor, Tensor, Tensor>
{
    public readonly ConvBnAct pw;
    public readonly ConvBnAct dw;
    public readonly SqueezeExcite? se;
    public readonly ConvBnAct pwl;

    public SuperInvertedResidual(CandidateOp op, int inMax, int hiddenMax, int outMax, int stride) : base(nameof(SuperInvertedResidual))
    {
        pw = new ConvBnAct(inMax, hiddenMax, 1, 1, op.Activation);
        dw = new ConvBnAct(hiddenMax, hiddenMax, op.Kernel, stride, op.Activation, groups: hiddenMax);
        if (op.SqueezeExcite) se = new SqueezeExcite(hiddenMax, Divisible.MakeDivisible(hiddenMax / 4, 8));
        pwl = new ConvBnAct(hiddenMax, outMax, 1, 1, null);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor hiddenMask)
    {
        using var scope = NewDisposeScope();
        var y = pw.forward(x) * hiddenMask;
        y = dw.forward(y) * hiddenMask;
        if (se is not null) y = se.forward(y);
        return pwl.forward(y).MoveToOuterDisposeScope();
    }
}
