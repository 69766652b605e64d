// Usage: FBNetV2.MLNet.ScoringProbe <model.zip> <image>...
// Loads the zip with mlContext.Model.Load, scores the images (ImagePath column) and prints one JSON object per image
// with PredictedLabel and Score, so a test can compare them with the scores of the training process.
using System.Text.Json;
using Microsoft.ML;

if (args.Length < 2)
{
    Console.Error.WriteLine("Usage: FBNetV2.MLNet.ScoringProbe <model.zip> <image>...");
    return 2;
}
var ml = new MLContext();
var model = ml.Model.Load(args[0], out _);
// The saved pipeline still maps Label to a key, so the column must exist; an empty label is simply unknown.
var images = ml.Data.LoadFromEnumerable(args.Skip(1).Select(path => new Input { ImagePath = Path.GetFullPath(path), Label = "" }));
var rows = ml.Data.CreateEnumerable<Output>(model.Transform(images), reuseRowObject: false)
    .Select(o => new { o.ImagePath, o.PredictedLabel, o.Score });
Console.WriteLine(JsonSerializer.Serialize(rows));
return 0;

internal sealed class Input
{
    public string ImagePath { get; set; } = "";
    public string Label { get; set; } = "";
}

internal sealed class Output
{
    public string ImagePath { get; set; } = "";
    public string PredictedLabel { get; set; } = "";
    public float[] Score { get; set; } = [];
}
