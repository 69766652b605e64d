using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Data;
using FBNetV2.MLNet.Network;
using FBNetV2.MLNet.Training;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// Resident memory over many training batches, to find what grows: batches alone (BatchSource), then batches through
/// a network's forward and backward. Prints the process's resident memory every 10 batches.
/// </summary>
internal static class BatchMemory
{
    public static void Run(Dictionary<string, string> o)
    {
        int size = int.Parse(o.GetValueOrDefault("size", "224")), batch = int.Parse(o.GetValueOrDefault("batch", "48"));
        int count = int.Parse(o.GetValueOrDefault("batches", "60"));
        string mode = o.GetValueOrDefault("mode", "batches");
        string arch = o.GetValueOrDefault("arch", $"in_c3_s{size}_sub6|conv_k3_c8_s2_hs|ir_k3_e2_c16|ir_k3_e6_c32_s2|head_c64_f0_hs|cls5");
        if (mode == "share")
        {
            var a = new float[] { 1, 2, 3, 4 };
            using var t = from_array(a);
            a[0] = 42;
            using var t2 = tensor(a, [2, 2]);
            a[1] = 7;
            Console.WriteLine($"from_array sees {t[0].item<float>()} (42: shares the array); tensor sees {t2[0, 1].item<float>()} (7: shares)");
            return;
        }
        int n = 200;
        var rng = new Random(1);
        var pixels = new float[(long)n * 3 * size * size];
        for (long i = 0; i < pixels.Length; i++) pixels[i] = (float)rng.NextDouble();
        var data = new LabeledImages(pixels, Enumerable.Range(0, n).Select(i => i % 5).ToArray(), 3, size, size, ["a", "b", "c", "d", "e"]);
        var source = new BatchSource(data, batch, CPU);
        using var net = new FBNetNetwork(FBNetArchitecture.Parse(arch));
        long start = Environment.WorkingSet;
        void Print(string what) => Console.WriteLine($"{what}: {Environment.WorkingSet / 1e6:F0} MB (+{(Environment.WorkingSet - start) / 1e6:F0}), managed {GC.GetTotalMemory(false) / 1e6:F0} MB, gen2 GCs {GC.CollectionCount(2)}");
        if (mode == "train")
        {
            var t = new TrainingOptions { Epochs = count, BatchSize = batch, Progress = new Inline<TrainingProgress>(p => Print($"epoch {p.Epoch}")) };
            NetworkTrainer.Train(FBNetArchitecture.Parse(arch), data, null, t);
            return;
        }
        if (mode == "search")
        {
            var space = FBNetV2.MLNet.Search.PhotoSearchSpace.Create(3, size, 5);
            var so = new FBNetV2.MLNet.Search.SearchOptions { Epochs = count, WarmupEpochs = 1, BatchSize = batch, Budget = 5e6, ProxyCandidates = 0,
                Progress = new Inline<FBNetV2.MLNet.Search.SearchProgress>(p => Print($"search epoch {p.Epoch}")) };
            FBNetV2.MLNet.Search.DMaskingSearch.Run(space, data, so);
            return;
        }
        Console.WriteLine($"mode {mode}, {size} px, batch {batch}: start {start / 1e6:F0} MB");
        int k = 0;
        while (k < count)
            foreach (var (x, y) in source.Batches(rng))
            {
                using (x) using (y) using (NewDisposeScope())
                {
                    if (mode == "forward")
                    {
                        var loss = nn.functional.cross_entropy(net.forward(x), y);
                        loss.backward();
                    }
                }
                if (++k % 10 == 0) Console.WriteLine($"batch {k}: {Environment.WorkingSet / 1e6:F0} MB (+{(Environment.WorkingSet - start) / 1e6:F0}), managed {GC.GetTotalMemory(false) / 1e6:F0} MB, gen2 GCs {GC.CollectionCount(2)}");
                if (k >= count) break;
            }
    }
}

internal sealed class Inline<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
