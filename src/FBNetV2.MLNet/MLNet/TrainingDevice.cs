namespace FBNetV2.MLNet;

/// <summary>The TorchSharp device that trains (and, for SearchFBNet, searches); scoring runs in ONNX Runtime either way.</summary>
public enum TrainingDevice
{
    /// <summary>The CPU, with libtorch-cpu.</summary>
    Cpu,

    /// <summary>The first CUDA device; needs the TorchSharp CUDA natives (build property FBNetTorchCuda=true).</summary>
    Cuda,

    /// <summary>CUDA when a usable CUDA device and build are present, else the CPU.</summary>
    Auto,
}
