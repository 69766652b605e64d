using FBNetV2.MLNet;
using FBNetV2.MLNet.Data;
using Microsoft.ML;
using Microsoft.ML.Transforms.Image;

/// <summary>
/// Compact-S trained through <c>TrainFBNet</c> on the committed Fashion-MNIST sample, and the sample's test images as
/// the pipeline's pixel step produces them (extracted once, so the benchmarks time the network and its host only).
/// </summary>
internal sealed record SampleModel(FBNetModel Model, FeatureRow[] Test, ImageFolder TestFolder)
{
    public static SampleModel Train(MLContext ml, int epochs)
    {
        var (train, test) = ImageFolder.ScanTrainTest(Path.Combine(Root(), "examples", "FashionMnist", "data", "sample"));
        var prepared = ml.Transforms.LoadImages("Image", null, "ImagePath")
            .Append(ml.Transforms.ResizeImages("Image", 28, 28))
            .Append(ml.Transforms.ConvertToGrayscale("Image"))
            .Append(ml.Transforms.ExtractPixels("Features", "Image", colorsToExtract: ImagePixelExtractingEstimator.ColorBits.Red))
            .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
            .Fit(train.ToDataView(ml));
        var model = ml.MulticlassClassification.Trainers.TrainFBNet(new TrainFBNetOptions { MaxEpochs = epochs })
            .Fit(ml.Data.Cache(prepared.Transform(train.ToDataView(ml))));
        var features = ml.Data.CreateEnumerable<FeatureRow>(prepared.Transform(test.ToDataView(ml)), reuseRowObject: false).ToArray();
        return new SampleModel(model, features, test);
    }

    /// <summary>The checkout this program was built in: the committed sample lives there.</summary>
    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FBNetV2.MLNet.sln"))) return dir.FullName;
        throw new InvalidOperationException("Run from inside the repository: the benchmark reads examples/FashionMnist/data/sample.");
    }
}
