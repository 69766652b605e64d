using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Data;
using FBNetV2.MLNet.Onnx;
using FBNetV2.MLNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace FBNetV2.MLNet;

/// <summary>
/// Trains an FBNet image classifier on a keyed label and a pixel vector (LoadImages, ResizeImages, ExtractPixels,
/// MapValueToKey), then exports it to ONNX and returns an <see cref="FBNetModel"/> that scores with ML.NET's own ONNX
/// transformer. Create it with <c>mlContext.MulticlassClassification.Trainers.TrainFBNet(...)</c>.
/// </summary>
public sealed class FBNetEstimator : IEstimator<FBNetModel>
{
    private readonly IHostEnvironment _env;
    private readonly MLContext _transforms;
    private readonly TrainFBNetOptions _options;

    /// <summary>For callers holding the MLContext: scoring transformers are built with it and messages go to its Log.</summary>
    public FBNetEstimator(MLContext mlContext, TrainFBNetOptions options)
        : this(mlContext, mlContext, options)
    {
    }

    /// <summary>
    /// From a catalog, which exposes only its environment: messages still reach the user's MLContext.Log through it,
    /// while a private MLContext (same seed) builds the ML.NET transformers, which need no state of their own from it.
    /// </summary>
    internal FBNetEstimator(IHostEnvironment env, TrainFBNetOptions options)
        : this(env, env as MLContext ?? new MLContext(options.Seed), options)
    {
    }

