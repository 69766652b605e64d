using Xunit;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace FBNetV2.MLNet.Tests.MLNet;

[Collection(nameof(FashionPipelineCollection))]
public sealed class FBNetPipelineTests(FashionPipelineFixture f, Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void Evaluates_above_72_percent_on_the_test_folder()
    {
        // The recipe (Compact-S, 20 epochs, batch 64, the sample's 900 training images) measured with `fbnet train
        // --arch Compact-S --epochs 20 --batch-size 64 --seed S` on the same folder, seeds 1-5 (2026-12-02): 79.00,
        // 77.67, 76.00, 75.33, 76.33 % on the 300 test images; mean 76.87, sd 1.46, mean - 3 sd = 72.5 %. The
        // fixture is seed 1. (The old bound, 70 %, was 8.7 points below the measured figure.)
        var scored = f.Model.Transform(f.Test);
        var metrics = f.Ml.MulticlassClassification.Evaluate(scored, "Label", "Score", "PredictedLabel");
        output.WriteLine($"MicroAccuracy {metrics.MicroAccuracy:P2}");
        Assert.True(metrics.MicroAccuracy >= 0.72, $"MicroAccuracy {metrics.MicroAccuracy:P2}");
        Assert.Equal(FashionPipelineFixture.Epochs, f.FBNet.TrainingHistory.Count);
    }

    [Fact]
    public void Output_columns_follow_the_label_key_type()
    {
        // Up to and including FBNet: the last step maps PredictedLabel back to text.
        var schema = f.Model.Take(6).Aggregate(f.Test.Schema, (s, t) => t.GetOutputSchema(s));
        var label = schema["Label"];
        var predicted = schema["PredictedLabel"];
        var score = Assert.IsType<VectorDataViewType>(schema["Score"].Type);
        Assert.Equal((NumberDataViewType.Single, 10), (score.ItemType, score.Size));
        Assert.Equal(label.Type, predicted.Type);
        VBuffer<ReadOnlyMemory<char>> labelKeys = default, predictedKeys = default;
        label.GetKeyValues(ref labelKeys);
        predicted.GetKeyValues(ref predictedKeys);
        Assert.Equal(labelKeys.DenseValues().Select(k => k.ToString()), predictedKeys.DenseValues().Select(k => k.ToString()));
        Assert.Equal(f.FBNet.ClassNames, labelKeys.DenseValues().Select(k => k.ToString()));
        Assert.Null(schema.GetColumnOrNull("FBNetPredictedIndex"));
        Assert.Null(schema.GetColumnOrNull("FBNetPredictedHash"));
        Assert.Equal(1f / 255f, f.FBNet.PixelScale);
    }

    [Fact]
    public void Predicted_label_is_the_class_of_the_highest_score()
    {
        var scored = Scores(f.Ml, f.Model.Transform(f.Test));
        Assert.Equal(f.TestImages.Count, scored.Count);
        foreach (var p in scored)
            Assert.Equal(f.FBNet.ClassNames[Array.IndexOf(p.Score, p.Score.Max())], p.PredictedLabel);
        double accuracy = scored.Where((p, i) => p.PredictedLabel == f.TestImages[i].Label).Count() / (double)scored.Count;
        // The same model and test images as Evaluates_above_72_percent_on_the_test_folder: the same measured bound.
        Assert.True(accuracy >= 0.72, $"accuracy of PredictedLabel {accuracy:P2}");
    }

    [Fact]
    public void Reports_every_epoch_to_progress_and_the_log()
    {
        Assert.Equal(Enumerable.Range(1, FashionPipelineFixture.Epochs), f.Progress.Select(p => p.Epoch));
        lock (f.LogMessages)
            Assert.Equal(FashionPipelineFixture.Epochs, f.LogMessages.Count(m => m.Contains("FBNet: epoch", StringComparison.Ordinal)));
    }

    [Fact]
    public void Saved_zip_loads_and_scores_identically()
    {
        using var dir = new TempDirectory();
        string zip = Path.Combine(dir.Path, "model.zip");
        f.Ml.Model.Save(f.Model, f.Test.Schema, zip);
        var loaded = f.Ml.Model.Load(zip, out var inputSchema);
        try
        {
            Assert.NotNull(inputSchema.GetColumnOrNull("ImagePath"));
            Assert.DoesNotContain(Flatten(loaded), t => t is FBNetModel);
            var expected = Scores(f.Ml, f.Model.Transform(f.Test));
            var actual = Scores(f.Ml, loaded.Transform(f.Test));
            Assert.Equal(expected.Count, actual.Count);
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected[i].PredictedLabel, actual[i].PredictedLabel);
                Assert.Equal(expected[i].Score, actual[i].Score);
            }
        }
        finally { (loaded as IDisposable)?.Dispose(); }
    }

    [Fact]
    public void Onnx_model_is_batched_and_carries_the_pixel_scale()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "model.onnx");
        f.FBNet.SaveOnnx(path);
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(path);
        Assert.Equal([-1, 1, 28, 28], session.InputMetadata["input"].Dimensions);
        Assert.Equal(((float)(1 / 255.0)).ToString("R", System.Globalization.CultureInfo.InvariantCulture), session.ModelMetadata.CustomMetadataMap["fbnet.pixel_scale"]);
        Assert.Equal(f.FBNet.Architecture.ToString(), session.ModelMetadata.CustomMetadataMap["fbnet.architecture"]);
    }

    [Fact]
    public void Prediction_engine_matches_batch_scoring()
    {
        // ML.NET's engines own (and dispose) their transformer by default, which would close the shared model's session.
        using var engine = f.Ml.Model.CreatePredictionEngine<ImageInput, ImagePrediction>(f.Model, new PredictionEngineOptions { OwnsTransformer = false });
        var batch = Scores(f.Ml, f.Model.Transform(f.Test));
        for (int i = 0; i < 5; i++)
        {
            var single = engine.Predict(new ImageInput { ImagePath = f.TestImages[i].ImagePath, Label = f.TestImages[i].Label });
            Assert.Equal(batch[i].PredictedLabel, single.PredictedLabel);
            Assert.Equal(batch[i].Score, single.Score);
        }
    }

    internal static List<ImagePrediction> Scores(MLContext ml, IDataView scored) =>
        ml.Data.CreateEnumerable<ImagePrediction>(scored, reuseRowObject: false).ToList();

    private static IEnumerable<ITransformer> Flatten(ITransformer t) =>
        t is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten).Prepend(t) : [t];

    public sealed class ImageInput
    {
        public string ImagePath { get; set; } = "";
        public string Label { get; set; } = "";
    }

    public sealed class ImagePrediction
    {
        public string ImagePath { get; set; } = "";
        public string PredictedLabel { get; set; } = "";
        public float[] Score { get; set; } = [];
    }
}
