using Xunit;
using FBNetV2.MLNet.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace FBNetV2.MLNet.Tests.MLNet;

/// <summary>Every mistake is reported before training starts, naming the column or option and the fix.</summary>
public sealed class BadInputTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Fact]
    public void Missing_label_column()
    {
        var data = Data([Row("a"), Row("b")]);
        var e = Assert.Throws<ArgumentException>(() => Trainer(new TrainFBNetOptions { LabelColumnName = "Class" }).Fit(Keyed(data)));
        Assert.Contains("no column 'Class'", e.Message);
        Assert.Contains("LabelColumnName", e.Message);
    }

    [Fact]
    public void String_label_asks_for_MapValueToKey()
    {
        var data = Data([Row("a"), Row("b")]);
        var fit = Assert.Throws<ArgumentException>(() => Trainer().Fit(data));
        Assert.Contains("MapValueToKey", fit.Message);
        var shape = Assert.Throws<ArgumentException>(() => Trainer().GetOutputSchema(ShapeOf(data.Schema)));
        Assert.Contains("MapValueToKey", shape.Message);
    }

    [Fact]
    public void Numeric_label_is_rejected()
    {
        var data = _ml.Data.LoadFromEnumerable(new[] { new NumericRow { Label = 1 }, new NumericRow { Label = 2 } });
        var e = Assert.Throws<ArgumentException>(() => Trainer().Fit(data));
        Assert.Contains("Single", e.Message);
        Assert.Contains("MapValueToKey", e.Message);
    }

    [Fact]
    public void Missing_feature_column()
    {
        var e = Assert.Throws<ArgumentException>(() => Trainer(new TrainFBNetOptions { FeatureColumnName = "Pixels" }).Fit(Keyed(Data([Row("a"), Row("b")]))));
        Assert.Contains("no column 'Pixels'", e.Message);
        Assert.Contains("ExtractPixels", e.Message);
    }

    [Fact]
    public void Feature_column_that_is_not_a_known_size_float_vector()
    {
        var data = Keyed(Data([Row("a"), Row("b")]));
        var e = Assert.Throws<ArgumentException>(() => Trainer(new TrainFBNetOptions { FeatureColumnName = "Label" }).Fit(data));
        Assert.Contains("known-size vector of Single", e.Message);

        var variable = _ml.Data.LoadFromEnumerable(new[] { new VariableRow { Features = [0f], Label = "a" }, new VariableRow { Features = [1f], Label = "b" } });
        e = Assert.Throws<ArgumentException>(() => Trainer().Fit(Keyed(variable)));
        Assert.Contains("known-size vector of Single", e.Message);
    }

    [Fact]
    public void Shape_that_cannot_be_inferred_or_does_not_fit()
    {
        var flat = Keyed(_ml.Data.LoadFromEnumerable(new[] { new FlatRow { Label = "a" }, new FlatRow { Label = "b" } }));
        var e = Assert.Throws<ArgumentException>(() => Trainer().Fit(flat));
        Assert.Contains("ImageShape", e.Message);

        e = Assert.Throws<ArgumentException>(() => Trainer(new TrainFBNetOptions { ImageShape = [1, 5, 5] }).Fit(flat));
        Assert.Contains("ImageShape 1x5x5 = 25 values", e.Message);
        Assert.Contains("holds 64", e.Message);

        var interleaved = Keyed(_ml.Data.LoadFromEnumerable(new[] { new InterleavedRow { Label = "a" }, new InterleavedRow { Label = "b" } }));
        e = Assert.Throws<ArgumentException>(() => Trainer().Fit(interleaved));
        Assert.Contains("interleavePixelColors: false", e.Message);
    }

    [Fact]
    public void Images_too_small_for_the_architecture()
    {
        var tiny = Keyed(_ml.Data.LoadFromEnumerable(new[] { new TinyRow { Label = "a" }, new TinyRow { Label = "b" } }));
        var e = Assert.Throws<ArgumentException>(() => Trainer().Fit(tiny));
        Assert.Contains("Compact-S", e.Message);
        Assert.Contains("ResizeImages", e.Message);
    }

    [Fact]
    public void Single_class()
    {
        var e = Assert.Throws<ArgumentException>(() => Trainer().Fit(Keyed(Data([Row("a"), Row("a")]))));
        Assert.Contains("1 class", e.Message);

        // Two known classes, but the data only holds one of them.
        var keys = _ml.Transforms.Conversion.MapValueToKey("Label").Fit(Data([Row("a"), Row("b")]));
        e = Assert.Throws<ArgumentException>(() => Trainer().Fit(keys.Transform(Data([Row("a"), Row("a")]))));
        Assert.Contains("only class 'a'", e.Message);
    }

    [Fact]
    public void NaN_pixels()
    {
        var bad = Row("b");
        bad.Features[5] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => Trainer().Fit(Keyed(Data([Row("a"), bad]))));
        Assert.Contains("Row 1", e.Message);
        Assert.Contains("NaN", e.Message);
        Assert.Contains("'Features'", e.Message);
    }

    [Fact]
    public void Pixels_outside_the_scale()
    {
        var e = Assert.Throws<ArgumentException>(() => Trainer(new TrainFBNetOptions { PixelScale = 1f }).Fit(Keyed(Data([Row("a", 200f), Row("b")]))));
        Assert.Contains("PixelScale", e.Message);
    }

    [Fact]
    public void Architecture_json_file_that_does_not_exist()
    {
        // An unknown name ("Compact-XXL") is catalogue case 22; this is a path to a JSON file that is not there.
        string missing = Path.Combine(Path.GetTempPath(), $"fbnet-missing-{Guid.NewGuid():N}", "architecture.json");
        var e = Assert.Throws<ArgumentException>(() => Trainer(new TrainFBNetOptions { Architecture = missing }).Fit(Keyed(Data([Row("a"), Row("b")]))));
        Assert.Equal(nameof(TrainFBNetOptions.Architecture), e.ParamName);
        Assert.Contains($"Architecture: Architecture file '{missing}' does not exist", e.Message);
        Assert.Contains("Check the path", e.Message);
        Assert.Contains("Compact-S", e.Message);
    }

    [Fact]
    public void Bad_option_values()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Trainer(new TrainFBNetOptions { MaxEpochs = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Trainer(new TrainFBNetOptions { ValidationSetFraction = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Trainer(new TrainFBNetOptions { ScoreColumnName = "Features" }));
        // Refused when the trainer is made, by name, not after the data is read (the warm-up: not after the search either).
        foreach (var (options, name, words) in new (FBNetOptions, string, string)[]
        {
            (new SearchFBNetOptions { SampledCandidates = -1 }, nameof(SearchFBNetOptions.SampledCandidates), "must not be negative, got -1"),
            (new SearchFBNetOptions { ProxyCandidates = -2 }, nameof(SearchFBNetOptions.ProxyCandidates), "must not be negative"),
            (new SearchFBNetOptions { SearchMemoryLimit = 0 }, nameof(SearchFBNetOptions.SearchMemoryLimit), "must be a positive number of bytes"),
            (new SearchFBNetOptions { ArchitectureTravel = 0 }, nameof(SearchFBNetOptions.ArchitectureTravel), "must be a positive number, got 0"),
            (new SearchFBNetOptions { ArchitectureTravel = double.NaN }, nameof(SearchFBNetOptions.ArchitectureTravel), "must be a finite number"),
            (new SearchFBNetOptions { ArchitectureWeightDecay = -1e-4 }, nameof(SearchFBNetOptions.ArchitectureWeightDecay), "must not be negative"),
            (new SearchFBNetOptions { TemperatureDecay = 1.5 }, nameof(SearchFBNetOptions.TemperatureDecay), "in (0, 1] (FBNet: 0.956)"),
            (new SearchFBNetOptions { FinalTemperature = 6 }, nameof(SearchFBNetOptions.FinalTemperature), "at most InitialTemperature (5), got 6"),
            (new SearchFBNetOptions { CostBeta = 0 }, nameof(SearchFBNetOptions.CostBeta), "CostBeta must be positive, got 0"),
            (new SearchFBNetOptions { EntropyWeight = -1 }, nameof(SearchFBNetOptions.EntropyWeight), "must not be negative"),
            (new SearchFBNetOptions { ParameterWeight = -0.1 }, nameof(SearchFBNetOptions.ParameterWeight), "must not be negative"),
            (new SearchFBNetOptions { ParameterWeight = 0.3, CostTarget = FBNetV2.MLNet.Search.CostTarget.Parameters, Budget = 0.1 }, nameof(SearchFBNetOptions.ParameterWeight), "set ParameterWeight to 0 or budget FLOPs"),
            (new TrainFBNetOptions { MaxEpochs = 3, WarmupEpochs = 5 }, nameof(FBNetOptions.WarmupEpochs), "between 0 and MaxEpochs (3), got 5"),
        })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => options switch
            {
                SearchFBNetOptions so => (object)_ml.MulticlassClassification.Trainers.SearchFBNet(so),
                TrainFBNetOptions to => Trainer(to),
                _ => throw new ArgumentException(options.GetType().Name),
            });
            Assert.Equal(name, e.ParamName);
            Assert.Contains(words, e.Message);
        }
    }

    [Fact]
    public void Cpu_runtime_never_gets_a_gpu_device_id()
    {
        var messages = new List<string>();
        _ml.Log += (_, e) => { lock (messages) messages.Add(e.Message); };
        using var ch = ((Microsoft.ML.Runtime.IHostEnvironment)_ml).Start("test");
        Assert.Null(OnnxScoringDevice.Resolve(0, fallbackToCpu: true, ch));
        lock (messages) Assert.Contains(messages, m => m.Contains("CUDAExecutionProvider") && m.Contains("Scoring on the CPU"));
        var e = Assert.Throws<InvalidOperationException>(() => OnnxScoringDevice.Resolve(0, fallbackToCpu: false, ch));
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu", e.Message);
        Assert.Null(OnnxScoringDevice.Resolve(null, fallbackToCpu: false, ch));
    }

    [Fact]
    public void Cancellation_stops_fitting()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Trainer(new TrainFBNetOptions { CancellationToken = cts.Token }).Fit(Keyed(Data([Row("a"), Row("b")]))));
    }

    /// <summary>SchemaShape.Create is internal in ML.NET 5; estimator chains call it the same way.</summary>
    private static SchemaShape ShapeOf(DataViewSchema schema) =>
        (SchemaShape)typeof(SchemaShape).GetMethod("Create", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public)!
            .Invoke(null, [schema])!;

    private FBNetTrainer Trainer(TrainFBNetOptions? options = null) =>
        _ml.MulticlassClassification.Trainers.TrainFBNet(options ?? new TrainFBNetOptions());

    private IDataView Data(ImageRow[] rows) => _ml.Data.LoadFromEnumerable(rows);

    private IDataView Keyed(IDataView data) => _ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);

    private static ImageRow Row(string label, float value = 100f) =>
        new() { Label = label, Features = Enumerable.Repeat(value, 64).ToArray() };

    private sealed class ImageRow
    {
        [VectorType(1, 8, 8)] public float[] Features { get; set; } = [];
        public string Label { get; set; } = "";
    }

    private sealed class NumericRow
    {
        [VectorType(1, 8, 8)] public float[] Features { get; set; } = new float[64];
        public float Label { get; set; }
    }

    private sealed class VariableRow
    {
        public float[] Features { get; set; } = [];
        public string Label { get; set; } = "";
    }

    private sealed class FlatRow
    {
        [VectorType(64)] public float[] Features { get; set; } = new float[64];
        public string Label { get; set; } = "";
    }

    private sealed class TinyRow
    {
        [VectorType(1, 4, 4)] public float[] Features { get; set; } = new float[16];
        public string Label { get; set; } = "";
    }

    private sealed class InterleavedRow
    {
        [VectorType(8, 8, 3)] public float[] Features { get; set; } = new float[192];
        public string Label { get; set; } = "";
    }
}