    private FBNetEstimator(IHostEnvironment env, MLContext transforms, TrainFBNetOptions options)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(options);
        _env = env;
        _transforms = transforms;
        _options = options;
        CheckOptions(options);
    }

    /// <summary>
    /// Adds Score (a known-size Single vector, one value per class) and PredictedLabel (a key of the label's type, with
    /// its key values). SchemaShape.Column has no public constructor, so the shapes come from copying the feature and
    /// label columns, which have exactly those kinds; the class count shows only after Fit, as SchemaShape has no sizes.
    /// </summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var o = _options;
        ImageColumns.Check(inputSchema, o);
        return _transforms.Transforms.CopyColumns(o.ScoreColumnName, o.FeatureColumnName)
            .Append(_transforms.Transforms.CopyColumns(o.PredictedLabelColumnName, o.LabelColumnName))
            .GetOutputSchema(inputSchema);
    }

    public FBNetModel Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = _options;
        var columns = ImageColumns.From(input.Schema, o);
        var architecture = ResolveArchitecture(columns);

        var (pixels, labels) = ImageDataReader.Read(input, columns, o, "training");
        if (labels.Distinct().Count() < 2)
            throw new ArgumentException($"The training data holds only class '{columns.ClassNames[labels[0]]}' in label column '{o.LabelColumnName}'; a classifier needs images of at least 2 classes.", nameof(input));
        float scale = ImageDataReader.ResolveScale(pixels, o);
        var train = ImageDataReader.ToLabeledImages(pixels, labels, scale, columns, o, "training");
        LabeledImages? validation = null;
        if (o.ValidationSet is not null)
        {
            var (vPixels, vLabels) = ImageDataReader.Read(o.ValidationSet, columns, o, "validation");
            validation = ImageDataReader.ToLabeledImages(vPixels, vLabels, scale, columns, o, "validation");
        }
        else if (o.ValidationSetFraction > 0)
        {
            (validation, train) = train.Split(o.ValidationSetFraction, o.Seed);
        }

        using var channel = _env.Start("FBNet");
        channel.Info(MessageSensitivity.None,
            $"FBNet: training {architecture} ({architecture.Flops / 1e6:F1} MFLOPs) on {train.Count} images, validating on {validation?.Count ?? 0}; " +
            $"{columns.ClassNames.Length} classes, {columns.Channels}x{columns.Height}x{columns.Width}, pixel scale {scale:G4}.");
        var training = new TrainingOptions
        {
            Epochs = o.MaxEpochs,
            BatchSize = o.BatchSize,
            LearningRate = o.LearningRate,
            HorizontalFlip = o.HorizontalFlip,
            Seed = o.Seed,
            Device = o.TrainingDevice,
            Progress = new ChannelProgress(channel, o.Progress),
        };
        var result = FBNetTrainer.Train(architecture, train, validation, training, o.CancellationToken);
        using var net = result.Network;
        channel.Info(MessageSensitivity.None, $"FBNet: kept epoch {result.BestEpoch}" +
            (result.BestValidationAccuracy is { } acc ? $" (validation accuracy {acc:P2})." : " (no validation: last epoch)."));

        var export = new OnnxExportOptions { ClassNames = columns.ClassNames, PixelScale = scale, Description = $"FBNetV2.MLNet {architecture}" };
        var onnx = OnnxExporter.Export(net, export);
        var names = new ScoringColumns(o.FeatureColumnName, o.ScoreColumnName, o.PredictedLabelColumnName,
            UniqueName(input.Schema, "FBNetPredictedIndex"), UniqueName(input.Schema, "FBNetPredictedHash"));
        // The same graph with the pipeline's column names and an arg-max output, for ML.NET's OnnxTransformer.
        var pipelineOnnx = OnnxExporter.Export(net, new OnnxExportOptions
        {
            ClassNames = export.ClassNames, PixelScale = scale, Description = export.Description,
            InputName = names.Features, OutputName = names.Score, PredictedIndexName = names.Index,
        });
        int? gpu = OnnxScoringDevice.Resolve(o.GpuDeviceId, o.FallbackToCpu, channel);
        var scoring = ScoringChain.Build(_transforms, input, pipelineOnnx, names, columns.ClassNames, gpu, o.FallbackToCpu);
        return new FBNetModel(scoring, onnx, architecture, result.History, columns, o.FeatureColumnName, scale);
    }

    private FBNetArchitecture ResolveArchitecture(ImageColumns columns)
    {
        FBNetArchitecture a;
        try { a = ArchitectureJson.Resolve(_options.Architecture); }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException)
        {
            throw new ArgumentException($"Architecture: {e.Message}", nameof(TrainFBNetOptions.Architecture), e);
        }
        try
        {
            if (a.InputChannels != columns.Channels || a.InputSize != columns.Height)
                a = a.WithInput(columns.Channels, columns.Height, a.Subsample);
            return a.NumClasses == columns.ClassNames.Length ? a : a.WithClasses(columns.ClassNames.Length);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Architecture '{_options.Architecture}' does not fit {columns.Channels}x{columns.Height}x{columns.Width} images: {e.Message} " +
                "Resize to a larger size with ResizeImages or choose a shallower architecture.", nameof(TrainFBNetOptions.Architecture), e);
        }
    }

    private static string UniqueName(DataViewSchema schema, string name)
    {
        string candidate = name;
        for (int i = 1; schema.GetColumnOrNull(candidate) is not null; i++) candidate = $"{name}{i}";
        return candidate;
    }

    private static void CheckOptions(TrainFBNetOptions o)
    {
        static void Check(bool ok, string option, string message) { if (!ok) throw new ArgumentOutOfRangeException(option, message); }
        foreach (var (value, name) in new[] { (o.LabelColumnName, nameof(o.LabelColumnName)), (o.FeatureColumnName, nameof(o.FeatureColumnName)),
                     (o.ScoreColumnName, nameof(o.ScoreColumnName)), (o.PredictedLabelColumnName, nameof(o.PredictedLabelColumnName)) })
            Check(!string.IsNullOrWhiteSpace(value), name, $"{name} must name a column.");
        Check(new[] { o.FeatureColumnName, o.ScoreColumnName, o.PredictedLabelColumnName }.Distinct().Count() == 3, nameof(o.ScoreColumnName),
            "FeatureColumnName, ScoreColumnName and PredictedLabelColumnName must differ.");
        Check(o.MaxEpochs >= 1, nameof(o.MaxEpochs), $"MaxEpochs must be at least 1, got {o.MaxEpochs}.");
        Check(o.BatchSize >= 1, nameof(o.BatchSize), $"BatchSize must be at least 1, got {o.BatchSize}.");
        Check(o.LearningRate > 0 && double.IsFinite(o.LearningRate), nameof(o.LearningRate), $"LearningRate must be positive, got {o.LearningRate}.");
        Check(o.ValidationSetFraction is >= 0 and < 1, nameof(o.ValidationSetFraction), $"ValidationSetFraction must be in [0, 1), got {o.ValidationSetFraction}.");
        Check(o.GpuDeviceId is null or >= 0, nameof(o.GpuDeviceId), $"GpuDeviceId must not be negative, got {o.GpuDeviceId}.");
        Check(!string.IsNullOrWhiteSpace(o.Architecture), nameof(o.Architecture), "Architecture must be a predefined name, an architecture string or a JSON path.");
    }

    /// <summary>
    /// Reports each epoch to the caller and to MLContext.Log. Synchronous on purpose: Progress&lt;T&gt; would post to a
    /// synchronization context and could report after Fit returned.
    /// </summary>
    private sealed class ChannelProgress(IChannel channel, IProgress<TrainingProgress>? user) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            channel.Info(MessageSensitivity.None, "FBNet: " + value);
            user?.Report(value);
        }
    }
}
