using System.Diagnostics;
using System.Globalization;
using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Data;
using FBNetV2.MLNet.Training;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// Full Fashion-MNIST training of one fixed architecture with the final-training recipe: 54000 images to train, 6000
/// held out to pick the best epoch, the official 10000 test images reported. Recipe flags (--wd, --ema, --erase,
/// --refit, --teacher, ...) override the library's defaults; --train-images / --test-images take class-balanced
/// subsamples for short ablation runs, and --dataset shapes|digits swaps in the synthetic shapes or a
/// small image folder (--data, default /work/data/digits32: sklearn's digits at 32 px). --save-onnx PATH writes the
/// trained network (the kept EMA average) as this tool's ONNX model, which --teacher PATH takes back.
/// </summary>
internal static class FashionTraining
{
    /// <summary>One row per trained network; group names the family (searched, random, or a predefined architecture).</summary>
    public const string CsvHeader = "group,model,seed,mflops,parameters,test_accuracy,train_seconds";

    /// <summary>What one run measured; seconds include a teacher trained first.</summary>
    public sealed record Outcome(string Name, FBNetArchitecture Architecture, double? Holdout, double Test, int BestEpoch, int PlannedEpochs, int? RefitEpochs, double Seconds, double TeacherSeconds);

    public static void Run(Dictionary<string, string> a)
    {
        var o = RunOne(a);
        string group = o.Name.Contains('|') ? "custom" : o.Name;
        int epochs = int.Parse(a.GetValueOrDefault("epochs", "12"), CultureInfo.InvariantCulture);
        int seed = int.Parse(a.GetValueOrDefault("seed", "1"), CultureInfo.InvariantCulture);
        ResultCsv.Append(a.GetValueOrDefault("csv"), CsvHeader, group, group == "custom" ? $"custom x{epochs} epochs" : o.Name, seed,
            o.Architecture.Flops / 1e6, o.Architecture.Parameters, o.Test, (int)o.Seconds);
    }

    public static Outcome RunOne(Dictionary<string, string> a, Action<string>? log = null)
    {
        log ??= Console.WriteLine;
        string name = a.GetValueOrDefault("arch", "Compact-M");
        int epochs = int.Parse(a.GetValueOrDefault("epochs", "12"), CultureInfo.InvariantCulture);
        int seed = int.Parse(a.GetValueOrDefault("seed", "1"), CultureInfo.InvariantCulture);
        int threads = int.Parse(a.GetValueOrDefault("threads", "0"), CultureInfo.InvariantCulture);
        var (fit, holdout, test, dataName) = LoadData(a, seed);
        var arch = ResolveArchitecture(a, ref name, fit.ClassNames.Length);
        if (arch.InputChannels != fit.Channels || arch.InputSize != fit.Height) arch = arch.WithInput(fit.Channels, fit.Height, arch.Subsample);
        var options = RecipeFlags.Options(a, epochs, seed, threads, p => log("  " + p));
        // --refit-only 1: the refit phase of --refit 1 alone, --epochs on train + holdout, for a network whose
        // holdout run is already logged with its chosen epoch count (the refit's second training does not depend
        // on the first's weights, only on that count; RecipeTests.RefitPhaseAloneReproducesTheRefitNetwork checks this).
        bool refitOnly = RecipeFlags.Switch(a, "refit-only", false);
        if (refitOnly && options.RefitOnAllData) throw new BadFlagValueException("--refit-only 1 replaces --refit 1; give one of them.");
        var clock = Stopwatch.StartNew();
        double teacherSeconds = 0;
        if (a.TryGetValue("teacher", out var teacherName))
        {
            options.Teacher = RecipeFlags.Teacher(teacherName, a, fit, holdout, test, epochs, seed, threads, log);
            teacherSeconds = clock.Elapsed.TotalSeconds;
        }
        log($"{dataName}: {name} = {arch}, {arch.Flops / 1e6:F3} MFLOPs, {arch.Parameters} parameters, {epochs} epochs, seed {seed}, " +
            (refitOnly ? $"refit only: {fit.Count + holdout.Count} train + holdout images, no holdout, {test.Count} test images; "
                : $"{fit.Count} train / {holdout.Count} holdout / {test.Count} test images; ") + RecipeFlags.Describe(options));
        try
        {
            var result = refitOnly ? NetworkTrainer.Train(arch, fit.Concat(holdout), null, options) : NetworkTrainer.Train(arch, fit, holdout, options);
            double accuracy = Evaluation.Accuracy(result.Network, test);
            // --save-onnx keeps the trained network, e.g. to reuse it as a distillation teacher (--teacher PATH).
            if (a.TryGetValue("save-onnx", out var onnxPath))
            {
                FBNetV2.MLNet.Onnx.OnnxExporter.Save(result.Network, onnxPath);
                log($"saved {onnxPath}");
            }
            result.Network.Dispose();
            log($"best epoch {result.BestEpoch} of {result.PlannedEpochs} (holdout {result.BestValidationAccuracy:P2})" +
                (result.RefitEpochs is { } r ? $", refit {r} epochs on train + holdout" : "") + $"; test accuracy {accuracy:P2}; {clock.Elapsed:hh\\:mm\\:ss}");
            return new Outcome(name, arch, result.BestValidationAccuracy, accuracy, result.BestEpoch, result.PlannedEpochs, result.RefitEpochs, clock.Elapsed.TotalSeconds, teacherSeconds);
        }
        finally { options.Teacher?.Dispose(); }
    }

