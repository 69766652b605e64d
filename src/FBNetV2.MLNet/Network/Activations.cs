using FBNetV2.MLNet.Architecture;
using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Network;

internal static class Activations
{
    public static Tensor Apply(Activation act, Tensor x) => act switch
    {
        Activation.HSwish => nn.functional.hardswish(x),
        Activation.Relu => nn.functional.relu(x),
        _ => throw new ArgumentOutOfRangeException(nameof(act), $"Unknown activation {(int)act}; expected Relu or HSwish."),
    };
}
