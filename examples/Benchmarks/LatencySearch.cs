using System.Diagnostics;
using FBNetV2.MLNet.Data;
using FBNetV2.MLNet.Latency;
using FBNetV2.MLNet.Onnx;
using FBNetV2.MLNet.Search;
using FBNetV2.MLNet.Training;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// A latency-budgeted search on Fashion-MNIST: the compact space at 28 px under a budget in milliseconds, the chosen
/// network trained with the final trainer, exported, and its ONNX Runtime latency measured with the table's protocol.
/// </summary>
internal static class LatencySearch
{
    public static void Run(Dictionary<string, string> a)
    {
        // --budget-ms space: the library's default budget for this table (geometric mean of the space's cheapest and
        // largest member), so that a run on a faster or slower machine still lies inside the space.
        string budgetText = a.GetValueOrDefault("budget-ms", "0.15");
        int images = int.Parse(a.GetValueOrDefault("search-images", "3000"));
        int epochs = int.Parse(a.GetValueOrDefault("search-epochs", "3"));
        int trainEpochs = int.Parse(a.GetValueOrDefault("train-epochs", "1"));
        int seed = int.Parse(a.GetValueOrDefault("seed", "1"));
        var profile = LatencyAccuracy.ProfileOptions(a);
        string path = a.GetValueOrDefault("table", Path.Combine(Path.GetTempPath(), "fbnet-latency-compact28.json"));
        var space = SearchSpace.Compact(1, 28, 10);
        var table = LatencyProfiler.LoadOrBuild(path, space, profile);
        double budget = budgetText == "space"
            ? Math.Round(DefaultBudget.For(space, CostModel.For(CostTarget.Latency, table)).Budget, 4)
            : double.Parse(budgetText, System.Globalization.CultureInfo.InvariantCulture);
        var train = FashionMnist.Load(a.GetValueOrDefault("data", FashionMnist.DefaultDirectory), train: true);
        var data = train.Split((double)images / train.Count, seed).a;
        Console.WriteLine($"Latency-budgeted search: budget {budget} ms ({profile.Threads} ONNX Runtime thread(s)), {data.Count} images x {epochs} epochs; table {path}");

        var clock = Stopwatch.StartNew();
        var result = DMaskingSearch.Run(space, data, new SearchOptions
        {
            CostTarget = CostTarget.Latency, LatencyTable = table, Budget = budget, Epochs = epochs, WarmupEpochs = Math.Max(1, epochs / 3), Seed = seed,
            // --candidates N sampled besides the argmax, --proxy N of them ranked by a short training (the library's defaults otherwise).
            SampledCandidates = a.TryGetValue("candidates", out var sampled) ? int.Parse(sampled) : new SearchOptions().SampledCandidates,
            ProxyCandidates = a.TryGetValue("proxy", out var proxy) ? int.Parse(proxy) : new SearchOptions().ProxyCandidates,
            Progress = new Progress<SearchProgress>(p => Console.WriteLine("  " + p)),
        });
        foreach (var c in result.Candidates) Console.WriteLine($"  candidate {c.Origin}: predicted {c.Cost:F4} ms, inherited acc {c.InheritedAccuracy:P2}");
        Console.WriteLine($"search took {clock.Elapsed:mm\\:ss}; chosen {result.Architecture} ({result.Architecture.Flops / 1e6:F3} MFLOPs)");

        var (fit, holdout) = data.Split(0.9, seed);
        var trained = NetworkTrainer.Train(result.Architecture, fit, holdout, new TrainingOptions { Epochs = trainEpochs, Seed = seed });
        // Exported on one torch thread and timed after an untimed pass, as `latency` times its networks: right after the
        // training libtorch's OpenMP workers still spin on the cores ONNX Runtime is timed on.
        var onnx = OnnxLatencyMeter.QuietTorch(() => OnnxExporter.Export(trained.Network));
        trained.Network.Dispose();
        var a0 = result.Architecture;
        (byte[], long[])[] model = [(onnx, [profile.Batch, a0.InputChannels, a0.InputSize, a0.InputSize])];
        LatencyAccuracy.WarmPass(model, profile);
        double measured = OnnxLatencyMeter.Typical(model, profile)[0];
        double again = OnnxLatencyMeter.Typical(model, profile)[0];
        Console.WriteLine($"final model: predicted {result.Cost:F4} ms, measured {measured:F4} ms (again {again:F4} ms), budget {budget} ms -> " +
            (measured <= budget ? "meets the budget" : $"OVER by {(measured - budget) / budget:P1}"));
    }
}
