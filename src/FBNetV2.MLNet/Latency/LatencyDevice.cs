namespace FBNetV2.MLNet.Latency;

/// <summary>The ONNX Runtime execution provider latencies are measured on (and the model will be served with).</summary>
public enum LatencyDevice
{
    /// <summary>ONNX Runtime's CPU execution provider.</summary>
    Cpu,

    /// <summary>The CUDA execution provider; needs the app to reference Microsoft.ML.OnnxRuntime.Gpu.</summary>
    Cuda,
}
