using System.Diagnostics;
using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Data;
using FBNetV2.MLNet.Training;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// Full Fashion-MNIST training of one fixed architecture with the final-training recipe: 54000 images to train, 6000
/// held out to pick the best epoch, the official 10000 test images reported.
/// </summary>
internal static class FashionTraining
{
    /// <summary>One row per trained network; group names the family (searched, random, or a predefined architecture).</summary>
    public const string CsvHeader = "group,model,seed,mflops,parameters,test_accuracy,train_seconds";

    public static void Run(Dictionary<string, string> a)
    {
        string dir = a.GetValueOrDefault("data", FashionMnist.DefaultDirectory);
        string name = a.GetValueOrDefault("arch", "Compact-M");
        int epochs = int.Parse(a.GetValueOrDefault("epochs", "12"));
        int seed = int.Parse(a.GetValueOrDefault("seed", "1"));
        int threads = int.Parse(a.GetValueOrDefault("threads", "0"));
        // An architecture string (it holds ',' and '|') goes into the CSV as "custom"; its text is in the output above.
        string group = name.Contains('|') ? "custom" : name;
        var arch = ArchitectureJson.Resolve(name).WithClasses(10);
        if (a.TryGetValue("match-mflops", out var target))
        {
            // Equal-FLOPs baselines: one width factor for the whole network, the largest that fits the target.
            var native = arch;
            (double factor, arch) = WidthScaling.ToFlops(native, double.Parse(target, System.Globalization.CultureInfo.InvariantCulture) * 1e6);
            Console.WriteLine($"--match-mflops {target}: {name} ({native.Flops / 1e6:F3} MFLOPs, {native.Parameters} parameters) with every width x {factor:F4}, rounded to multiples of 8");
            name += $" x{factor:F3}";
        }
        var (fit, holdout) = FashionMnist.Load(dir, train: true).Split(0.9, seed);
        var test = FashionMnist.Load(dir, train: false);
        Console.WriteLine($"Fashion-MNIST training: {name} = {arch}, {arch.Flops / 1e6:F3} MFLOPs, {arch.Parameters} parameters, {epochs} epochs, seed {seed}");
        var clock = Stopwatch.StartNew();
        var result = FBNetTrainer.Train(arch, fit, holdout, new TrainingOptions
        {
            Epochs = epochs, Seed = seed, Threads = threads, Progress = new Progress<TrainingProgress>(p => Console.WriteLine("  " + p)),
        });
        double accuracy = Evaluation.Accuracy(result.Network, test);
        Console.WriteLine($"best epoch {result.BestEpoch} (holdout {result.BestValidationAccuracy:P2}); test accuracy {accuracy:P2}; {clock.Elapsed:hh\\:mm\\:ss}");
        ResultCsv.Append(a.GetValueOrDefault("csv"), CsvHeader, group, group == "custom" ? $"custom x{epochs} epochs" : name, seed, arch.Flops / 1e6, arch.Parameters, accuracy, (int)clock.Elapsed.TotalSeconds);
    }
}
