using System.Diagnostics;
using FBNetV2.MLNet.Data;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.LightGbm;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// ML.NET's classic route on full Fashion-MNIST: raw pixels (784 floats in [0, 1], as the repository's loader gives
/// them) and the label, trained on all 60000 training images with LightGBM (multiclass) and SDCA maximum entropy,
/// tested on the official 10000 test images. Prints test accuracy (MicroAccuracy), training wall time and the size of
/// the saved model zip for each trainer.
/// </summary>
/// <remarks>
/// Defaults are ML.NET's own: every trainer option that is not on the command line is left unset, so the trainer
/// picks it (LightGBM: 100 boosting iterations, learning rate and leaves chosen by ML.NET; SDCA: L2 penalty and number
/// of passes chosen from the data). This is the route a user who writes the one-line trainer call gets, which is the
/// comparison the benchmark is about. --threads 0 (the default) also leaves the thread count to the trainer (all
/// cores); on a shared machine give --threads 1 to keep LightGBM's OpenMP threads from spinning against other work.
/// No validation split: neither trainer is tuned here, so all 60000 images train.
/// </remarks>
internal static class ClassicBaselines
{
    private const int Pixels = 28 * 28;

    public static void Run(Dictionary<string, string> a)
    {
        string dir = a.GetValueOrDefault("data", FashionMnist.DefaultDirectory);
        int seed = int.Parse(a.GetValueOrDefault("seed", "1"));
        int threads = int.Parse(a.GetValueOrDefault("threads", "0"));
        int? lgbmIterations = a.TryGetValue("lgbm-iterations", out var it) ? int.Parse(it) : null;
        int? sdcaIterations = a.TryGetValue("sdca-iterations", out var si) ? int.Parse(si) : null;
        var trainers = a.GetValueOrDefault("trainers", "lightgbm,sdca")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => t.ToLowerInvariant()).ToArray();
        foreach (var t in trainers)
            if (t is not ("lightgbm" or "sdca"))
                throw new BadFlagValueException($"Unknown trainer '{t}' in --trainers; expected a comma-separated list of lightgbm and sdca.");

        var ml = new MLContext(seed);
        var train = FashionMnist.Load(dir, train: true);
        var test = FashionMnist.Load(dir, train: false);
        var trainView = ToDataView(ml, train);
        var testView = ToDataView(ml, test);
        Console.WriteLine($"Fashion-MNIST, ML.NET classic trainers on raw pixels ({Pixels} floats in [0, 1]): train {train.Count}, test {test.Count}, " +
            $"seed {seed}, threads {(threads > 0 ? threads.ToString() : "trainer default")}, started {DateTime.Now:yyyy-MM-dd HH:mm}, {Environment.ProcessorCount} cores");

        var rows = new List<string>();
        foreach (var name in trainers)
        {
            var trainer = name == "lightgbm" ? LightGbm(ml, threads, lgbmIterations) : Sdca(ml, threads, sdcaIterations);
            var pipeline = ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
                .AppendCacheCheckpoint(ml)
                .Append(trainer.Estimator);
            var clock = Stopwatch.StartNew();
            var model = pipeline.Fit(trainView);
            var trainTime = clock.Elapsed;
            var metrics = ml.MulticlassClassification.Evaluate(model.Transform(testView));
            string zip = Path.Combine(Path.GetTempPath(), $"fbnet-classic-{name}-{Environment.ProcessId}.zip");
            ml.Model.Save(model, trainView.Schema, zip);
            long bytes = new FileInfo(zip).Length;
            File.Delete(zip);
            // MacroAccuracy (mean per-class recall) equals MicroAccuracy here: the official test set has 1000 images per class.
            string row = $"| {trainer.Description} | {metrics.MicroAccuracy:P2} | {metrics.MacroAccuracy:P2} | {metrics.LogLoss:F4} | {trainTime:hh\\:mm\\:ss} | {bytes / 1024.0:F0} KB |";
            Console.WriteLine(row);
            rows.Add(row);
        }

        Console.WriteLine();
        Console.WriteLine("| trainer | test accuracy (micro) | macro accuracy | log-loss | training wall time | model zip |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var r in rows) Console.WriteLine(r);
        Console.WriteLine($"finished {DateTime.Now:yyyy-MM-dd HH:mm}");
    }

    private static (IEstimator<ITransformer> Estimator, string Description) LightGbm(MLContext ml, int threads, int? iterations)
    {
        var options = new LightGbmMulticlassTrainer.Options();
        if (threads > 0) options.NumberOfThreads = threads;
        if (iterations is int n) options.NumberOfIterations = n;
        return (ml.MulticlassClassification.Trainers.LightGbm(options),
            $"LightGBM ({options.NumberOfIterations} iterations{(iterations is null ? ", ML.NET default" : "")})");
    }

    private static (IEstimator<ITransformer> Estimator, string Description) Sdca(MLContext ml, int threads, int? iterations)
    {
        var options = new SdcaMaximumEntropyMulticlassTrainer.Options();
        if (threads > 0) options.NumberOfThreads = threads;
        if (iterations is int n) options.MaximumNumberOfIterations = n;
        return (ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(options),
            iterations is null ? "SDCA maximum entropy (ML.NET defaults)" : $"SDCA maximum entropy ({iterations} passes)");
    }

    /// <summary>One row per image: the 784 pixels in [0, 1] as the Features vector, the class index as Label.</summary>
    private static IDataView ToDataView(MLContext ml, LabeledImages images)
    {
        if (images.ImageSize != Pixels) throw new BadFlagValueException($"--data: expected 1 x 28 x 28 images (Fashion-MNIST IDX files), got {images.Channels} x {images.Height} x {images.Width}.");
        var rows = new PixelRow[images.Count];
        for (int i = 0; i < rows.Length; i++)
            rows[i] = new PixelRow { Features = images.Pixels.AsSpan(i * Pixels, Pixels).ToArray(), Label = (uint)images.Labels[i] };
        return ml.Data.LoadFromEnumerable(rows);
    }

    private sealed class PixelRow
    {
        [VectorType(Pixels)]
        public float[] Features { get; set; } = [];

        public uint Label { get; set; }
    }
}
