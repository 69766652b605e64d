using System.Diagnostics;
using FBNetV2.MLNet.Network;
using FBNetV2.MLNet.Search;
using FBNetV2.MLNet.Training;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// How steady the fit plan's step probes are (issue 19): the probes a time budget runs before the search (a training
/// step of the space's cheapest and of its largest member at the training batch, and the supernet's search step at
/// the search batch), each as a sequence of timed steps in this process. Prints every step's ms per image and what two
/// estimators make of the same sequence: the fastest of steps 2-3 after one untimed step (the probe before session 9)
/// and the median of the <see cref="StepProbe.TimedSteps"/> steps after <see cref="StepProbe.WarmupSteps"/> untimed
/// ones (StepProbe.SecondsPerImage now). Run it in several fresh processes: the plan is made once per process.
/// </summary>
internal static class StepProbeSpread
{
    public static void Run(Dictionary<string, string> a)
    {
        int size = int.Parse(a.GetValueOrDefault("size", "224"));
        int classes = int.Parse(a.GetValueOrDefault("classes", "5"));
        int batch = int.Parse(a.GetValueOrDefault("batch", "128"));
        int searchBatch = int.Parse(a.GetValueOrDefault("search-batch", "24"));
        int steps = int.Parse(a.GetValueOrDefault("steps", "10"));
        int w = StepProbe.WarmupSteps, t = StepProbe.TimedSteps;
        if (steps < w + t) throw new BadFlagValueException($"--steps must be at least {w + t} (the median estimator reads steps {w + 1}-{w + t}).");
        var space = SearchSpace.Auto(3, size, classes);
        var cost = CostModel.Flops;
        var stats = Enumerable.Repeat(0.4f, 3).ToArray();
        var probes = new List<(string Name, Func<nn.Module<Tensor, Tensor>> Make, int Batch)>
        {
            ("cheapest member", () => new FBNetNetwork(BudgetedDerivation.Cheapest(space, cost).Derive(space)), batch),
            ("largest member", () => new FBNetNetwork(BudgetedDerivation.Largest(space, cost).Derive(space)), batch),
            ("supernet", () => new Supernet(space, stats, stats), searchBatch),
        };
        Console.WriteLine($"Step probes, {space.InputChannels}x{size}x{size} ({(size < PhotoSearchSpace.MinInputSize ? "Compact" : "Photo")} space), {get_num_threads()} threads, {steps} timed steps after none untimed");
        Console.WriteLine($"{"probe",-16} {"batch",5}  {"old: min of 2-3",15}  {$"new: median {w + 1}-{w + t}",15}  ms/img per step");
        foreach (var (name, make, b) in probes)
        {
            using var net = make();
            ChannelsLast.ApplyForTraining(net, CPU);
            var clock = Stopwatch.StartNew();
            var s = StepProbe.StepSeconds(net, space.InputChannels, size, classes, CPU, b, 0, steps).Select(x => x * 1000 / b).ToArray();
            double old = Math.Min(s[1], s[2]);
            double median = s[w..(w + t)].Order().ElementAt(t / 2);
            Console.WriteLine($"{name,-16} {b,5}  {old,15:F2}  {median,15:F2}  {string.Join(" ", s.Select(x => x.ToString("F2")))}  ({clock.Elapsed.TotalSeconds:F1} s)");
        }
    }
}
