using System.Diagnostics;
using System.Text.Json;
using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Reports;
using FBNetV2.MLNet.Search;
using FBNetV2.MLNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace FBNetV2.MLNet.Runs;

/// <summary>
/// An end-to-end run as a user meets it: the ML.NET pipeline (LoadImages -> ResizeImages -> ExtractPixels ->
/// MapValueToKey -> SearchFBNet or TrainFBNet -> MapKeyToValue) fitted on the training images, evaluated on the test
/// images, baselines trained with the same recipe, and the files: model.zip (the whole pipeline from an ImagePath
/// column), model.onnx, architecture.json, metrics.json and an offline HTML report.
/// </summary>
public static class FBNetRun
{
    /// <summary>The run's own numbers (the rest are checked by the estimators): before anything is read or written.</summary>
    private static void CheckOptions(RunOptions o)
    {
        OptionCheck.Finite(o.TestFraction, nameof(o.TestFraction), "strictly between 0 and 1", 0.2);
        if (o.TestFraction is <= 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(o.TestFraction), $"TestFraction must be strictly between 0 and 1, got {OptionCheck.Show(o.TestFraction)}; 0.2 (the default) holds out a fifth of each class.");
        foreach (var (value, name) in new[] { (o.BudgetMFlops, nameof(o.BudgetMFlops)), (o.BudgetMilliseconds, nameof(o.BudgetMilliseconds)) })
        {
            OptionCheck.Finite(value, name, "greater than 0", "a positive number, or null (the default) for the geometric mean of the space's cheapest and largest architectures");
            if (value <= 0)
                throw new ArgumentOutOfRangeException(name, $"{name} must be greater than 0, got {OptionCheck.Show(value.Value)}; leave it null for the space's default budget.");
        }
    }

