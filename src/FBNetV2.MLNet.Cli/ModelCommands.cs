using System.CommandLine;
using System.Text;
using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Data;
using FBNetV2.MLNet.Runs;
using Microsoft.ML;
using Microsoft.ML.Data;
using SkiaSharp;

namespace FBNetV2.MLNet.Cli;

/// <summary><c>fbnet evaluate</c>, <c>predict</c>, <c>export</c> and <c>archs</c>: work on a saved model, or on none.</summary>
internal static class ModelCommands
{
    private static Option<string> ModelZipOption() =>
        CliOptions.RequiredPath("--model", "ZIP", "The model.zip an fbnet run wrote (the whole pipeline from an image path)");

    private static Option<bool> JsonOption() => CliOptions.Flag("--json", "Print the result as JSON on stdout");

    public static Command Evaluate(CliIO io)
    {
        var model = ModelZipOption();
        var data = CliOptions.RequiredPath("--data", "DIR", "Image folder with one subfolder per class (of a train/test folder, test/ is used)");
        var json = JsonOption();
        var command = new Command("evaluate", "Accuracy, per-class precision and recall, and the confusion matrix of a model.zip on an image folder.") { model, data, json };
        command.SetAction(p => FBNetCli.Guard(io, () => RunEvaluate(io, p.GetRequiredValue(model), p.GetRequiredValue(data), p.GetValue(json))));
        return command;
    }

    private static int RunEvaluate(CliIO io, string modelPath, string dataPath, bool json)
    {
        var ml = new MLContext(1);
        using var model = ModelFile.Load(ml, modelPath);
        var images = FBNetCli.EvaluationImages(dataPath, out string description);
        var unknown = images.ClassNames.Except(model.ClassNames, StringComparer.Ordinal).ToArray();
        if (unknown.Length > 0)
            throw new CliInputException($"--data '{dataPath}' has class folder(s) {string.Join(", ", unknown.Select(u => $"'{u}'"))} that the model does not know; its classes are {string.Join(", ", model.ClassNames)}.");
        io.Cancel.ThrowIfCancellationRequested();
        var scored = model.Transformer.Transform(images.ToDataView(ml));
        var m = ml.MulticlassClassification.Evaluate(scored, ModelFile.LabelColumn, ModelFile.ScoreColumn, ModelFile.PredictedLabelColumn);
        var counts = m.ConfusionMatrix.Counts;
        var names = model.ClassNames;
        var perClass = names.Select((name, i) =>
        {
            double support = counts[i].Sum(), predicted = counts.Sum(row => row[i]), correct = counts[i][i];
            return new ClassMetrics(name, predicted > 0 ? correct / predicted : null, support > 0 ? correct / support : null, (int)support);
        }).ToArray();

        if (json)
        {
            CliJson.Write(io.Out, new
            {
                model = Path.GetFullPath(modelPath),
                data = description,
                images = images.Items.Count,
                accuracy = m.MicroAccuracy,
                macroAccuracy = m.MacroAccuracy,
                logLoss = CliJson.Finite(m.LogLoss),
                perClass = perClass.Select(c => new { label = c.Label, precision = c.Precision, recall = c.Recall, support = c.Support }),
                confusionMatrix = new { labels = names, rowsAreActual = true, counts = counts.Select(r => r.Select(v => (int)v)) },
            });
            return FBNetCli.Success;
        }
        var o = io.Out;
        o.WriteLine($"Model: {Path.GetFullPath(modelPath)}");
        o.WriteLine($"Data:  {description}, {images.Items.Count} images");
        o.WriteLine($"Accuracy: {m.MicroAccuracy:P2}   macro accuracy: {m.MacroAccuracy:P2}   log-loss: {m.LogLoss:F4}");
        o.WriteLine();
        int width = Math.Max(5, names.Max(n => n.Length));
        o.WriteLine($"{"class".PadRight(width)}  precision  recall  support");
        foreach (var c in perClass)
            o.WriteLine($"{c.Label.PadRight(width)}  {Percent(c.Precision),9}  {Percent(c.Recall),6}  {c.Support,7}");
        o.WriteLine();
        o.WriteLine("Confusion matrix (rows: actual, columns: predicted):");
        int cell = Math.Max(5, counts.SelectMany(r => r).Select(v => ((int)v).ToString().Length).DefaultIfEmpty(1).Max() + 1);
        var header = new StringBuilder(new string(' ', width + 1));
        for (int j = 0; j < names.Count; j++) header.Append($"[{j}]".PadLeft(cell));
        o.WriteLine(header);
        for (int i = 0; i < names.Count; i++)
        {
            var line = new StringBuilder($"{names[i].PadRight(width)} ");
            foreach (var v in counts[i]) line.Append(((int)v).ToString().PadLeft(cell));
            o.WriteLine($"{line}   [{i}]");
        }
        return FBNetCli.Success;
    }

