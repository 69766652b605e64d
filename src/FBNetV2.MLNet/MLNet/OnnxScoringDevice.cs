using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Runtime;

namespace FBNetV2.MLNet;

/// <summary>
/// Decides whether ML.NET's ApplyOnnxModel gets a GPU device id. With the CPU build of ONNX Runtime, passing any id
/// makes it look up the CUDA entry point and throw EntryPointNotFoundException, which fallbackToCpu does not catch;
/// so an id is passed only when the loaded runtime actually offers the CUDA provider.
/// </summary>
internal static class OnnxScoringDevice
{
    public const string CudaProvider = "CUDAExecutionProvider";

    public static int? Resolve(int? gpuDeviceId, bool fallbackToCpu, IChannel channel)
    {
        if (gpuDeviceId is null) return null;
        var providers = OrtEnv.Instance().GetAvailableProviders();
        if (providers.Contains(CudaProvider)) return gpuDeviceId;
        string why = $"GpuDeviceId is {gpuDeviceId} but the ONNX Runtime in this app offers no {CudaProvider} (available: {string.Join(", ", providers)}). " +
            "Reference Microsoft.ML.OnnxRuntime.Gpu instead of Microsoft.ML.OnnxRuntime to score on the GPU.";
        if (!fallbackToCpu) throw new InvalidOperationException(why + " Or set FallbackToCpu to score on the CPU.");
        channel.Warning(MessageSensitivity.None, why + " Scoring on the CPU.");
        return null;
    }
}
