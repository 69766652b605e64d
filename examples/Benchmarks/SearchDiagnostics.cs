using System.Diagnostics;
using FBNetV2.MLNet.Data;
using FBNetV2.MLNet.Search;
using FBNetV2.MLNet.Training;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// What the search learns, without the final training: per epoch the temperature, the mean entropy as a share of the
/// uniform distribution's, the expected cost against the budget and the largest logit; then the candidates and their
/// costs as a share of the budget. On Fashion-MNIST (IDX folder) or any image folder (train/ and test/ or one folder),
/// so that a change to the search is checked on more than one data set.
/// </summary>
internal static class SearchDiagnostics
{
    public static void Run(Dictionary<string, string> a)
    {
        string dir = a.GetValueOrDefault("data", FashionMnist.DefaultDirectory);
        int images = int.Parse(a.GetValueOrDefault("images", "3000"));
        int epochs = int.Parse(a.GetValueOrDefault("epochs", "6"));
        int seed = int.Parse(a.GetValueOrDefault("seed", "1"));
        int threads = int.Parse(a.GetValueOrDefault("threads", "0"));
        var data = Load(dir, a.TryGetValue("size", out var s) ? int.Parse(s) : null);
        if (images < data.Count) data = data.Split((double)images / data.Count, seed).a;
        var space = SearchSpace.Compact(data.Channels, data.Height, data.ClassNames.Length);
        double budget = double.Parse(a.GetValueOrDefault("budget-mflops", "5")) * 1e6;
        var options = new SearchOptions
        {
            Budget = budget, Epochs = epochs, WarmupEpochs = Math.Max(1, epochs / 3), Seed = seed, Threads = threads,
            BatchSize = int.Parse(a.GetValueOrDefault("batch", "128")),
            ArchitectureSteps = int.Parse(a.GetValueOrDefault("arch-steps", "0")),
            ArchitectureLearningRate = a.TryGetValue("arch-lr", out var lr) ? double.Parse(lr) : null,
            ArchitectureTravel = double.Parse(a.GetValueOrDefault("travel", "6")),
            ArchitectureWeightDecay = double.Parse(a.GetValueOrDefault("arch-wd", "0")),
            EntropyWeight = double.Parse(a.GetValueOrDefault("entropy", "0.05")),
            FinalTemperature = double.Parse(a.GetValueOrDefault("final-tau", "0.5")),
            HardSampling = a.GetValueOrDefault("hard", "0") == "1",
            GlobalArchitectureSecondMoment = a.GetValueOrDefault("global-arch-moment", "0") == "1",
            ProxyCandidates = int.Parse(a.GetValueOrDefault("proxy", "3")),
            ProxyRecipe = new Training.TrainingOptions { HorizontalFlip = a.GetValueOrDefault("flip", "1") == "1" },
        };
        var uniform = ArchitectureChoice.OptionCounts(space).Average(n => Math.Log(n));
        Console.WriteLine($"search diagnostics: {dir}, {data.Count} images {data.Channels}x{data.Height}, space 10^{space.Log10Size:F1}, budget {budget / 1e6} MFLOPs, {epochs} epochs, seed {seed}; uniform mean entropy {uniform:F3}");
        options.Progress = new Progress<SearchProgress>(p => Console.WriteLine(
            $"  epoch {p.Epoch}/{p.Epochs} tau {p.Temperature:F3} entropy {p.MeanEntropy:F3} ({p.MeanEntropy / uniform:P0} of uniform) " +
            $"E[cost] {p.ExpectedCost / 1e6:F3} M ({p.ExpectedCost / budget:P0} of budget) weight acc {p.WeightAccuracy:P1} " +
            $"arch loss {p.ArchitectureLoss?.ToString("F4") ?? "-"} {p.Elapsed:mm\\:ss}"));
        var clock = Stopwatch.StartNew();
        // --searched ARCH skips the search and compares a network an earlier run found.
        var result = a.TryGetValue("searched", out var found)
            ? new SearchResult(Architecture.FBNetArchitecture.Parse(found), Architecture.FBNetArchitecture.Parse(found).Flops, [], [], [], [])
            : DMaskingSearch.Run(space, data, options);
        foreach (var c in result.Candidates)
            Console.WriteLine($"  candidate {c.Origin,-10} {c.Cost / 1e6,7:F3} M ({c.Cost / budget:P0})  inherited {c.InheritedAccuracy:P2}  proxy {(c.ProxyAccuracy is { } q ? q.ToString("P2") : "-")}  log p {c.LogProbability:F1}  {c.Architecture}");
        var last = result.Distribution;
        if (last.Count > 0) Console.WriteLine($"  final: entropy {last.Average(d => -d.Probabilities.Sum(p => p > 0 ? p * Math.Log(p) : 0)) / uniform:P0} of uniform; " +
            $"most likely option per decision: {string.Join(" ", last.Select(d => $"{d.Probabilities.Max():F2}"))}");
        Console.WriteLine($"search took {clock.Elapsed:hh\\:mm\\:ss}; chosen {result.Architecture} ({result.Cost / 1e6:F3} M)");

        // Equal-cost comparison: the searched network against hand-designed ones width-scaled to its FLOPs, one recipe.
        int trainEpochs = int.Parse(a.GetValueOrDefault("train-epochs", "0"));
        if (trainEpochs == 0) return;
        var test = LoadTest(dir, data.Height);
        var (fit, holdout) = data.Split(0.9, seed);
        var contenders = new List<(string Name, Architecture.FBNetArchitecture Arch)> { ("searched", result.Architecture) };
        foreach (var name in a.GetValueOrDefault("baselines", "HandCNN-28,MobileNetV3-Small-28").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var arch = Architecture.PredefinedArchitectures.Get(name).WithClasses(data.ClassNames.Length).WithInput(data.Channels, data.Height);
            var (factor, scaled) = WidthScaling.ToFlops(arch, result.Architecture.Flops);
            contenders.Add(($"{name} x{factor:F3}", scaled));
        }
        Console.WriteLine($"{"model",-28} {"MFLOPs",7} {"params",8} {"test acc",9} {"time",9}  (train {fit.Count}, holdout {holdout.Count}, test {test.Count}, {trainEpochs} epochs, seed {seed})");
        foreach (var (name, arch) in contenders)
        {
            clock.Restart();
            var trained = NetworkTrainer.Train(arch, fit, holdout, new TrainingOptions
            {
                Epochs = trainEpochs, Seed = seed, Threads = threads, HorizontalFlip = a.GetValueOrDefault("flip", "1") == "1",
            });
            double acc = Evaluation.Accuracy(trained.Network, test);
            Console.WriteLine($"{name,-28} {arch.Flops / 1e6,7:F3} {arch.Parameters,8} {acc,9:P2} {clock.Elapsed,9:mm\\:ss}  {arch}");
            trained.Network.Dispose();
        }
    }

    private static LabeledImages LoadTest(string dir, int size)
    {
        if (Directory.EnumerateFiles(dir).Any(f => f.Contains("-idx3-ubyte", StringComparison.Ordinal))) return FashionMnist.Load(dir, train: false);
        var (train, test) = ImageFolder.ScanTrainTest(dir);
        return ImageDecoder.Load(test, ImageDecoder.GuessChannels(train), size, size);
    }

    internal static LabeledImages Load(string dir, int? size)
    {
        if (Directory.EnumerateFiles(dir).Any(f => f.Contains("-idx3-ubyte", StringComparison.Ordinal))) return FashionMnist.Load(dir, train: true);
        var folder = ImageFolder.HasTrainTestSplit(dir) ? ImageFolder.ScanTrainTest(dir).Train : ImageFolder.Scan(dir);
        return ImageDecoder.Load(folder, ImageDecoder.GuessChannels(folder), size, size);
    }
}
