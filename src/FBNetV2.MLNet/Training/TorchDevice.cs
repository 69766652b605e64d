using TorchSharp;

namespace FBNetV2.MLNet.Training;

internal static class TorchDevice
{
    /// <summary>Resolves the device; asking for CUDA without a CUDA build says what to install.</summary>
    public static torch.Device Resolve(TrainingDevice device)
    {
        bool cuda = torch.cuda.is_available();
        return device switch
        {
            TrainingDevice.Cuda when !cuda => throw new InvalidOperationException(
                "Device Cuda was requested but no CUDA device is usable. Reference TorchSharp-cuda-linux or TorchSharp-cuda-windows " +
                "(build property FBNetTorchCuda=true) instead of libtorch-cpu, or use TrainingDevice.Cpu."),
            TrainingDevice.Cuda => torch.CUDA,
            TrainingDevice.Auto => cuda ? torch.CUDA : torch.CPU,
            TrainingDevice.Cpu => torch.CPU,
            _ => throw new ArgumentOutOfRangeException(nameof(device), device, "Device must be Cpu, Cuda or Auto."),
        };
    }

    public static void SetThreads(int threads) => torch.set_num_threads(threads > 0 ? threads : Environment.ProcessorCount);
}
