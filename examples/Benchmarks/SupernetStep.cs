using System.Diagnostics;
using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Network;
using FBNetV2.MLNet.Search;
using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// Where a search step's time goes, for one preset at one input size: the masked supernet's weight step (soft Gumbel
/// mix of every option, as the search runs it), the same supernet with one resolution option fixed, and the plain
/// networks of the space's widest member at each resolution, in NCHW and channels-last, alternating per round; and the
/// single-path weight step (one member drawn per step) with its dearest case, the widest member fixed.
/// Prints ms per image and the supernet's ratio to its widest member (issue 15 asks for at most 1.3x).
/// </summary>
internal static class SupernetStep
{
    private const string ComposedActivations = "supernet soft NHWC, activations composed";
    private const string SliceAdd = "supernet soft NHWC, e1 input added on a slice";

    public static void Run(Dictionary<string, string> a)
    {
        string preset = a.GetValueOrDefault("preset", "photo");
        int size = int.Parse(a.GetValueOrDefault("size", "96"));
        int batch = int.Parse(a.GetValueOrDefault("batch", "32"));
        int steps = int.Parse(a.GetValueOrDefault("steps", "4"));
        int rounds = int.Parse(a.GetValueOrDefault("rounds", "2"));
        var space = preset switch
        {
            "photo" => PhotoSearchSpace.Create(3, size, 5),
            "compact" => SearchSpace.Compact(1, size, 10),
            _ => throw new BadFlagValueException($"--preset {preset}: use photo or compact."),
        };
        int channels = space.InputChannels;
        Console.WriteLine($"Supernet step, {preset} space at {size} px, batch {batch}, {get_num_threads()} threads, median of {steps} steps, {rounds} round(s)");
        var (budget, cheapest, largest) = DefaultBudget.For(space, CostModel.Flops);
        Console.WriteLine($"{space.Decisions.Count} decisions, 10^{space.Log10Size:F1} architectures, {cheapest / 1e6:F3} to {largest / 1e6:F1} MFLOPs (default budget {budget / 1e6:F2})");
        var widest = TrainingThroughput.WidestChoice(space);
        var stats = Enumerable.Repeat(0.3f, channels).ToArray();
        // The search's weight step: the architecture logits frozen (DMaskingSearch computes no gradient for them there).
        Supernet MakeSupernet()
        {
            var net = new Supernet(space, stats, stats) { Temperature = 1 };
            foreach (var alpha in net.ArchitectureParameters()) alpha.requires_grad = false;
            return net;
        }
        Supernet MakeSupernetWithLogitGradients() => new(space, stats, stats) { Temperature = 1 };
        var cases = new List<(string Name, Func<nn.Module<Tensor, Tensor>> Make, bool ChannelsLast)>();
        for (int j = 0; j < space.Subsamples.Length; j++)
        {
            var arch = (widest with { Resolution = j }).Derive(space);
            cases.Add(($"plain widest r={space.Subsamples[j]} ({arch.Flops / 1e6:F1} MFLOPs)", () => new FBNetNetwork(arch), false));
            cases.Add(($"plain widest r={space.Subsamples[j]} NHWC", () => new FBNetNetwork(arch), true));
        }
        cases.Add(("supernet soft (search weight step)", MakeSupernet, false));
        cases.Add(("supernet soft NHWC", MakeSupernet, true));
        // The same step with the ReLU / h-swish mix composed from libtorch's ops instead of ActivationMix's fused pass.
        cases.Add((ComposedActivations, MakeSupernet, true));
        // Before session 13 the e1 input was added in place on a slice of the mix's output (autograd copies the whole
        // map's gradient back for the slice).
        cases.Add((SliceAdd, MakeSupernet, true));
        // Before session 12 the weight step also computed the logits' gradient, which the architecture step discarded.
        cases.Add(("supernet soft NHWC, logit gradients too", MakeSupernetWithLogitGradients, true));
        // Single-path weight steps (SearchOptions.SinglePathWeightSteps): one member drawn per step from the distribution,
        // here the uniform one of the search's start, so the rows are the typical step; the widest member fixed in
        // NHWC is the dearest single path.
        cases.Add(("supernet single path NHWC (uniform draws)", () => { var net = MakeSupernet(); net.SinglePath = true; return net; }, true));
        for (int j = 0; j < space.Subsamples.Length; j++)
        {
            var fixedChoice = widest with { Resolution = j };
            cases.Add(($"supernet fixed widest r={space.Subsamples[j]}", () => { var net = MakeSupernet(); net.FixedChoice = fixedChoice; return net; }, false));
            cases.Add(($"supernet fixed widest r={space.Subsamples[j]} NHWC", () => { var net = MakeSupernet(); net.FixedChoice = fixedChoice; return net; }, true));
        }
        if (a.TryGetValue("paired", out var pairedSteps))
        {
            Paired(cases.Where(c => c.ChannelsLast && !c.Name.Contains("single path")).ToList(),
                int.Parse(pairedSteps), batch, channels, size, space.NumClasses);
            return;
        }
        var results = cases.ToDictionary(c => c.Name, _ => new List<double>());
        for (int round = 1; round <= rounds; round++)
            foreach (var (name, make, cl) in cases)
            {
                using var net = make();
                SwitchFor(name);
                // The same timed step as train-throughput's (which also checks that NHWC strides survived the steps).
                double ms;
                try { ms = TrainingThroughput.Measure(net, cl, steps, batch, channels, size, space.NumClasses); }
                finally { ActivationMix.Fused = true; ActivationMix.FusedAdd = true; }
                results[name].Add(ms);
                Console.WriteLine($"{name,-48} round {round}: {ms,8:F1} ms/step {ms / batch,7:F2} ms/img");
            }
        Console.WriteLine();
        double Med(string n) { var l = results[n].Order().ToList(); return l[l.Count / 2]; }
        string plain0 = cases[0].Name;
        foreach (var (name, _, _) in cases)
            Console.WriteLine($"{name,-48} {Med(name) / batch,7:F2} ms/img  {Med(name) / Med(plain0),5:F2}x plain widest r={space.Subsamples[0]} NCHW");
    }

