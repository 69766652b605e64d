using System.Diagnostics;
using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Network;
using FBNetV2.MLNet.Search;
using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// Training images/s at batch 128 on 28x28 inputs, in NCHW and channels-last (NHWC) layout side by side: the compact
/// predefined networks, and the compact search space's supernet against the plain network at the space's maximum
/// widths (the supernet's step cost). Layouts alternate per network so that background load hits both alike.
/// </summary>
internal static class TrainingThroughput
{
    public const int Batch = 128, Steps = 10;

    public static void Run(Dictionary<string, string> a)
    {
        string? csv = a.GetValueOrDefault("csv");
        int rounds = int.Parse(a.GetValueOrDefault("rounds", "1"));
        int steps = int.Parse(a.GetValueOrDefault("steps", Steps.ToString()));
        int batch = int.Parse(a.GetValueOrDefault("batch", Batch.ToString()));
        // --only "Compact-S;supernet": the networks whose names contain one of the entries (case-insensitive); all by default.
        var only = a.GetValueOrDefault("only")?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Console.WriteLine($"Training throughput, batch {batch}, 1x28x28, {get_num_threads()} threads, median of {steps} steps (forward + backward + SGD step), {rounds} round(s)");
        Console.WriteLine($"{"network",-28} {"MFLOPs",8} {"round",5} | {"NCHW ms",8} {"img/s",6} | {"NHWC ms",8} {"img/s",6} | {"NHWC x",6}");
        var space = SearchSpace.Compact(1, 28, 10);
        var widest = WidestChoice(space).Derive(space);
        var cases = new List<(string Name, double MFlops, Func<nn.Module<Tensor, Tensor>> Make)>();
        foreach (var name in new[] { "Compact-S", "Compact-M", "Compact-L", "HandCNN-28" })
        {
            var arch = PredefinedArchitectures.Get(name);
            cases.Add((name, arch.Flops / 1e6, () => new FBNetNetwork(arch)));
        }
        cases.Add(("plain at max widths", widest.Flops / 1e6, () => new FBNetNetwork(widest)));
        cases.Add(("masked supernet (soft)", double.NaN, () => new Supernet(space, [0.3f], [0.35f])));
        if (only is not null) cases.RemoveAll(c => !only.Any(o => c.Name.Contains(o, StringComparison.OrdinalIgnoreCase)));
        if (cases.Count == 0) throw new BadFlagValueException($"--only {a["only"]} matches none of the networks.");
        for (int round = 1; round <= rounds; round++)
            foreach (var (name, mflops, make) in cases)
            {
                double nchw, nhwc;
                using (var net = make()) nchw = Measure(net, channelsLast: false, steps, batch);
                using (var net = make()) nhwc = Measure(net, channelsLast: true, steps, batch);
                Console.WriteLine($"{name,-28} {(double.IsNaN(mflops) ? "-" : mflops.ToString("F2")),8} {round,5} | {nchw,8:F1} {batch * 1000 / nchw,6:F0} | {nhwc,8:F1} {batch * 1000 / nhwc,6:F0} | {nchw / nhwc,6:F2}");
                ResultCsv.Append(csv, "network,mflops,round,nchw_ms,nhwc_ms", name, double.IsNaN(mflops) ? "" : mflops.ToString("F2"), round, nchw.ToString("F1"), nhwc.ToString("F1"));
            }
    }

    /// <summary>Largest option of every decision and the last (most expensive) block type and activation everywhere: no skips, full resolution.</summary>
    public static ArchitectureChoice WidestChoice(SearchSpace space) => new(
        0, space.StemWidths.Length - 1,
        space.Stages.Select(st => st.Widths.Length - 1).ToArray(),
        space.Stages.Select(st => Enumerable.Repeat(st.Ops.Length - 1, st.MaxBlocks).ToArray()).ToArray(),
        space.Stages.Select(st => Enumerable.Repeat(st.HiddenWidths.Length - 1, st.MaxBlocks).ToArray()).ToArray(),
        space.HeadWidths.Length - 1, space.StemActivations.Length - 1, space.HeadActivations.Length - 1);

    /// <summary>
    /// Median milliseconds of a training step (zero_grad, forward, cross-entropy, backward, SGD with Nesterov momentum,
    /// as in the PyTorch peer) after two warm-up steps. With <paramref name="channelsLast"/> the weights and the input
    /// are converted once, as the trainer does; the strides are checked after the steps so that a layout silently
    /// lost (a gradient or an optimizer step that returns NCHW) fails the benchmark instead of being timed.
    /// </summary>
    public static double Measure(nn.Module<Tensor, Tensor> net, bool channelsLast, int steps = Steps, int batch = Batch,
        int channels = 1, int size = 28, int classes = 10)
    {
        manual_seed(1);
        net.train();
        if (channelsLast) ChannelsLast.Apply(net);
        using var optimizer = optim.SGD(net.parameters(), 0.05, 0.9, nesterov: true);
        using var raw = rand(batch, channels, size, size);
        using var x = channelsLast ? ChannelsLast.Of(raw) : raw.alias();
        using var y = randint(0, classes, [batch]);
        var times = new List<double>();
        for (int i = 0; i < steps + 2; i++)
        {
            using var scope = NewDisposeScope();
            var clock = Stopwatch.StartNew();
            optimizer.zero_grad();
            nn.functional.cross_entropy(net.forward(x), y).backward();
            optimizer.step();
            if (i >= 2) times.Add(clock.Elapsed.TotalMilliseconds);
        }
        if (channelsLast)
            foreach (var p in net.parameters().Where(p => p.dim() == 4))
                if (!ChannelsLast.Is(p) || (p.grad is { } g && !ChannelsLast.Is(g)))
                    throw new InvalidOperationException($"A conv weight {string.Join("x", p.shape)} lost its channels-last strides during training: strides {string.Join(",", p.stride())}, gradient {string.Join(",", p.grad?.stride() ?? [])}.");
        return times.Order().ElementAt(times.Count / 2);
    }
}
