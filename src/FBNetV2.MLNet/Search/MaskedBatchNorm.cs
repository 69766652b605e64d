using TorchSharp;
using FBNetV2.MLNet.Network;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Search;

/// <summary>
/// BN followed by a channel mask, with the mask folded into BN's scale and shift: m * (gamma * x_hat + beta) =
/// (m * gamma) * x_hat + m * beta. The product then costs no activation memory beyond the plain layer's, which is what
/// keeps the supernet's memory flat as width options grow. Per-image masks (per-sample Gumbel noise) cannot be folded
/// and multiply the output instead.
/// </summary>
internal static class MaskedBatchNorm
{
    public static Tensor Forward(BatchNorm2d bn, Tensor x, Tensor mask)
    {
        if (mask.shape[0] != 1) return BatchNorms.Forward(bn, x) * mask;
        var m = mask.flatten();
        // Cumulative averaging (momentum null) is how candidates' BN statistics are re-estimated before scoring.
        return BatchNorms.Forward(bn, x, bn.weight! * m, bn.bias! * m);
    }
}
