using FBNetV2.MLNet.Architecture;
using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Network;

/// <summary>Skip: identity, or a 1x1 conv (BN, ReLU) where the width or size changes.</summary>
internal sealed class SkipBlock : nn.Module<Tensor, Tensor>
{
    internal readonly ConvBnAct? proj;

    public SkipBlock(BlockSpec spec, int inChannels) : base(nameof(SkipBlock))
    {
        if (!spec.IsIdentity(inChannels)) proj = new ConvBnAct(inChannels, spec.OutChannels, 1, spec.Stride, Activation.Relu);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => proj is null ? x.alias() : proj.forward(x);
}
