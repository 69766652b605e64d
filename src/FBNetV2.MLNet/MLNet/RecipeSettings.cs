using System.Diagnostics;
using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Data;
using FBNetV2.MLNet.Training;
using Microsoft.ML.Runtime;

namespace FBNetV2.MLNet;

/// <summary>The recipe fields of <see cref="FBNetOptions"/>: checked, copied into <see cref="TrainingOptions"/>, and the distillation teacher made ready.</summary>
internal static class RecipeSettings
{
    /// <summary>Copies the recipe into <paramref name="t"/>, whose <see cref="TrainingOptions.Epochs"/> must already be the planned count.</summary>
    public static void Apply(FBNetOptions o, TrainingOptions t)
    {
        t.Momentum = o.Momentum;
        t.WeightDecay = o.WeightDecay;
        t.LabelSmoothing = o.LabelSmoothing;
        t.Dropout = o.Dropout;
        // At most epochs - 1, so that the learning rate still decays over the last epoch: a time budget can plan a
        // single epoch (or a teacher be given one), and the default one-epoch warm-up would then be all ramp and keep
        // the network trained at the peak rate. (A warm-up longer than MaxEpochs is refused in Check.)
        t.WarmupEpochs = Math.Min(o.WarmupEpochs, Math.Max(0, t.Epochs - 1));
        t.RandomCropPadding = o.RandomCropPadding;
        t.EmaDecay = o.EmaDecay;
        t.RandomErasingProbability = o.RandomErasingProbability;
        t.RandomErasingMinArea = o.RandomErasingMinArea;
        t.RandomErasingMaxArea = o.RandomErasingMaxArea;
        t.RefitOnAllData = o.RefitOnAllData;
        t.DistillationWeight = o.DistillationWeight;
        t.DistillationTemperature = o.DistillationTemperature;
    }

    /// <summary>Fails at construction, with the option's own name, rather than after the data is read.</summary>
    public static void Check(FBNetOptions o)
    {
        var t = new TrainingOptions { Epochs = o.MaxEpochs ?? FBNetOptions.DefaultMaxEpochs, BatchSize = o.BatchSize, LearningRate = o.LearningRate };
        Apply(o, t);
        t.Validate();
        if (o.WarmupEpochs < 0 || o.WarmupEpochs > t.Epochs)
            throw new ArgumentOutOfRangeException(nameof(o.WarmupEpochs), $"WarmupEpochs must be between 0 and MaxEpochs ({t.Epochs}), got {o.WarmupEpochs}.");
        if (o.Teacher is not null && string.IsNullOrWhiteSpace(o.Teacher))
            throw new ArgumentOutOfRangeException(nameof(o.Teacher), "Teacher must name an architecture, a model.onnx or a run folder; leave it null to train without distillation.");
        if (o.TeacherEpochs is < 1)
            throw new ArgumentOutOfRangeException(nameof(o.TeacherEpochs), $"TeacherEpochs must be at least 1, got {o.TeacherEpochs}.");
    }

    /// <summary>The share of the time left that a teacher trained first gets (FitPlan plans the student on the rest).</summary>
    public const double TeacherTimeShare = 0.5;

    /// <summary>
    /// The teacher <see cref="FBNetOptions.Teacher"/> names, or null: loaded from ONNX, or trained here first with the
    /// same recipe (no distillation, no refit) until half of the time left before <paramref name="deadline"/>.
    /// </summary>
    public static DistillationTeacher? CreateTeacher(FBNetOptions o, Func<string, FBNetArchitecture> resolve, LabeledImages train, LabeledImages? validation,
        TrainingOptions recipe, DateTime? deadline, IChannel channel)
    {
        if (o.Teacher is not { } name) return null;
        DistillationTeacher? teacher = null;
        bool saved = DistillationTeacher.IsSavedModel(name);
        FBNetArchitecture? arch = null;
        try
        {
            if (saved) teacher = DistillationTeacher.FromOnnx(name, recipe.Threads);
            else arch = resolve(name);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Teacher '{name}': {e.Message}", nameof(o.Teacher), e);
        }
        if (teacher is not null) channel.Info(MessageSensitivity.None, $"FBNet: distilling from {teacher.Description}.");
        else
        {
            var now = DateTime.UtcNow;
            var options = new TrainingOptions
            {
                // The student's planned epochs unless told otherwise: under a time budget that is what fits (up to 300),
                // and a teacher capped at 30 would be trained shorter than the network it teaches. It is larger, so its
                // epochs take longer; its deadline (half the time left) shortens its cosine after the first epoch.
                Epochs = o.TeacherEpochs ?? recipe.Epochs, BatchSize = recipe.BatchSize, LearningRate = recipe.LearningRate,
                HorizontalFlip = recipe.HorizontalFlip, Seed = recipe.Seed, Device = recipe.Device, Progress = recipe.Progress,
                Deadline = deadline is { } end ? now + (end - now) * TeacherTimeShare : null,
            };
            Apply(o, options);
            options.RefitOnAllData = false;
            channel.Info(MessageSensitivity.None, $"FBNet: training the teacher {name} = {arch!} ({arch!.Flops / 1e6:F1} MFLOPs) for {options.Epochs} epochs first.");
            var clock = Stopwatch.StartNew();
            var result = NetworkTrainer.Train(arch!, train, validation, options, o.CancellationToken);
            channel.Info(MessageSensitivity.None, $"FBNet: teacher kept epoch {result.BestEpoch}" +
                (result.BestValidationAccuracy is { } acc ? $" (validation accuracy {acc:P2})" : "") + $" after {clock.Elapsed:hh\\:mm\\:ss}.");
            teacher = DistillationTeacher.FromNetwork(result.Network, $"{name} trained first ({result.History.Count} epochs" +
                (result.BestValidationAccuracy is { } v ? $", validation {v:P2})" : ")"), result.History.Count);
        }
        try
        {
            teacher.CheckFits(train.Channels, train.Height, train.Width, train.ClassNames.Length);
        }
        catch (ArgumentException e)
        {
            teacher.Dispose();
            throw new ArgumentException($"Teacher: {e.Message}", nameof(o.Teacher), e);
        }
        return teacher;
    }
}
