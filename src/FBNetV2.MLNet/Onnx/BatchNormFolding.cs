using TorchSharp.Modules;

namespace FBNetV2.MLNet.Onnx;

/// <summary>
/// Folds an eval-mode BatchNorm into the conv before it: w' = w * gamma / sqrt(var + eps),
/// b' = beta + (b - mean) * gamma / sqrt(var + eps). Computed in double so the folded floats round once.
/// </summary>
internal static class BatchNormFolding
{
    public static (float[] Weight, float[] Bias) Fold(Conv2d conv, BatchNorm2d bn)
    {
        if (bn.running_mean is null || bn.running_var is null)
            throw new InvalidOperationException("BatchNorm without running statistics cannot be folded; build it with track_running_stats.");
        int outC = (int)conv.out_channels;
        var w = TensorData.Doubles(conv.weight);
        var convBias = conv.bias is null ? new double[outC] : TensorData.Doubles(conv.bias);
        var mean = TensorData.Doubles(bn.running_mean);
        var variance = TensorData.Doubles(bn.running_var);
        var gamma = bn.weight is null ? Enumerable.Repeat(1.0, outC).ToArray() : TensorData.Doubles(bn.weight);
        var beta = bn.bias is null ? new double[outC] : TensorData.Doubles(bn.bias);

        int perChannel = w.Length / outC;
        var weight = new float[w.Length];
        var bias = new float[outC];
        for (int o = 0; o < outC; o++)
        {
            double scale = gamma[o] / Math.Sqrt(variance[o] + bn.eps);
            for (int i = o * perChannel; i < (o + 1) * perChannel; i++) weight[i] = (float)(w[i] * scale);
            bias[o] = (float)(beta[o] + (convBias[o] - mean[o]) * scale);
        }
        return (weight, bias);
    }
}
