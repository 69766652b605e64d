using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Network;

/// <summary>Squeeze-excite with ReLU and hard-sigmoid gating (MobileNetV3 / FBNetV2 "sehsig").</summary>
internal sealed class SqueezeExcite : nn.Module<Tensor, Tensor>
{
    internal readonly Conv2d reduce;
    internal readonly Conv2d expand;

    public SqueezeExcite(int channels, int squeezeChannels) : base(nameof(SqueezeExcite))
    {
        reduce = nn.Conv2d(channels, squeezeChannels, 1);
        expand = nn.Conv2d(squeezeChannels, channels, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var s = nn.functional.adaptive_avg_pool2d(x, [1, 1]);
        s = nn.functional.relu(reduce.forward(s));
        s = nn.functional.hardsigmoid(expand.forward(s));
        return (x * s).MoveToOuterDisposeScope();
    }
}
