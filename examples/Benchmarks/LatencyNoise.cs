using System.Diagnostics;
using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Latency;
using FBNetV2.MLNet.Network;
using FBNetV2.MLNet.Onnx;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// How steady ONNX Runtime timings are on this machine: one fixed network (Compact-S) timed again and again for a
/// while, one median per line. Slow stretches show how long background bursts last, which is what the profiler's
/// spaced passes are sized against.
/// </summary>
internal static class LatencyNoise
{
    public static void Run(Dictionary<string, string> a)
    {
        double seconds = double.Parse(a.GetValueOrDefault("seconds", "30"));
        var arch = PredefinedArchitectures.Get("Compact-S");
        using var net = new FBNetNetwork(arch);
        var model = OnnxExporter.Export(net);
        var options = new LatencyProfileOptions { Threads = int.Parse(a.GetValueOrDefault("threads", "1")) };
        var medians = new List<double>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            double ms = OnnxLatencyMeter.MedianMilliseconds(model, [1, arch.InputChannels, arch.InputSize, arch.InputSize], options);
            medians.Add(ms);
            Console.WriteLine($"{clock.Elapsed.TotalSeconds,6:F1} s  {ms:F4} ms");
            Thread.Sleep(250);
        }
        medians.Sort();
        Console.WriteLine($"{medians.Count} medians of {options.Repeats} calls: min {medians[0]:F4}, median {medians[medians.Count / 2]:F4}, max {medians[^1]:F4} ms");
    }
}
