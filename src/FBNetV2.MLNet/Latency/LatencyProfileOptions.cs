namespace FBNetV2.MLNet.Latency;

/// <summary>How latencies are measured: the runtime configuration (part of the table's identity) and the timing protocol.</summary>
public sealed class LatencyProfileOptions
{
    /// <summary>ONNX Runtime intra-op threads, fixed so that timings are comparable (1: one core, the steadiest).</summary>
    public int Threads { get; set; } = 1;

    /// <summary>Images per inference call; 1 measures per-image latency as an app serving single requests sees it.</summary>
    public int Batch { get; set; } = 1;

    /// <summary>Untimed calls before timing (allocator, caches, CPU frequency).</summary>
    public int WarmupRuns { get; set; } = 10;

    /// <summary>Timed calls; the median is recorded.</summary>
    public int Repeats { get; set; } = 50;

    /// <summary>
    /// Passes over all models, at least 3 s apart; each model keeps its median over the passes, because the speed of a
    /// shared machine changes in stretches longer than one measurement.
    /// </summary>
    public int Rounds { get; set; } = 3;

    /// <summary>Cpu, or Cuda (needs the app to reference Microsoft.ML.OnnxRuntime.Gpu).</summary>
    public LatencyDevice ExecutionProvider { get; set; } = LatencyDevice.Cpu;

    /// <summary>CUDA device the latencies are measured on when <see cref="ExecutionProvider"/> is Cuda (default 0).</summary>
    public int GpuDeviceId { get; set; }

    /// <summary>Most widths measured per width axis (evenly spread over the options, ends included); the rest are interpolated.</summary>
    public int GridPoints { get; set; } = 3;

    /// <summary>Called as measurements finish (what is done, of how many, and the family being measured); null reports nothing.</summary>
    public IProgress<LatencyProfileProgress>? Progress { get; set; }

    // Tables store the provider as "cpu"/"cuda" (the format predates the enum; existing tables stay valid).
    internal LatencyTableIdentity Identity() => LatencyTableIdentity.Current(ExecutionProvider switch
    {
        LatencyDevice.Cpu => "cpu",
        LatencyDevice.Cuda => "cuda",
        _ => throw new ArgumentOutOfRangeException(nameof(ExecutionProvider), ExecutionProvider, "ExecutionProvider must be Cpu or Cuda."),
    }, Threads, Batch);

    internal void Validate()
    {
        static void Check(bool ok, string option, string message) { if (!ok) throw new ArgumentOutOfRangeException(option, message); }
        Check(Threads is >= 1 and <= 1024, nameof(Threads), $"Threads must be between 1 and 1024, got {Threads}.");
        Check(Batch is >= 1 and <= 4096, nameof(Batch), $"Batch must be between 1 and 4096, got {Batch}.");
        Check(WarmupRuns >= 0, nameof(WarmupRuns), $"WarmupRuns must not be negative, got {WarmupRuns}.");
        Check(Rounds >= 1, nameof(Rounds), $"Rounds must be at least 1, got {Rounds}.");
        Check(Repeats >= 1, nameof(Repeats), $"Repeats must be at least 1, got {Repeats}.");
        Check(Enum.IsDefined(ExecutionProvider), nameof(ExecutionProvider), $"ExecutionProvider must be Cpu or Cuda, got {(int)ExecutionProvider}.");
        Check(GridPoints >= 2, nameof(GridPoints), $"GridPoints must be at least 2 (the ends of each width range), got {GridPoints}.");
    }
}