    private static string Percent(double? v) => v is { } x ? $"{x:P1}" : "-";

    private sealed record ClassMetrics(string Label, double? Precision, double? Recall, int Support);

    public static Command Predict(CliIO io)
    {
        var model = ModelZipOption();
        var top = CliOptions.Int("--top", "Labels to show per image", 1, 1000, "3");
        var json = JsonOption();
        var images = new Argument<string[]>("images") { Description = "Image files to classify", Arity = ArgumentArity.OneOrMore };
        var command = new Command("predict", "Top-k labels with scores for each image, from a model.zip.") { model, top, json, images };
        command.SetAction(p => FBNetCli.Guard(io, () => RunPredict(io, p.GetRequiredValue(model), p.GetRequiredValue(images), p.GetValue(top) ?? 3, p.GetValue(json))));
        return command;
    }

    private static int RunPredict(CliIO io, string modelPath, string[] images, int top, bool json)
    {
        var paths = images.Select(RequireImage).ToArray();
        var ml = new MLContext(1);
        using var model = ModelFile.Load(ml, modelPath);
        io.Cancel.ThrowIfCancellationRequested();
        // The saved pipeline maps the label before the trainer, so it needs a Label column; an empty one scores as usual.
        var rows = ml.Data.LoadFromEnumerable(paths.Select(p => new ImageRow { ImagePath = p, Label = "" }));
        var scores = model.Transformer.Transform(rows).GetColumn<float[]>(ModelFile.ScoreColumn).ToArray();
        int k = Math.Min(top, model.ClassNames.Count);
        var results = paths.Select((path, i) => new
        {
            image = path,
            predictions = scores[i].Select((score, c) => new { label = model.ClassNames[c], score })
                .OrderByDescending(s => s.score).Take(k).ToArray(),
        }).ToArray();
        if (json)
        {
            CliJson.Write(io.Out, results);
            return FBNetCli.Success;
        }
        foreach (var r in results)
        {
            io.Out.WriteLine(r.image);
            foreach (var p in r.predictions) io.Out.WriteLine($"  {p.label,-20} {p.score:F4}");
        }
        return FBNetCli.Success;
    }