    /// <summary>
    /// Runs it: loads the data, searches (or takes <see cref="RunOptions.Architecture"/>) and trains, evaluates on the test
    /// images, trains the <see cref="RunOptions.Baselines"/>, and writes the files and the report into
    /// <see cref="RunOptions.OutputDirectory"/>. Progress goes to <see cref="RunOptions.Log"/>.
    /// </summary>
    /// <param name="o">What to run and where to write.</param>
    /// <param name="cancellationToken">Stops the search and training between steps (an <see cref="OperationCanceledException"/>).</param>
    /// <exception cref="IOException">The output folder already holds results (and <see cref="RunOptions.Force"/> is not set) or is not writable.</exception>
    /// <exception cref="Data.DataFormatException">The data folder or an image in it cannot be read.</exception>
    public static RunResult Run(RunOptions o, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        CheckOptions(o);
        string outDir = Path.GetFullPath(o.OutputDirectory);
        RunArtifacts.Prepare(outDir, o.Force);
        var data = RunData.Load(o);
        o.Log?.Report(data.Description);
        var ml = new MLContext(o.Seed);
        var train = data.TrainView(ml);
        var test = data.TestView(ml);

        // Without a budget the trainer chooses the default (from the space, or under a time budget from what the final
        // training can afford) and says so in the log; the report takes the value from the search's result.
        double? budgetValue = o.BudgetMilliseconds ?? o.BudgetMFlops;
        // The fit gets the time budget less what loading took and a reserve for evaluation and the files, so that the
        // whole run ends within it; with baselines, only its share of that (FitShare).
        TimeSpan? fitBudget = o.TimeBudget is { } total
            ? FitShare(TimeLeft(total, clock.Elapsed), searched: o.Architecture is null, o.Baselines.Count) : null;

        var (model, fbnet) = Fit(ml, data, train, o, o.Architecture, o.FinalEpochs, budgetValue, fitBudget, cancellationToken);
        var fitTime = clock.Elapsed;
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
        o.Log?.Report($"Test accuracy {metrics.MicroAccuracy:P2} (macro {metrics.MacroAccuracy:P2}) on {data.Test.Count} images; " +
            $"{fbnet.Architecture.Flops / 1e6:F3} MFLOPs, {fbnet.Architecture.Parameters} parameters.");

        var points = new List<ModelPoint> { new(o.Architecture is null ? "searched" : "trained", fbnet.Architecture.Flops / 1e6, metrics.MicroAccuracy, true) };
        for (int i = 0; i < o.Baselines.Count; i++)
        {
            string name = o.Baselines[i];
            cancellationToken.ThrowIfCancellationRequested();
            o.Log?.Report($"Baseline {name}: training with the same recipe...");
            // An equal share of what is left: the time budget bounds the whole run, baselines included.
            TimeSpan? baselineBudget = o.TimeBudget is { } t ? Max(TimeLeft(t, clock.Elapsed) / (o.Baselines.Count - i), MinFitTime) : null;
            var (baseline, baseNet) = Fit(ml, data, train, o, name, o.FinalEpochs, null, baselineBudget, cancellationToken, quiet: true);
            double accuracy = ml.MulticlassClassification.Evaluate(baseline.Transform(test)).MicroAccuracy;
            points.Add(new ModelPoint(name, baseNet.Architecture.Flops / 1e6, accuracy, false));
            o.Log?.Report($"Baseline {name}: {accuracy:P2} at {baseNet.Architecture.Flops / 1e6:F3} MFLOPs.");
            baseNet.Dispose();
        }

        RunArtifacts.WriteAtomically(Path.Combine(outDir, RunArtifacts.ModelZip), p => ml.Model.Save(model, train.Schema, p));
        RunArtifacts.WriteAtomically(Path.Combine(outDir, RunArtifacts.ModelOnnx), fbnet.SaveOnnx);
        RunArtifacts.WriteAtomically(Path.Combine(outDir, RunArtifacts.ArchitectureJson), p => File.WriteAllText(p, ArchitectureJson.Serialize(fbnet.Architecture)));
        var searchTime = fbnet.Search?.History.LastOrDefault()?.Elapsed;
        var timings = new List<KeyValuePair<string, TimeSpan>>();
        if (searchTime is { } st) timings.Add(new("search", st));
        timings.Add(new(o.Architecture is null ? "search and final training" : "training", fitTime));
        timings.Add(new("total", clock.Elapsed));
        RunArtifacts.WriteAtomically(Path.Combine(outDir, RunArtifacts.MetricsJson), p => File.WriteAllText(p, MetricsJson(fbnet, metrics, data, points, timings, o)));

        string budget = o.BudgetMilliseconds is { } ms ? $"{ms} ms ONNX Runtime latency ({o.LatencyThreads} thread(s))"
            : o.BudgetMFlops is { } given ? $"{given:G4} M {CostModel.UnitOf(o.CostTarget).Quantity}"
            : $"{CostModel.UnitOf(o.CostTarget).Format(fbnet.Search?.Budget ?? double.NaN)} (default, chosen by the search: see the log)";
        var report = new RunReport(o.Architecture is null ? "FBNetV2 search" : "FBNet training", fbnet.Architecture)
        {
            DataDescription = data.Description,
            TestAccuracy = metrics.MicroAccuracy,
            Search = fbnet.Search,
            Training = fbnet.TrainingHistory,
            Comparison = points,
            Budget = o.Architecture is null ? budget : null,
            Timings = timings,
            Facts = [new("seed", o.Seed.ToString()), new("output", outDir)],
            Recipe = fbnet.Recipe,
        };
        string reportPath = ReportWriter.Write(report, Path.Combine(outDir, RunArtifacts.ReportFolder));
        var result = new RunResult(fbnet.Architecture, metrics.MicroAccuracy, metrics.MacroAccuracy, points, outDir, reportPath, clock.Elapsed);
        fbnet.Dispose();
        return result;
    }

