using FBNetV2.MLNet.Architecture;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Network;

/// <summary>kxk conv without bias, BN, optional activation: the unit every FBNet layer is made of.</summary>
internal sealed class ConvBnAct : nn.Module<Tensor, Tensor>
{
    internal readonly Conv2d conv;
    internal readonly BatchNorm2d bn;

    public ConvBnAct(int inChannels, int outChannels, int kernel, int stride, Activation? activation, int groups = 1)
        : base(nameof(ConvBnAct))
    {
        conv = nn.Conv2d(inChannels, outChannels, kernel, stride: stride, padding: kernel / 2, groups: groups, bias: false);
        bn = nn.BatchNorm2d(outChannels);
        Activation = activation;
        Stride = stride;
        RegisterComponents();
    }

    /// <summary>Null for a linear layer (the projection of an inverted residual).</summary>
    public Activation? Activation { get; }
    public int Stride { get; }

    public override Tensor forward(Tensor x)
    {
        using var y = conv.forward(x);
        var z = BatchNorms.Forward(bn, y);
        if (Activation is not { } act) return z;
        using (z) return Activations.Apply(act, z);
    }
}
