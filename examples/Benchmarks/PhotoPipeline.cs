using System.Diagnostics;
using FBNetV2.MLNet.Data;
using Microsoft.ML;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// The README pipeline as a user adapts it to photos: ResizeImages to 224x224 (ML.NET's image-classification tutorials
/// do), then SearchFBNet with its defaults and only a time budget. Fits on train/, evaluates on test/, prints the
/// searched architecture, the test accuracy, the wall time and the process's peak resident memory. With --arch NAME the
/// same pipeline trains that predefined network instead (TrainFBNet, same time budget and recipe): the baseline the
/// search must beat (issue 19).
/// </summary>
public static class PhotoPipeline
{
    public static void Run(Dictionary<string, string> o)
    {
        string data = o.GetValueOrDefault("data") ?? throw new BadFlagValueException("--data DIR (with train/ and test/) is required.");
        int size = int.Parse(o.GetValueOrDefault("size", "224"));
        var time = TimeSpan.FromMinutes(double.Parse(o.GetValueOrDefault("minutes", "15"), System.Globalization.CultureInfo.InvariantCulture));
        // --threads N: libtorch's intra-op threads for the fit (its default otherwise: one per core).
        if (o.TryGetValue("threads", out var threads)) TorchSharp.torch.set_num_threads(int.Parse(threads));
        var clock = Stopwatch.StartNew();
        var (train, test) = ImageFolder.ScanTrainTest(data);
        var ml = new MLContext(seed: 1);
        ml.Log += (_, e) => { if (e.RawMessage.StartsWith("FBNet: ", StringComparison.Ordinal)) Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {e.RawMessage}"); };
        IDataView View(ImageFolder f) => ml.Data.LoadFromEnumerable(f.Items.Select(i => new Row { ImagePath = i.ImagePath, Label = i.Label }));

        string? arch = o.GetValueOrDefault("arch");
        FBNetOptions options = arch is null
            ? new SearchFBNetOptions { LabelColumnName = "Label", FeatureColumnName = "Features", TimeBudget = time }
            : new TrainFBNetOptions { LabelColumnName = "Label", FeatureColumnName = "Features", TimeBudget = time, Architecture = arch };
        // --crop-padding P: the recipe's random-crop padding in input pixels (its default otherwise).
        if (o.TryGetValue("crop-padding", out var padding)) options.RandomCropPadding = int.Parse(padding);
        // --seed N: FBNetOptions.Seed (split, initialisation, data order, augmentation, search sampling; default 1).
        if (o.TryGetValue("seed", out var seed)) options.Seed = int.Parse(seed);
        var trainer = options is SearchFBNetOptions so
            ? ml.MulticlassClassification.Trainers.SearchFBNet(so)
            : ml.MulticlassClassification.Trainers.TrainFBNet((TrainFBNetOptions)options);
        var pipeline = ml.Transforms.LoadImages(outputColumnName: "Image", imageFolder: null, inputColumnName: "ImagePath")
            .Append(ml.Transforms.ResizeImages(outputColumnName: "Image", imageWidth: size, imageHeight: size))
            .Append(ml.Transforms.ExtractPixels(outputColumnName: "Features", inputColumnName: "Image", scaleImage: 1f / 255))
            .Append(ml.Transforms.Conversion.MapValueToKey(outputColumnName: "Label"))
            .Append(trainer)
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        var model = pipeline.Fit(View(train));
        var fitTime = clock.Elapsed;
        var fbnet = model.OfType<FBNetModel>().Single();
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(View(test)));
        Console.WriteLine($"Architecture: {fbnet.Architecture}");
        Console.WriteLine($"{fbnet.Architecture.Flops / 1e6:F3} MFLOPs, {fbnet.Architecture.Parameters} parameters; test accuracy {metrics.MicroAccuracy:P2} on {test.Items.Count} images");
        Console.WriteLine($"fit {fitTime:mm\\:ss}, total {clock.Elapsed:mm\\:ss}; peak resident memory {Process.GetCurrentProcess().PeakWorkingSet64 / 1e9:F2} GB");
    }

    private sealed class Row
    {
        public string ImagePath { get; set; } = "";
        public string Label { get; set; } = "";
    }
}