    private static string RequireImage(string path)
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new CliInputException(Directory.Exists(full)
                ? $"'{path}' is a folder; predict expects image files (e.g. '{path}/*.png')."
                : $"Image '{path}' does not exist.");
        using var codec = SKCodec.Create(full);
        if (codec is null)
            throw new CliInputException($"'{path}' is not a readable image; expected {string.Join(", ", ImageFolder.ImageExtensions)}.");
        return full;
    }

    private sealed class ImageRow
    {
        public string ImagePath { get; set; } = "";
        public string Label { get; set; } = "";
    }

    public static Command Export(CliIO io)
    {
        var model = CliOptions.RequiredPath("--model", "DIR|ZIP", "A run folder (its model.onnx is copied) or a model.zip (the ONNX model inside is extracted)");
        var onnx = CliOptions.RequiredPath("--onnx", "FILE", "Where to write the ONNX model");
        var force = CliOptions.Flag("--force", "Replace an existing --onnx file");
        var json = JsonOption();
        var command = new Command("export", "Write a model's ONNX file: copied from a run folder, or extracted from a model.zip.") { model, onnx, force, json };
        command.SetAction(p => FBNetCli.Guard(io, () => RunExport(io, p.GetRequiredValue(model), p.GetRequiredValue(onnx), p.GetValue(force), p.GetValue(json))));
        return command;
    }

    private static int RunExport(CliIO io, string modelPath, string onnxPath, bool force, bool json)
    {
        string target = Path.GetFullPath(onnxPath);
        if (Directory.Exists(target))
            throw new CliInputException($"--onnx '{onnxPath}' is a folder; expected a file name such as '{Path.Combine(onnxPath, "model.onnx")}'.");
        if (File.Exists(target) && !force)
            throw new CliInputException($"--onnx '{onnxPath}' already exists. Choose another file or pass --force to replace it.");
        string source = Path.GetFullPath(modelPath);
        byte[] bytes;
        string origin;
        if (Directory.Exists(source))
        {
            string runOnnx = Path.Combine(source, RunArtifacts.ModelOnnx);
            if (!File.Exists(runOnnx))
                throw new CliInputException($"Run folder '{modelPath}' has no {RunArtifacts.ModelOnnx}; pass the folder an fbnet search/train wrote, or its model.zip.");
            bytes = File.ReadAllBytes(runOnnx);
            origin = $"{runOnnx} (batched graph: input [batch, C, H, W], output probabilities [batch, classes])";
        }
        else
        {
            bytes = ModelFile.ExtractOnnx(modelPath);
            origin = $"{source} (the single-image graph ML.NET scores with)";
        }
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        RunArtifacts.WriteAtomically(target, p => File.WriteAllBytes(p, bytes));
        if (json) CliJson.Write(io.Out, new { onnx = target, bytes = bytes.Length, source = origin });
        else io.Out.WriteLine($"Wrote {target} ({bytes.Length} bytes) from {origin}.");
        return FBNetCli.Success;
    }

    public static Command Archs(CliIO io)
    {
        var json = JsonOption();
        var command = new Command("archs", "The predefined architectures, with multiply-adds and parameters at their native input size.") { json };
        command.SetAction(p => FBNetCli.Guard(io, () =>
        {
            var rows = PredefinedArchitectures.Names.Select(name =>
            {
                var a = PredefinedArchitectures.Get(name);
                return new
                {
                    name,
                    inputChannels = a.InputChannels,
                    inputSize = a.InputSize,
                    classes = a.NumClasses,
                    mflops = a.Flops / 1e6,
                    parameters = a.Parameters,
                    publishedMFlops = PredefinedArchitectures.PublishedMFlops.TryGetValue(name, out var pub) ? pub : (double?)null,
                    architecture = a.ToString(),
                };
            }).ToArray();
            if (p.GetValue(json))
            {
                CliJson.Write(io.Out, rows);
                return FBNetCli.Success;
            }
            int width = rows.Max(r => r.name.Length);
            io.Out.WriteLine($"{"name".PadRight(width)}  input       MFLOPs   parameters  classes  published MFLOPs");
            foreach (var r in rows)
                io.Out.WriteLine($"{r.name.PadRight(width)}  {$"{r.inputChannels}x{r.inputSize}x{r.inputSize}",-9} {r.mflops,9:F2} {r.parameters,12:N0}  {r.classes,7}  {(r.publishedMFlops is { } x ? x.ToString("F1") : "-"),16}");
            io.Out.WriteLine();
            io.Out.WriteLine("Costs are for the native input and class count; train adapts input size, channels and classes to the data.");
            return FBNetCli.Success;
        }));
        return command;
    }
}

internal static class CliJson
{
    private static readonly System.Text.Json.JsonSerializerOptions Options = new() { WriteIndented = true };

    public static void Write(TextWriter writer, object value)
    {
        writer.WriteLine(System.Text.Json.JsonSerializer.Serialize(value, Options));
        writer.Flush();
    }

    public static double? Finite(double v) => double.IsFinite(v) ? v : null;
}
