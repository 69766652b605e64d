using Xunit;
using FBNetV2.MLNet.Data;
using FBNetV2.MLNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace FBNetV2.MLNet.Tests.MLNet;

/// <summary>
/// The pipeline a user writes on the committed Fashion-MNIST sample, fitted once (Compact-S, 20 epochs of batch 64, ~30 s on two
/// cores) and shared by the tests of <see cref="FashionPipelineCollection"/>.
/// </summary>
public sealed class FashionPipelineFixture : IDisposable
{
    public const int Epochs = 20;

    public FashionPipelineFixture()
    {
        Ml = new MLContext(seed: 1);
        Ml.Log += (_, e) => { if (e.Message.Contains("FBNet", StringComparison.Ordinal)) lock (LogMessages) LogMessages.Add(e.Message); };
        var (train, test) = ImageFolder.ScanTrainTest(TestPaths.FashionMnistSample);
        TestImages = test.Items;
        Test = test.ToDataView(Ml);
        var pipeline = ImagePipeline(Ml, 28)
            .Append(Ml.Transforms.Conversion.MapValueToKey("Label"))
            .Append(Ml.MulticlassClassification.Trainers.TrainFBNet(new TrainFBNetOptions
            {
                Architecture = "Compact-S",
                MaxEpochs = Epochs,
                BatchSize = 64,
                Progress = new SynchronousProgress(Progress),
            }))
            .Append(Ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));
        Model = pipeline.Fit(train.ToDataView(Ml));
        FBNet = Model.OfType<FBNetModel>().Single();
    }

    public MLContext Ml { get; }
    public TransformerChain<Microsoft.ML.Transforms.KeyToValueMappingTransformer> Model { get; }
    public FBNetModel FBNet { get; }
    public IDataView Test { get; }
    public IReadOnlyList<(string ImagePath, string Label)> TestImages { get; }
    public List<TrainingProgress> Progress { get; } = [];
    public List<string> LogMessages { get; } = [];

    /// <summary>ImagePath → 28x28 gray → Features [1, size, size] in 0..255, as a user would write it.</summary>
    public static EstimatorChain<ImagePixelExtractingTransformer> ImagePipeline(MLContext ml, int size) =>
        ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: "ImagePath")
            .Append(ml.Transforms.ResizeImages("Image", size, size))
            .Append(ml.Transforms.ConvertToGrayscale("Image"))
            .Append(ml.Transforms.ExtractPixels("Features", "Image", colorsToExtract: ImagePixelExtractingEstimator.ColorBits.Red));

    public void Dispose() => Model.Dispose();

    private sealed class SynchronousProgress(List<TrainingProgress> sink) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => sink.Add(value);
    }
}

[CollectionDefinition(nameof(FashionPipelineCollection))]
public sealed class FashionPipelineCollection : ICollectionFixture<FashionPipelineFixture>;
