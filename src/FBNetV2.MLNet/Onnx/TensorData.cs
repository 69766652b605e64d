using static TorchSharp.torch;

namespace FBNetV2.MLNet.Onnx;

/// <summary>Copies TorchSharp tensors (any device, any float type) into flat row-major arrays.</summary>
internal static class TensorData
{
    public static float[] Floats(Tensor t)
    {
        using var c = t.detach().to(ScalarType.Float32, CPU).contiguous();
        return c.data<float>().ToArray();
    }

    public static double[] Doubles(Tensor t)
    {
        using var c = t.detach().to(ScalarType.Float64, CPU).contiguous();
        return c.data<double>().ToArray();
    }
}
