using System.Diagnostics;
using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Network;
using FBNetV2.MLNet.Search;
using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// Training images/s at batch 128 on 28x28 inputs: the compact predefined networks, and the compact search space's
/// supernet against the plain network at the space's maximum widths (the supernet's step cost).
/// </summary>
internal static class TrainingThroughput
{
    private const int Batch = 128, Steps = 10;

    public static void Run()
    {
        Console.WriteLine($"Training throughput, batch {Batch}, 1x28x28, {get_num_threads()} threads, median of {Steps} steps (forward + backward + SGD step)");
        Console.WriteLine($"{"network",-28} {"MFLOPs",8} {"ms/step",9} {"images/s",9}");
        foreach (var name in new[] { "Compact-S", "Compact-M", "Compact-L" })
        {
            var arch = PredefinedArchitectures.Get(name);
            using var net = new FBNetNetwork(arch);
            Report(name, arch.Flops / 1e6, Measure(net));
        }
        var space = SearchSpace.Compact(1, 28, 10);
        var widest = WidestChoice(space).Derive(space);
        using (var plain = new FBNetNetwork(widest)) Report("plain at max widths", widest.Flops / 1e6, Measure(plain));
        using (var super = new Supernet(space, [0.3f], [0.35f])) Report("masked supernet (soft)", double.NaN, Measure(super));
    }

    /// <summary>Largest option of every decision and the last (most expensive) block type everywhere: no skips, full resolution.</summary>
    public static ArchitectureChoice WidestChoice(SearchSpace space) => new(
        0, space.StemWidths.Length - 1,
        space.Stages.Select(st => st.Widths.Length - 1).ToArray(),
        space.Stages.Select(st => Enumerable.Repeat(st.Ops.Length - 1, st.MaxBlocks).ToArray()).ToArray(),
        space.Stages.Select(st => Enumerable.Repeat(st.HiddenWidths.Length - 1, st.MaxBlocks).ToArray()).ToArray());

    private static double Measure(nn.Module<Tensor, Tensor> net)
    {
        manual_seed(1);
        net.train();
        using var optimizer = optim.SGD(net.parameters(), 0.01, 0.9);
        using var x = rand(Batch, 1, 28, 28);
        using var y = randint(0, 10, [Batch]);
        var times = new List<double>();
        for (int i = 0; i < Steps + 2; i++)
        {
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            optimizer.zero_grad();
            nn.functional.cross_entropy(net.forward(x), y).backward();
            optimizer.step();
            if (i >= 2) times.Add(clock.Elapsed.TotalMilliseconds);
        }
        return times.Order().ElementAt(times.Count / 2);
    }

    private static void Report(string name, double mflops, double ms) =>
        Console.WriteLine($"{name,-28} {(double.IsNaN(mflops) ? "-" : mflops.ToString("F2")),8} {ms,9:F1} {Batch * 1000 / ms,9:F0}");
}
