using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Network;

/// <summary>
/// A BatchNorm2d module's forward pass without TorchSharp's temporary Scalars: its own forward counts batches with
/// <c>num_batches_tracked.add_(1)</c>, which hands libtorch a Scalar that a concurrent garbage collection can free
/// during the call (see <see cref="TorchScalars"/>). Same arithmetic: the module's statistics, affine parameters,
/// eps and momentum (null: a cumulative average over the batches counted, as PyTorch's).
/// </summary>
internal static class BatchNorms
{
    public static Tensor Forward(BatchNorm2d bn, Tensor x) => Forward(bn, x, bn.weight, bn.bias);

    /// <summary>The same with the affine scale and shift given (the supernet folds channel masks into them).</summary>
    public static Tensor Forward(BatchNorm2d bn, Tensor x, Tensor? weight, Tensor? bias)
    {
        double momentum = bn.momentum ?? 0.0;
        if (bn.training && bn.num_batches_tracked is { } count)
        {
            count.add_(TorchScalars.One, TorchScalars.One);
            if (bn.momentum is null) momentum = 1.0 / count.item<long>();
        }
        return nn.functional.batch_norm(x, bn.running_mean, bn.running_var, weight, bias, bn.training, momentum, bn.eps);
    }
}
