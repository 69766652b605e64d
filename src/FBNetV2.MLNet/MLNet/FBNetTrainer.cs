using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Data;
using FBNetV2.MLNet.Onnx;
using FBNetV2.MLNet.Search;
using FBNetV2.MLNet.Latency;
using FBNetV2.MLNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace FBNetV2.MLNet;

/// <summary>
/// Trains an FBNet image classifier on a keyed label and a pixel vector (LoadImages, ResizeImages, ExtractPixels,
/// MapValueToKey), then exports it to ONNX and returns an <see cref="FBNetModel"/> that scores with ML.NET's own ONNX
/// transformer. Create it with <c>mlContext.MulticlassClassification.Trainers.TrainFBNet(...)</c> (a given
/// architecture, <see cref="TrainFBNetOptions"/>) or <c>SearchFBNet(...)</c> (searched first, <see cref="SearchFBNetOptions"/>).
/// </summary>
public sealed class FBNetTrainer : IEstimator<FBNetModel>
{
    private readonly IHostEnvironment _env;
    private readonly MLContext _transforms;
    private readonly FBNetOptions _options;

    /// <summary>For callers holding the MLContext: scoring transformers are built with it and messages go to its Log.</summary>
    public FBNetTrainer(MLContext mlContext, FBNetOptions options)
        : this(mlContext, mlContext, options)
    {
    }

    /// <summary>
    /// From a catalog, which exposes only its environment: messages still reach the user's MLContext.Log through it,
    /// while a private MLContext (same seed) builds the ML.NET transformers, which need no state of their own from it.
    /// </summary>
    internal FBNetTrainer(IHostEnvironment env, FBNetOptions options)
        : this(env, env as MLContext ?? new MLContext(options.Seed), options)
    {
    }

    private FBNetTrainer(IHostEnvironment env, MLContext transforms, FBNetOptions options)
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

