using FBNetV2.MLNet.Network;
using System.Diagnostics;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Training;

/// <summary>
/// What one training step (forward, cross-entropy, backward) of a network costs on this machine, measured rather than
/// estimated: the process's resident memory is sampled every millisecond while steps at two batch sizes run, and the
/// peak growth over the resident memory before each gives memory per image (the slope) and a fixed part (the
/// intercept). The step time of the larger batch gives seconds per image, an
/// upper bound for larger batches. Nothing else is touched (no reset of the kernel's peak counters, so tools such as
/// /usr/bin/time still see the process's true peak).
/// </summary>
internal static class StepProbe
{
    public static StepFootprint Measure(nn.Module<Tensor, Tensor> net, int channels, int size, int classes, Device device, int small = 2, int large = 8)
    {
        net.train();
        Step(net, channels, size, classes, small, device); // first call: kernels chosen, gradient buffers allocated
        var (growthSmall, _) = Sampled(() => Step(net, channels, size, classes, small, device));
        var (growthFirst, _) = Sampled(() => Step(net, channels, size, classes, large, device));
        // Timed on a second call: the first also pays for touching fresh pages and choosing kernels for the size.
        var (growthSecond, seconds) = Sampled(() => Step(net, channels, size, classes, large, device));
        long growthLarge = Math.Max(growthFirst, growthSecond);
        net.zero_grad();
        double perImage = Math.Max(0, (double)(growthLarge - growthSmall) / (large - small));
        double fixedBytes = Math.Max(0, growthSmall - small * perImage);
        return new StepFootprint(fixedBytes, perImage, seconds / large, large);
    }

    /// <summary>
    /// Seconds per image of a training step at the batch the fit will use: <see cref="WarmupSteps"/> untimed steps
    /// (kernels for the size, fresh pages), then the median of <see cref="TimedSteps"/> timed ones. Per-image time falls
    /// steeply with the batch on a CPU (measured: 121 ms per image at batch 8 against 55 ms in the search's own steps at
    /// batch 40 on the Photo supernet; 13.2 ms at batch 16 against 3.1 ms in training at batch 32), so a plan from a
    /// small probe batch used a third of a 15-minute budget. The second and third steps of a fresh network still run
    /// slow (224 px, largest Photo member: 25, 9.3, 6.9, then 5.3-6.6 ms per image; `step-probe` benchmark), and the
    /// fastest of two steps after one untimed step read 10-40 % above the steady time, so two untimed steps and a
    /// median.
    /// </summary>
    public static StepTiming SecondsPerImage(nn.Module<Tensor, Tensor> net, int channels, int size, int classes, Device device, int batch)
    {
        var seconds = StepSeconds(net, channels, size, classes, device, batch, WarmupSteps, TimedSteps);
        Array.Sort(seconds);
        return new StepTiming(seconds[seconds.Length / 2] / batch, seconds[0] / batch, seconds[^1] / batch, batch);
    }

    /// <summary>Untimed steps before a timed probe.</summary>
    public const int WarmupSteps = 2;

    /// <summary>Timed steps of a probe (their median is the figure).</summary>
    public const int TimedSteps = 5;

    /// <summary>
    /// The seconds of each of <paramref name="steps"/> timed steps at <paramref name="batch"/> images, after
    /// <paramref name="warmup"/> untimed ones (kernels for the size, fresh pages).
    /// </summary>
    public static double[] StepSeconds(nn.Module<Tensor, Tensor> net, int channels, int size, int classes, Device device, int batch, int warmup, int steps)
    {
        net.train();
        for (int i = 0; i < warmup; i++) Step(net, channels, size, classes, batch, device);
        var seconds = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            var clock = Stopwatch.StartNew();
            Step(net, channels, size, classes, batch, device);
            seconds[i] = clock.Elapsed.TotalSeconds;
        }
        net.zero_grad();
        return seconds;
    }

    /// <summary>Bytes this process may still take: the machine's (or container's) memory less what is in use now.</summary>
    public static long AvailableBytes()
    {
        GC.Collect();
        var info = GC.GetGCMemoryInfo();
        return Math.Max(0, info.TotalAvailableMemoryBytes - info.MemoryLoadBytes);
    }

    private static void Step(nn.Module<Tensor, Tensor> net, int channels, int size, int classes, int batch, Device device)
    {
        using var scope = NewDisposeScope();
        var x = rand(batch, channels, size, size, device: device);
        // The input in the network's layout, as its batches will come (BatchSource), so the probe times the same kernels.
        if (net.parameters().FirstOrDefault(p => p.dim() == 4) is { } w && ChannelsLast.Is(w)) x = ChannelsLast.Of(x);
        var y = randint(0, classes, batch, dtype: ScalarType.Int64, device: device);
        var loss = nn.functional.cross_entropy(net.forward(x), y);
        loss.backward();
    }

    /// <summary>
    /// Runs the action while a thread samples the working set; returns the peak growth over the working set before it,
    /// and the action's seconds. Freed memory that the C allocator keeps would be reused without showing as growth, so
    /// it is handed back to the system first (glibc's malloc_trim; elsewhere the figure may read low).
    /// </summary>
    private static (long Growth, double Seconds) Sampled(Action action)
    {
        GC.Collect();
        NativeHeap.Trim();
        long before = Environment.WorkingSet;
        long peak = before;
        bool done = false;
        var sampler = new Thread(() =>
        {
            while (!Volatile.Read(ref done))
            {
                long now = Environment.WorkingSet;
                if (now > Interlocked.Read(ref peak)) Interlocked.Exchange(ref peak, now);
                Thread.Sleep(1);
            }
        }) { IsBackground = true, Priority = ThreadPriority.AboveNormal };
        sampler.Start();
        var clock = Stopwatch.StartNew();
        try { action(); }
        finally
        {
            clock.Stop();
            Volatile.Write(ref done, true);
            sampler.Join();
        }
        return (Math.Max(Interlocked.Read(ref peak), Environment.WorkingSet) - before, clock.Elapsed.TotalSeconds);
    }

}

/// <summary>Memory and time of one training step, from <see cref="StepProbe"/>.</summary>
/// <summary>Seconds per image of the timed steps of a probe at <paramref name="Batch"/> images: their median, fastest and slowest.</summary>
internal sealed record StepTiming(double Median, double Fastest, double Slowest, int Batch)
{
    /// <summary>For the log: "4.21 ms per image (median of 5 steps, 4.05-4.60, at batch 128)".</summary>
    public override string ToString() =>
        $"{Median * 1000:F2} ms per image (median of {StepProbe.TimedSteps} steps, {Fastest * 1000:F2}-{Slowest * 1000:F2}, at batch {Batch})";
}

internal sealed record StepFootprint(double FixedBytes, double BytesPerImage, double SecondsPerImage, int TimedBatch)
{
    /// <summary>The same footprint with the time measured again at <paramref name="batch"/> (see <see cref="StepProbe.SecondsPerImage"/>).</summary>
    public StepFootprint TimedAt(int batch, double secondsPerImage) => this with { SecondsPerImage = secondsPerImage, TimedBatch = batch };

    /// <summary>Peak memory of a step at <paramref name="batch"/> images beyond what the process holds before it.</summary>
    public double BytesAt(int batch) => FixedBytes + BytesPerImage * batch;

    /// <summary>The largest batch whose step stays within <paramref name="bytes"/> (0 when even one image does not).</summary>
    public int LargestBatchWithin(double bytes) =>
        BytesPerImage <= 0 ? int.MaxValue : (int)Math.Clamp(Math.Floor((bytes - FixedBytes) / BytesPerImage), 0, int.MaxValue);
}
