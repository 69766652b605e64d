using System.Diagnostics;
using FBNetV2.MLNet.Network;
using FBNetV2.MLNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// The race behind Network/TorchScalars.cs, measured: one thread adds two small tensors again and again while another
/// allocates and collects (as a test host's or an app's other threads do). TorchSharp's operators pass libtorch a
/// temporary Scalar whose finalizer may run during the call; the library's helpers keep it alive. Each way runs for the
/// same time and counts calls, exceptions and wrong sums, side by side (and the same for an SGD step, TorchSharp's and the library's); a control runs the operator without the
/// collecting thread.
/// </summary>
internal static class ScalarRace
{
    public static void Run(Dictionary<string, string> a)
    {
        double seconds = double.Parse(a.GetValueOrDefault("seconds", "20"));
        torch.set_num_threads(1);
        using var x = ones(4, dtype: ScalarType.Float64);
        using var y = ones(4, dtype: ScalarType.Float64);
        // Optimizer steps: one parameter with a fixed gradient, momentum 0.9, Nesterov, weight decay (values not checked).
        var pTheirs = new TorchSharp.Modules.Parameter(ones(4));
        var pMine = new TorchSharp.Modules.Parameter(ones(4));
        foreach (var p in new[] { pTheirs, pMine }) { using var l = p.sum(); l.backward(); }
        using var theirs = optim.SGD([pTheirs], 1e-6, 0.9, weight_decay: 1e-4, nesterov: true);
        using var mine = new ScalarSafeSgd([pMine], 1e-6, 0.9, weight_decay: 1e-4, nesterov: true);
        var ways = new (string Name, bool Noise, Func<Tensor> Op, double Expected)[]
        {
            ("a + b (TorchSharp operator), no other thread", false, () => x + y, 2.0),
            ("a + b (TorchSharp operator)", true, () => x + y, 2.0),
            ("a * 0.5 (TorchSharp operator)", true, () => x * 0.5, 0.5),
            ("a.Plus(b) (TorchScalars)", true, () => x.Plus(y), 2.0),
            ("a.Times(0.5) (TorchScalars)", true, () => x.Times(0.5), 0.5),
            ("SGD step (TorchSharp)", true, () => { theirs.step(); return pTheirs.alias(); }, double.NaN),
            ("SGD step (ScalarSafeSgd)", true, () => { mine.step(); return pMine.alias(); }, double.NaN),
        };
        Console.WriteLine($"{seconds:F0} s per way; the other thread allocates 64 KB, runs a gen-0 collection and waits for the finalizers, in a loop");
        Console.WriteLine($"{"way",-48} {"calls",10} {"calls/s",9} {"exceptions",10} {"wrong",6}");
        foreach (var (name, noise, op, expected) in ways)
        {
            var stop = Stopwatch.StartNew();
            using var done = new CancellationTokenSource();
            var collector = new Thread(() => { while (!done.IsCancellationRequested) { GC.KeepAlive(new byte[1 << 16]); GC.Collect(0); GC.WaitForPendingFinalizers(); } }) { IsBackground = true };
            if (noise) collector.Start();
            long calls = 0, exceptions = 0, wrong = 0;
            string? first = null;
            while (stop.Elapsed.TotalSeconds < seconds)
            {
                try
                {
                    using var r = op();
                    if (!double.IsNaN(expected) && r[0].item<double>() != expected) wrong++;
                }
                catch (Exception e)
                {
                    exceptions++;
                    first ??= e.Message.Split('\n')[0];
                }
                calls++;
            }
            done.Cancel();
            if (noise) collector.Join();
            Console.WriteLine($"{name,-48} {calls,10} {calls / stop.Elapsed.TotalSeconds,9:F0} {exceptions,10} {wrong,6}" + (first is null ? "" : $"  first: {first}"));
        }
    }
}
