using TorchSharp;

namespace FBNetV2.MLNet.Training;

internal static class TorchDevice
{
    /// <summary>Resolves "cpu" / "cuda" / "auto"; asking for CUDA without a CUDA build says what to install.</summary>
    public static torch.Device Resolve(string device)
    {
        bool cuda = torch.cuda.is_available();
        return device switch
        {
            "cuda" when !cuda => throw new InvalidOperationException(
                "Device 'cuda' was requested but no CUDA device is usable. Reference TorchSharp-cuda-linux or TorchSharp-cuda-windows " +
                "(build property FBNetTorchCuda=true) instead of libtorch-cpu, or use Device = \"cpu\"."),
            "cuda" => torch.CUDA,
            "auto" => cuda ? torch.CUDA : torch.CPU,
            _ => torch.CPU,
        };
    }

    public static void SetThreads(int threads) => torch.set_num_threads(threads > 0 ? threads : Environment.ProcessorCount);
}