    private static (ITransformer Model, FBNetModel FBNet) Fit(MLContext ml, RunData data, IDataView train, RunOptions o, string? architecture,
        int? epochs, double? budget, TimeSpan? timeBudget, CancellationToken cancellationToken, bool quiet = false)
    {
        var log = quiet ? null : o.Log;
        FBNetOptions options = architecture is null
            ? new SearchFBNetOptions
            {
                Budget = budget, CostTarget = o.BudgetMilliseconds is null ? o.CostTarget : CostTarget.Latency,
                LatencyTablePath = o.LatencyTablePath, LatencyThreads = o.LatencyThreads, SearchSpace = o.SearchSpace, SearchEpochs = o.SearchEpochs,
                SearchWarmupEpochs = Math.Min(2, o.SearchEpochs - 1),
                SearchBatchSize = o.SearchBatchSize,
            }
            : new TrainFBNetOptions { Architecture = architecture };
        options.MaxEpochs = epochs;
        options.BatchSize = o.BatchSize;
        options.Seed = o.Seed;
        options.TimeBudget = timeBudget;
        options.HorizontalFlip = o.HorizontalFlip;
        options.CancellationToken = cancellationToken;
        o.Recipe.ApplyTo(options);
        if (options is SearchFBNetOptions search) o.Search.ApplyTo(search);
        var trainer = architecture is null
            ? ml.MulticlassClassification.Trainers.SearchFBNet((SearchFBNetOptions)options)
            : ml.MulticlassClassification.Trainers.TrainFBNet((TrainFBNetOptions)options);
        var pipeline = ImagePipeline.Pixels(ml, data.Channels, data.Size)
            .Append(ml.Transforms.Conversion.MapValueToKey(ImagePipeline.LabelColumn, keyData: ml.Data.LoadFromEnumerable(data.ClassNames.Select(c => new KeyRow { Label = c }))))
            .Append(trainer)
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        // The trainer writes its progress and its decisions (budget, batch, epochs, with the figures behind them) to
        // MLContext.Log as "FBNet: ..." lines; the run passes those on.
        void Forward(object? sender, LoggingEventArgs e)
        {
            if (log is not null && e.Kind is ChannelMessageKind.Info or ChannelMessageKind.Warning && e.RawMessage.StartsWith("FBNet: ", StringComparison.Ordinal))
                log.Report(e.RawMessage["FBNet: ".Length..]);
        }
        ml.Log += Forward;
        try
        {
            var model = pipeline.Fit(train);
            var fbnet = model.OfType<FBNetModel>().Single();
            return (model, fbnet);
        }
        finally { ml.Log -= Forward; }
    }

    private static string MetricsJson(FBNetModel fbnet, MulticlassClassificationMetrics m, RunData data, IReadOnlyList<ModelPoint> points,
        IReadOnlyList<KeyValuePair<string, TimeSpan>> timings, RunOptions o)
    {
        var perClass = data.ClassNames.Select((c, i) => new { label = c, logLoss = m.PerClassLogLoss[i] }).ToArray();
        return JsonSerializer.Serialize(new
        {
            architecture = fbnet.Architecture.ToString(),
            mflops = fbnet.Architecture.Flops / 1e6,
            parameters = fbnet.Architecture.Parameters,
            testImages = data.Test.Count,
            trainImages = data.Train.Count,
            microAccuracy = m.MicroAccuracy,
            macroAccuracy = m.MacroAccuracy,
            logLoss = m.LogLoss,
            perClass,
            confusionMatrix = new { labels = data.ClassNames, counts = m.ConfusionMatrix.Counts },
            comparison = points,
            // In ranking order: by the proxy training's accuracy where a candidate had one (it outranks the inherited one).
            candidates = fbnet.Search?.Candidates.Select(c => new { c.Origin, architecture = c.Architecture.ToString(), c.Cost, c.InheritedAccuracy, c.ProxyAccuracy, c.ProxySteps }),
            timingsSeconds = timings.ToDictionary(t => t.Key, t => t.Value.TotalSeconds),
            recipe = fbnet.Recipe?.Fields().ToDictionary(f => f.Key, f => f.Value),
            searchRecipe = fbnet.Search?.Recipe?.Fields().ToDictionary(f => f.Key, f => f.Value),
            seed = o.Seed,
        }, new JsonSerializerOptions { WriteIndented = true });
    }

    private sealed class KeyRow { public string Label { get; set; } = ""; }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static readonly TimeSpan MinFitTime = TimeSpan.FromSeconds(10);

    /// <summary>What is left of the run's time budget after <paramref name="elapsed"/>, less a reserve for evaluation and the files.</summary>
    private static TimeSpan TimeLeft(TimeSpan total, TimeSpan elapsed) => total - elapsed - Max(TimeSpan.FromSeconds(20), total * 0.05);

    /// <summary>
    /// The main fit's share of the time <paramref name="left"/> when <paramref name="baselines"/> networks are trained
    /// after it: each baseline should get as long as the run's own final training, which is half of a search's fit
    /// (the search gets the other half) and all of a training's, so the fit takes 2 / (2 + k) of the time, or 1 / (1 + k).
    /// (The baselines gave each the whole budget again, so a 30-minute run with two baselines took about 90.)
    /// </summary>
    internal static TimeSpan FitShare(TimeSpan left, bool searched, int baselines)
    {
        double parts = searched ? 2 : 1;
        return Max(left * (parts / (parts + baselines)), MinFitTime);
    }
}