    internal static FBNetArchitecture ResolveArchitecture(Dictionary<string, string> a, ref string name, int classes)
    {
        var arch = BadFlagValueException.Architecture("arch", name).WithClasses(classes);
        if (a.TryGetValue("match-mflops", out var target))
        {
            // Equal-FLOPs baselines: one width factor for the whole network, the largest that fits the target.
            var native = arch;
            if (!double.TryParse(target, NumberStyles.Float, CultureInfo.InvariantCulture, out double mflops) || !(mflops > 0))
                throw new BadFlagValueException($"--match-mflops expects a positive number of MFLOPs, got '{target}'.");
            double factor;
            try { (factor, arch) = WidthScaling.ToFlops(native, mflops * 1e6); }
            catch (ArgumentException e) { throw new BadFlagValueException($"--match-mflops {target}: {e.Message}", e); } // below the narrowest widths
            Console.WriteLine($"--match-mflops {target}: {name} ({native.Flops / 1e6:F3} MFLOPs, {native.Parameters} parameters) with every width x {factor:F4}, rounded to multiples of 8");
            name += $" x{factor:F3}";
        }
        return arch;
    }

    /// <summary>Train / holdout / test: Fashion-MNIST's 90/10 split of its training images and its test images, or the synthetic shapes; optionally subsampled per class.</summary>
    internal static (LabeledImages Fit, LabeledImages Holdout, LabeledImages Test, string Name) LoadData(Dictionary<string, string> a, int seed)
    {
        var (all, test, name) = LoadAll(a);
        var (fit, holdout) = all.Split(0.9, seed);
        if (a.TryGetValue("train-images", out var n))
        {
            int count = int.Parse(n, CultureInfo.InvariantCulture);
            fit = Subsample(fit, count, seed);
            holdout = Subsample(holdout, Math.Max(count / 9, 10 * fit.ClassNames.Length), seed);
        }
        if (a.TryGetValue("test-images", out var t)) test = Subsample(test, int.Parse(t, CultureInfo.InvariantCulture), 1);
        return (fit, holdout, test, name);
    }

    /// <summary>All training images and the test images of --dataset fashion (default), shapes or digits.</summary>
    internal static (LabeledImages Train, LabeledImages Test, string Name) LoadAll(Dictionary<string, string> a)
    {
        string dataset = a.GetValueOrDefault("dataset", "fashion");
        switch (dataset)
        {
            case "fashion":
                string dir = a.GetValueOrDefault("data", FashionMnist.DefaultDirectory);
                return (FashionMnist.Load(dir, train: true), FashionMnist.Load(dir, train: false), "Fashion-MNIST");
            case "shapes":
                // The data does not depend on the run's seed: every row sees the same images.
                return (SyntheticShapes.Generate(60000, 1001), SyntheticShapes.Generate(10000, 2002), "synthetic shapes");
            case "digits":
                // A folder of train/ and test/ class subfolders, e.g. sklearn's 8x8 digits upscaled to 32 px (1400 + 397 images).
                var (trainFolder, testFolder) = ImageFolder.ScanTrainTest(a.GetValueOrDefault("data", "/work/data/digits32"));
                var all = ImageDecoder.Load(trainFolder, 1, null, null);
                return (all, ImageDecoder.Load(testFolder, 1, all.Height, all.Width), "digits image folder");
            default: throw new BadFlagValueException($"--dataset expects fashion, shapes or digits, got '{dataset}'.");
        }
    }

    private static LabeledImages Subsample(LabeledImages data, int count, int seed) =>
        count >= data.Count ? data : data.Split((double)count / data.Count, seed).a;
}