    /// <summary>
    /// Reads the images, searches an architecture (SearchFBNet) or resolves the given one (TrainFBNet), trains it from
    /// scratch, exports it to ONNX and returns the scoring model. Progress goes to MLContext.Log and the options'
    /// progress callbacks; <see cref="FBNetOptions.CancellationToken"/> stops it with an <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <param name="input">Rows with the label (a key, MapValueToKey) and feature (ExtractPixels) columns the options name.</param>
    /// <exception cref="ArgumentException">A column is missing or of the wrong type, or an option does not fit the data; the message says which and how to fix it.</exception>
    public FBNetModel Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = _options;
        var columns = ImageColumns.From(input.Schema, o);
        var started = DateTime.UtcNow;
        DateTime? deadline = o.TimeBudget is { } budget ? started + budget : null;
        // A given architecture is checked before the data is read; a searched one comes from the data.
        FBNetArchitecture? architecture = o is TrainFBNetOptions t ? ResolveArchitecture(t.Architecture, columns) : null;

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
            // Both parts are views of the array read from the IDataView (splits copy nothing).
            (validation, train) = train.Split(o.ValidationSetFraction, o.Seed);
        }

        using var channel = _env.Start("FBNet");
        if (MklReproducibility.AlignmentDependent()) channel.Warning(MessageSensitivity.None, "FBNet: " + MklReproducibility.Warning);
        SearchResult? search = null;
        if (o is SearchFBNetOptions so)
            (architecture, search) = RunSearch(so, columns, train, validation?.Count ?? 0, channel, started + (deadline - started) / 2, deadline);
        var chosen = architecture ?? throw new InvalidOperationException($"{o.GetType().Name} is neither TrainFBNetOptions nor SearchFBNetOptions.");
        channel.Info(MessageSensitivity.None,
            $"FBNet: training {chosen} ({chosen.Flops / 1e6:F1} MFLOPs) on {train.Count} images, validating on {validation?.Count ?? 0}; " +
            $"{columns.ClassNames.Length} classes, {columns.Channels}x{columns.Height}x{columns.Width}, pixel scale {scale:G4}.");
        var trainingPlan = FitPlan.Training(chosen, o, train.Count, validation?.Count ?? 0, deadline, channel);
        int epochs = trainingPlan.Epochs;
        var trainingData = trainingPlan.DataFraction < 1 ? train.Split(trainingPlan.DataFraction, o.Seed).a : train;
        var training = new TrainingOptions
        {
            Epochs = epochs,
            BatchSize = o.BatchSize,
            LearningRate = o.LearningRate,
            HorizontalFlip = o.HorizontalFlip,
            Seed = o.Seed,
            Device = o.TrainingDevice,
            Deadline = deadline,
            Progress = new ChannelProgress<TrainingProgress>(channel, o.Progress),
        };
        RecipeSettings.Apply(o, training);
        using var teacher = RecipeSettings.CreateTeacher(o, name => ResolveArchitecture(name, columns), trainingData, validation, training, deadline, channel);
        training.Teacher = teacher;
        var result = FitPlan.Guard($"training network {chosen}", columns.Channels, columns.Height,
            () => NetworkTrainer.Train(chosen, trainingData, validation, training, o.CancellationToken));
        using var net = result.Network;
        channel.Info(MessageSensitivity.None, $"FBNet: kept epoch {result.BestEpoch}" +
            (result.BestValidationAccuracy is { } acc ? $" (validation accuracy {acc:P2})" : " (no validation: last epoch)") +
            (result.RefitEpochs is { } refit ? $"; refit {refit} epochs on training + validation images." : "."));

        var export = new OnnxExportOptions { ClassNames = columns.ClassNames, PixelScale = scale, Description = $"FBNetV2.MLNet {chosen}" };
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
        return new FBNetModel(scoring, onnx, chosen, result.History, columns, o.FeatureColumnName, scale, search)
        {
            Recipe = TrainingRecipe.From(training, result) with { MaxEpochs = o.MaxEpochs, TimeBudget = o.TimeBudget },
            RefitHistory = result.RefitHistory,
        };
    }

    /// <summary>The user's recipe (the same copy as the final training's), so that the proxy ranking trains as the winner will be.</summary>
    private static TrainingOptions ProxyRecipe(FBNetOptions o)
    {
        var recipe = new TrainingOptions { LearningRate = o.LearningRate, HorizontalFlip = o.HorizontalFlip };
        RecipeSettings.Apply(o, recipe);
        return recipe;
    }

    private static (FBNetArchitecture, SearchResult) RunSearch(SearchFBNetOptions o, ImageColumns columns, LabeledImages train, int validationCount, IChannel channel,
        DateTime? deadline, DateTime? end)
    {
        if (columns.Height != columns.Width)
            throw new ArgumentException($"SearchFBNet needs square images; the feature column is {columns.Height}x{columns.Width}. Resize with ResizeImages.", nameof(o.FeatureColumnName));
        var space = o.ResolveSpace(columns.Channels, columns.Height, columns.ClassNames.Length);
        if (space.InputChannels != columns.Channels || space.InputSize != columns.Height || space.NumClasses != columns.ClassNames.Length)
            throw new ArgumentException($"CustomSearchSpace is for {space.InputChannels}x{space.InputSize}x{space.InputSize} images and {space.NumClasses} classes, " +
                $"but the data has {columns.Channels}x{columns.Height}x{columns.Width} images and {columns.ClassNames.Length} classes.", nameof(o.CustomSearchSpace));
        bool latency = o.CostTarget == CostTarget.Latency;
        var unit = CostModel.UnitOf(o.CostTarget);
        LatencyTable? table = null;
        if (latency)
        {
            string path = o.LatencyTablePath ?? LatencyProfiler.DefaultPath();
            channel.Info(MessageSensitivity.None, $"FBNet: latency table {path} ({o.LatencyThreads} ONNX Runtime thread(s)); measuring what it lacks for this space.");
            table = LatencyProfiler.LoadOrBuild(path, space, new LatencyProfileOptions
            {
                Threads = o.LatencyThreads,
                Progress = new ChannelProgress<LatencyProfileProgress>(channel, null),
            }, cancellationToken: o.CancellationToken);
        }
        var costModel = CostModel.For(o.CostTarget, table);
        double budget;
        if (o.Budget is { } given) budget = unit.FromBudgetUnits(given);
        else if (o.CostTarget == CostTarget.Flops && deadline is { } searchEnd && end is { } fitEnd)
            // Under a time budget the default follows what the final training can afford in the time the search leaves it.
            budget = FitPlan.TimedBudget(space, costModel, o, train.Count, validationCount, fitEnd - searchEnd, channel);
        else
        {
            var (value, cheapest, largest) = DefaultBudget.For(space, costModel);
            budget = value;
            channel.Info(MessageSensitivity.None, $"FBNet: no Budget given; using {costModel.Format(budget)}, the geometric mean of the space's cheapest " +
                $"({costModel.Format(cheapest)}) and largest ({costModel.Format(largest)}) architectures. Set Budget (or --budget-mflops) to choose another.");
        }
        if (space.Subsamples.Min() > 1)
            channel.Info(MessageSensitivity.None, $"FBNet: the network works at {string.Join(" or ", space.Subsamples.Select(r => $"{(space.InputSize + r - 1) / r} px"))}: " +
                $"the {space.InputSize} px input is average-pooled inside it (r x r windows), here and in the exported model.");
        var plan = FitPlan.Search(o, space, train, deadline, channel);
        channel.Info(MessageSensitivity.None, $"FBNet: searching a space of 10^{space.Log10Size:F1} architectures for at most " +
            $"{unit.Format(budget)} on {train.Count} images.");
        var searchOptions = new SearchOptions
        {
            CostTarget = o.CostTarget,
            LatencyTable = table,
            Budget = budget,
            Epochs = plan.Epochs,
            WarmupEpochs = plan.WarmupEpochs,
            BatchSize = plan.BatchSize,
            ProxyRecipe = ProxyRecipe(o),
            Seed = o.Seed,
            Device = o.TrainingDevice,
            CheckpointDirectory = o.WorkspacePath,
            Resumed = epochs => channel.Info(MessageSensitivity.None,
                $"FBNet: resuming the search from the checkpoint in {o.WorkspacePath}: {epochs} of {plan.Epochs} epochs were done."),
            Deadline = deadline,
            Progress = new ChannelProgress<SearchProgress>(channel, o.SearchProgress),
            CandidateProgress = new ChannelProgress<CandidateScore>(channel, o.CandidateProgress),
        };
        SearchSettings.Apply(o, searchOptions);
        var searchData = plan.DataFraction < 1 ? train.Split(plan.DataFraction, o.Seed).a : train;
        var result = FitPlan.Guard("the search's supernet", columns.Channels, columns.Height,
            () => DMaskingSearch.Run(space, searchData, searchOptions, o.CancellationToken));
        channel.Info(MessageSensitivity.None, $"FBNet: chose {result.Architecture} ({CostModel.Format(result.Cost, o.CostTarget)}).");
        return (result.Architecture, result);
    }

    private static FBNetArchitecture ResolveArchitecture(string name, ImageColumns columns)
    {
        FBNetArchitecture a;
        try { a = ArchitectureJson.Resolve(name); }
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
            throw new ArgumentException($"Architecture '{name}' does not fit {columns.Channels}x{columns.Height}x{columns.Width} images: {e.Message} " +
                "Resize to a larger size with ResizeImages or choose a shallower architecture.", nameof(TrainFBNetOptions.Architecture), e);
        }
    }

    private static string UniqueName(DataViewSchema schema, string name)
    {
        string candidate = name;
        for (int i = 1; schema.GetColumnOrNull(candidate) is not null; i++) candidate = $"{name}{i}";
        return candidate;
    }

    private static void CheckOptions(FBNetOptions o)
    {
        static void Check(bool ok, string option, string message) { if (!ok) throw new ArgumentOutOfRangeException(option, message); }
        foreach (var (value, name) in new[] { (o.LabelColumnName, nameof(o.LabelColumnName)), (o.FeatureColumnName, nameof(o.FeatureColumnName)),
                     (o.ScoreColumnName, nameof(o.ScoreColumnName)), (o.PredictedLabelColumnName, nameof(o.PredictedLabelColumnName)) })
            Check(!string.IsNullOrWhiteSpace(value), name, $"{name} must name a column.");
        Check(new[] { o.FeatureColumnName, o.ScoreColumnName, o.PredictedLabelColumnName }.Distinct().Count() == 3, nameof(o.ScoreColumnName),
            "FeatureColumnName, ScoreColumnName and PredictedLabelColumnName must differ.");
        // NaN and infinities first, with a message that says so (a range check alone reads "must be positive, got ∞").
        OptionCheck.Finite(o.LearningRate, nameof(o.LearningRate), "greater than 0", 0.1);
        OptionCheck.Finite(o.ValidationSetFraction, nameof(o.ValidationSetFraction), "in [0, 1)", 0.1);
        if (o.PixelScale is { } pixelScale) ImageDataReader.CheckScale(pixelScale);
        if (o is SearchFBNetOptions so)
        {
            OptionCheck.Finite(so.Budget, nameof(so.Budget), "greater than 0",
                $"a positive number of {CostModel.UnitOf(so.CostTarget).BudgetUnit}, or null (the default) for the geometric mean of the space's cheapest and largest architectures");
        }
        Check(o.MaxEpochs is null or >= 1, nameof(o.MaxEpochs), $"MaxEpochs must be at least 1 (or null: {FBNetOptions.DefaultMaxEpochs}, or what fits a TimeBudget), got {o.MaxEpochs}.");
        Check(o.BatchSize >= 1, nameof(o.BatchSize), $"BatchSize must be at least 1, got {o.BatchSize}.");
        Check(o.LearningRate > 0 && double.IsFinite(o.LearningRate), nameof(o.LearningRate), $"LearningRate must be positive, got {o.LearningRate}.");
        Check(o.ValidationSetFraction is >= 0 and < 1, nameof(o.ValidationSetFraction), $"ValidationSetFraction must be in [0, 1), got {o.ValidationSetFraction}.");
        Check(o.GpuDeviceId is null or >= 0, nameof(o.GpuDeviceId), $"GpuDeviceId must not be negative, got {o.GpuDeviceId}.");
        Check(o.TimeBudget is null || o.TimeBudget > TimeSpan.Zero, nameof(o.TimeBudget), $"TimeBudget must be positive, got {o.TimeBudget}.");
        RecipeSettings.Check(o);
        if (o is TrainFBNetOptions t)
            Check(!string.IsNullOrWhiteSpace(t.Architecture), nameof(t.Architecture), "Architecture must be a predefined name, an architecture string or a JSON path.");
        if (o is SearchFBNetOptions s)
        {
            Check(s.Budget is null || (s.Budget > 0 && double.IsFinite(s.Budget.Value)), nameof(s.Budget),
                $"Budget ({CostModel.UnitOf(s.CostTarget).BudgetUnit}) must be positive, got {s.Budget}.");
            Check(s.LatencyThreads is >= 1 and <= 1024, nameof(s.LatencyThreads), $"LatencyThreads must be between 1 and 1024, got {s.LatencyThreads}.");
            Check(s.SearchEpochs >= 1, nameof(s.SearchEpochs), $"SearchEpochs must be at least 1, got {s.SearchEpochs}.");
            Check(s.SearchWarmupEpochs >= 0 && s.SearchWarmupEpochs < s.SearchEpochs, nameof(s.SearchWarmupEpochs),
                $"SearchWarmupEpochs must be in [0, SearchEpochs), got {s.SearchWarmupEpochs} (SearchEpochs {s.SearchEpochs}).");
            Check(s.SearchBatchSize is null or >= 2, nameof(s.SearchBatchSize), $"SearchBatchSize must be at least 2, got {s.SearchBatchSize}.");
            // Here as well as in SearchOptions.Validate, which runs only once the search starts: the time plan uses the
            // counts before that (a negative one planned more search epochs), and a memory limit of 0 or less read as
            // 'the supernet does not fit'.
            Check(s.SampledCandidates >= 0, nameof(s.SampledCandidates), $"SampledCandidates must not be negative, got {s.SampledCandidates}.");
            Check(s.ProxyCandidates >= 0, nameof(s.ProxyCandidates), $"ProxyCandidates must not be negative (0 or 1 ranks by inherited weights only), got {s.ProxyCandidates}.");
            Check(s.SearchMemoryLimit is null or > 0, nameof(s.SearchMemoryLimit), $"SearchMemoryLimit must be a positive number of bytes (or null for the default), got {s.SearchMemoryLimit}.");
            Check(Enum.IsDefined(s.SearchSpace) || s.CustomSearchSpace is not null, nameof(s.SearchSpace),
                $"SearchSpace {(int)s.SearchSpace} is not a SearchSpacePreset; use {SearchFBNetOptions.PresetList}, or set CustomSearchSpace.");
            SearchSettings.Check(s);
        }
    }

    /// <summary>
    /// Reports each epoch to the caller and to MLContext.Log. Synchronous on purpose: Progress&lt;T&gt; would post to a
    /// synchronization context and could report after Fit returned.
    /// </summary>
    private sealed class ChannelProgress<T>(IChannel channel, IProgress<T>? user) : IProgress<T> where T : notnull
    {
        public void Report(T value)
        {
            channel.Info(MessageSensitivity.None, "FBNet: " + value);
            user?.Report(value);
        }
    }
}
