using FBNetV2.MLNet.Architecture;
using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Network;

/// <summary>Inverted residual: [1x1 expand] -> kxk depthwise -> [SE] -> 1x1 linear projection, + input when shapes agree.</summary>
internal sealed class InvertedResidualBlock : nn.Module<Tensor, Tensor>
{
    internal readonly ConvBnAct? pw;
    internal readonly ConvBnAct dw;
    internal readonly SqueezeExcite? se;
    internal readonly ConvBnAct pwl;

    public InvertedResidualBlock(BlockSpec spec, int inChannels) : base(nameof(InvertedResidualBlock))
    {
        int hidden = spec.HiddenWidth(inChannels);
        if (spec.Hidden != 0) pw = new ConvBnAct(inChannels, hidden, 1, 1, spec.Activation);
        dw = new ConvBnAct(hidden, hidden, spec.Kernel, spec.Stride, spec.Activation, groups: hidden);
        if (spec.SqueezeExcite) se = new SqueezeExcite(hidden, spec.SqueezeWidth(inChannels));
        pwl = new ConvBnAct(hidden, spec.OutChannels, 1, 1, null);
        Residual = spec.HasResidual(inChannels);
        RegisterComponents();
    }

    public bool Residual { get; }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = pw is null ? x : pw.forward(x);
        y = dw.forward(y);
        if (se is not null) y = se.forward(y);
        y = pwl.forward(y);
        if (Residual) y = y.Plus(x);
        return y.MoveToOuterDisposeScope();
    }
}
