using System.Diagnostics;
using System.Text.Json;
using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Reports;
using FBNetV2.MLNet.Search;
using FBNetV2.MLNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace FBNetV2.MLNet.Runs;

/// <summary>
/// An end-to-end run as a user meets it: the ML.NET pipeline (LoadImages -> ResizeImages -> ExtractPixels ->
/// MapValueToKey -> SearchFBNet or TrainFBNet -> MapKeyToValue) fitted on the training images, evaluated on the test
/// images, baselines trained with the same recipe, and the files: model.zip (the whole pipeline from an ImagePath
/// column), model.onnx, architecture.json, metrics.json and an offline HTML report.
/// </summary>
public static class FBNetRun
{
    public static RunResult Run(RunOptions o, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        string outDir = Path.GetFullPath(o.OutputDirectory);
        RunArtifacts.Prepare(outDir, o.Force);
        var data = RunData.Load(o);
        o.Log?.Report(data.Description);
        var ml = new MLContext(o.Seed);
        var train = data.TrainView(ml);
        var test = data.TestView(ml);

        var (model, fbnet) = Fit(ml, data, train, o, o.Architecture, o.FinalEpochs, cancellationToken);
        var fitTime = clock.Elapsed;
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
        o.Log?.Report($"Test accuracy {metrics.MicroAccuracy:P2} (macro {metrics.MacroAccuracy:P2}) on {data.Test.Count} images; " +
            $"{fbnet.Architecture.Flops / 1e6:F3} MFLOPs, {fbnet.Architecture.Parameters} parameters.");

        var points = new List<ModelPoint> { new(o.Architecture is null ? "searched" : "trained", fbnet.Architecture.Flops / 1e6, metrics.MicroAccuracy, true) };
        foreach (var name in o.Baselines)
        {
            cancellationToken.ThrowIfCancellationRequested();
            o.Log?.Report($"Baseline {name}: training with the same recipe...");
            var (baseline, baseNet) = Fit(ml, data, train, o, name, o.FinalEpochs, cancellationToken, quiet: true);
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
            : $"{o.BudgetMFlops} M {CostModel.UnitOf(o.CostTarget).Quantity}";
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
        };
        string reportPath = ReportWriter.Write(report, Path.Combine(outDir, RunArtifacts.ReportFolder));
        var result = new RunResult(fbnet.Architecture, metrics.MicroAccuracy, metrics.MacroAccuracy, points, outDir, reportPath, clock.Elapsed);
        fbnet.Dispose();
        return result;
    }

    private static (ITransformer Model, FBNetModel FBNet) Fit(MLContext ml, RunData data, IDataView train, RunOptions o, string? architecture,
        int epochs, CancellationToken cancellationToken, bool quiet = false)
    {
        var log = quiet ? null : o.Log;
        FBNetOptions options = architecture is null
            ? new SearchFBNetOptions
            {
                Budget = o.BudgetMilliseconds ?? o.BudgetMFlops, CostTarget = o.BudgetMilliseconds is null ? o.CostTarget : CostTarget.Latency,
                LatencyTablePath = o.LatencyTablePath, LatencyThreads = o.LatencyThreads, SearchSpace = o.SearchSpace, SearchEpochs = o.SearchEpochs,
                SearchWarmupEpochs = Math.Min(2, o.SearchEpochs - 1), SearchProgress = log is null ? null : new Relay<SearchProgress>(p => log.Report(p.ToString())),
            }
            : new TrainFBNetOptions { Architecture = architecture };
        options.MaxEpochs = epochs;
        options.BatchSize = o.BatchSize;
        options.Seed = o.Seed;
        options.TimeBudget = o.TimeBudget;
        options.HorizontalFlip = o.HorizontalFlip;
        options.CancellationToken = cancellationToken;
        options.Progress = log is null ? null : new Relay<TrainingProgress>(p => log.Report(p.ToString()));
        var trainer = architecture is null
            ? ml.MulticlassClassification.Trainers.SearchFBNet((SearchFBNetOptions)options)
            : ml.MulticlassClassification.Trainers.TrainFBNet((TrainFBNetOptions)options);
        var pipeline = ImagePipeline.Pixels(ml, data.Channels, data.Size)
            .Append(ml.Transforms.Conversion.MapValueToKey(ImagePipeline.LabelColumn, keyData: ml.Data.LoadFromEnumerable(data.ClassNames.Select(c => new KeyRow { Label = c }))))
            .Append(trainer)
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var model = pipeline.Fit(train);
        var fbnet = model.OfType<FBNetModel>().Single();
        return (model, fbnet);
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
            candidates = fbnet.Search?.Candidates.Select(c => new { c.Origin, architecture = c.Architecture.ToString(), c.Cost, c.InheritedAccuracy }),
            timingsSeconds = timings.ToDictionary(t => t.Key, t => t.Value.TotalSeconds),
            seed = o.Seed,
        }, new JsonSerializerOptions { WriteIndented = true });
    }

    private sealed class KeyRow { public string Label { get; set; } = ""; }

    /// <summary>Reports on the calling thread, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class Relay<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