    /// <summary>
    /// The NHWC cases side by side, one training step of each in turn (after two warm-up steps each), so that every
    /// group of steps runs within a second of each other: this machine's speed drifts by up to 40 % over minutes, which
    /// swamps a 10 % difference between whole rounds. Prints each case's median ms per image and the median, over the
    /// groups, of its step time divided by the first case's (the plain widest member) in the same group.
    /// </summary>
    private static void Paired(List<(string Name, Func<nn.Module<Tensor, Tensor>> Make, bool ChannelsLast)> cases, int steps, int batch, int channels, int size, int classes)
    {
        Console.WriteLine($"paired: {steps} groups of one step per case, in turn");
        var steppers = cases.Select(c => new Stepper(c.Make(), batch, channels, size, classes, c.Name)).ToList();
        try
        {
            foreach (var st in steppers) { st.Step(); st.Step(); }
            var times = steppers.Select(_ => new List<double>()).ToList();
            for (int k = 0; k < steps; k++)
                for (int i = 0; i < steppers.Count; i++) times[i].Add(steppers[i].Step());
            static double Median(IEnumerable<double> v) { var l = v.Order().ToList(); return l.Count % 2 == 1 ? l[l.Count / 2] : (l[l.Count / 2 - 1] + l[l.Count / 2]) / 2; }
            for (int i = 0; i < steppers.Count; i++)
            {
                var ratios = times[i].Zip(times[0], (t, t0) => t / t0).ToList();
                Console.WriteLine($"{cases[i].Name,-48} {Median(times[i]) / batch,7:F2} ms/img  {Median(ratios),5:F2}x {cases[0].Name} (groups {ratios.Min():F2}-{ratios.Max():F2}x)");
            }
        }
        finally
        {
            foreach (var st in steppers) st.Dispose();
        }
    }

    /// <summary>The fused passes a case runs with: both on, except in the two cases that time the older forms.</summary>
    private static void SwitchFor(string name)
    {
        ActivationMix.Fused = name != ComposedActivations;
        ActivationMix.FusedAdd = name != SliceAdd;
    }

    /// <summary>One network's training step on fixed data, in channels-last, as TrainingThroughput.Measure times it.</summary>
    private sealed class Stepper : IDisposable
    {
        private readonly nn.Module<Tensor, Tensor> net;
        private readonly optim.Optimizer optimizer;
        private readonly Tensor x, y;
        private readonly string name;

        public Stepper(nn.Module<Tensor, Tensor> net, int batch, int channels, int size, int classes, string name)
        {
            this.name = name;
            manual_seed(1);
            this.net = net;
            net.train();
            ChannelsLast.Apply(net);
            optimizer = optim.SGD(net.parameters(), 0.05, 0.9, nesterov: true);
            using var raw = rand(batch, channels, size, size);
            x = ChannelsLast.Of(raw);
            y = randint(0, classes, [batch]);
        }

        public double Step()
        {
            SwitchFor(name);
            try
            {
                using var scope = NewDisposeScope();
                var clock = Stopwatch.StartNew();
                optimizer.zero_grad();
                nn.functional.cross_entropy(net.forward(x), y).backward();
                optimizer.step();
                return clock.Elapsed.TotalMilliseconds;
            }
            finally { ActivationMix.Fused = true; ActivationMix.FusedAdd = true; }
        }

        public void Dispose() { optimizer.Dispose(); x.Dispose(); y.Dispose(); net.Dispose(); }
    }
}
