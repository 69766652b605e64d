using FBNetV2.MLNet;
using Microsoft.ML;
using Microsoft.ML.Data;

// The pipeline to copy into your own app, written out step by step (FBNetRun and `fbnet search` wrap the same steps):
// image folder -> IDataView (ImagePath, Label) -> LoadImages -> ResizeImages -> ExtractPixels -> MapValueToKey
// -> SearchFBNet -> MapKeyToValue; save to a zip; load it and predict one image with a PredictionEngine.
//
// usage: dotnet run --project examples/ImageFolder -- [image folder with one subfolder per class] [model.zip] [images per class]
// With no arguments it searches on 40 images per class of the committed Fashion-MNIST sample, a few minutes on 2 cores
// (the supernet search is the slow part: every candidate block runs on every image).
string folder = args.Length > 0 ? args[0]
    : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../FashionMnist/data/sample/train"));
string modelPath = args.Length > 1 ? args[1] : "imagefolder-model.zip";
int perClass = args.Length > 2 ? int.Parse(args[2]) : args.Length > 0 ? int.MaxValue : 40;
if (!Directory.Exists(folder))
{
    Console.Error.WriteLine($"error: image folder '{folder}' does not exist; pass a folder with one subfolder of images per class.");
    return 1;
}

// 1. Rows of (ImagePath, Label): one subfolder per class, the folder name is the label.
string[] extensions = [".png", ".jpg", ".jpeg", ".bmp"];
var rows = Directory.GetDirectories(folder).Order(StringComparer.Ordinal)
    .SelectMany(dir => Directory.GetFiles(dir)
        .Where(f => extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
        .Order(StringComparer.Ordinal)
        .Take(perClass)
        .Select(f => new ImageData { ImagePath = f, Label = Path.GetFileName(dir) }))
    .ToList();
if (rows.Select(r => r.Label).Distinct().Count() < 2)
{
    Console.Error.WriteLine($"error: '{folder}' needs at least two class subfolders with images.");
    return 1;
}
Console.WriteLine($"{rows.Count} images of {rows.Select(r => r.Label).Distinct().Count()} classes in {folder}");

var ml = new MLContext(seed: 1);
IDataView data = ml.Data.LoadFromEnumerable(rows);

// 2. The pipeline. SearchFBNet searches an architecture under the budget (DMaskingNAS), then trains it from scratch.
//    Small settings so the example finishes quickly; for real data use the defaults (10 search, 30 training epochs).
// <readme> (README.md shows this block verbatim; a test keeps the two equal)
var search = new SearchFBNetOptions
{
    LabelColumnName = "Label",
    FeatureColumnName = "Features",
    Budget = 2,                 // at most 2 M multiply-adds per image
    SearchSpace = SearchSpacePreset.Compact,    // 28-64 px inputs
    SearchEpochs = 2,
    SearchWarmupEpochs = 1,
    MaxEpochs = 8,
    BatchSize = 32,
    SearchBatchSize = 32,
    SearchProgress = new Printer<FBNetV2.MLNet.Search.SearchProgress>(),
    Progress = new Printer<FBNetV2.MLNet.Training.TrainingProgress>(),
};
var pipeline = ml.Transforms.LoadImages(outputColumnName: "Image", imageFolder: null, inputColumnName: "ImagePath")
    .Append(ml.Transforms.ResizeImages(outputColumnName: "Image", imageWidth: 28, imageHeight: 28))
    .Append(ml.Transforms.ExtractPixels(outputColumnName: "Features", inputColumnName: "Image", scaleImage: 1f / 255))
    .Append(ml.Transforms.Conversion.MapValueToKey(outputColumnName: "Label"))
    .Append(ml.MulticlassClassification.Trainers.SearchFBNet(search))
    .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
// </readme>

var model = pipeline.Fit(data);
var fbnet = model.OfType<FBNetModel>().Single();
Console.WriteLine($"Searched architecture: {fbnet.Architecture}");
Console.WriteLine($"{fbnet.Architecture.Flops / 1e6:F3} MFLOPs, {fbnet.Architecture.Parameters} parameters");

// 3. Save the whole pipeline (scoring runs through ONNX Runtime; no TorchSharp needed to load it).
ml.Model.Save(model, data.Schema, modelPath);
Console.WriteLine($"Saved {Path.GetFullPath(modelPath)}");

// 4. Load it and predict one image.
var loaded = ml.Model.Load(modelPath, out var inputSchema);
using var engine = ml.Model.CreatePredictionEngine<ImageData, ImagePrediction>(loaded, inputSchema);
var image = rows[rows.Count / 2];
var prediction = engine.Predict(new ImageData { ImagePath = image.ImagePath, Label = "" });

// Score[i] belongs to the i-th key value of the Label column (the classes in MapValueToKey's order).
VBuffer<ReadOnlyMemory<char>> keys = default;
loaded.GetOutputSchema(inputSchema)["Label"].GetKeyValues(ref keys);
var classes = keys.DenseValues().Select(k => k.ToString()).ToArray();
int best = Array.IndexOf(prediction.Score, prediction.Score.Max());
Console.WriteLine($"{image.ImagePath} (labelled {image.Label}): predicted {prediction.PredictedLabel}, score {prediction.Score[best]:F3} ({classes[best]})");
return 0;

public sealed class ImageData
{
    public string ImagePath { get; set; } = "";
    public string Label { get; set; } = "";
}

public sealed class ImagePrediction
{
    public string PredictedLabel { get; set; } = "";
    public float[] Score { get; set; } = [];
}

internal sealed class Printer<T> : IProgress<T>
{
    public void Report(T value) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {value}");
}
