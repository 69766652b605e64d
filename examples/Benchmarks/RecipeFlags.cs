using System.Diagnostics;
using System.Globalization;
using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Data;
using FBNetV2.MLNet.Training;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// Recipe flags of the training benchmarks; each one left out keeps the library's default, so a row of the ablation
/// names only what it changes. --lr (peak, for a batch of 128), --batch-size, --wd, --ema (0 off), --erase (probability, 0 off), --erase-max-area, --label-smoothing,
/// --dropout, --flip 0|1, --crop-padding, --refit 1, --teacher NAME|model.onnx|run folder, --kd-weight, --kd-temperature, --time-budget (seconds).
/// </summary>
internal static class RecipeFlags
{
    public static TrainingOptions Options(Dictionary<string, string> a, int epochs, int seed, int threads, Action<TrainingProgress> progress)
    {
        double D(string key, double fallback) => a.TryGetValue(key, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var o = new TrainingOptions { Epochs = epochs, Seed = seed, Threads = threads, Progress = new SyncProgress(progress) };
        o.WeightDecay = D("wd", o.WeightDecay);
        // The learning rate is given for a batch of 128 and scaled with --batch-size, as the trainer does.
        o.LearningRate = D("lr", o.LearningRate);
        if (a.TryGetValue("batch-size", out var batch)) o.BatchSize = int.Parse(batch, CultureInfo.InvariantCulture);
        o.EmaDecay = D("ema", o.EmaDecay);
        o.RandomErasingProbability = D("erase", o.RandomErasingProbability);
        o.RandomErasingMaxArea = D("erase-max-area", o.RandomErasingMaxArea);
        o.LabelSmoothing = D("label-smoothing", o.LabelSmoothing);
        o.Dropout = D("dropout", o.Dropout);
        // Flip off for data whose mirror image is another thing (digits, text); crop padding 0 turns cropping off.
        o.HorizontalFlip = Switch(a, "flip", o.HorizontalFlip);
        if (a.TryGetValue("crop-padding", out var padding)) o.RandomCropPadding = int.Parse(padding, CultureInfo.InvariantCulture);
        o.RefitOnAllData = Switch(a, "refit", o.RefitOnAllData);
        o.DistillationWeight = D("kd-weight", o.DistillationWeight);
        o.DistillationTemperature = D("kd-temperature", o.DistillationTemperature);
        if (a.TryGetValue("time-budget", out var seconds)) o.Deadline = DateTime.UtcNow.AddSeconds(double.Parse(seconds, CultureInfo.InvariantCulture));
        return o;
    }

    /// <summary>An on/off flag given as --name 0|1; absent: <paramref name="absent"/>; anything else is refused by name.</summary>
    public static bool Switch(Dictionary<string, string> a, string name, bool absent) => a.GetValueOrDefault(name, absent ? "1" : "0") switch
    {
        "1" => true,
        "0" => false,
        var v => throw new BadFlagValueException($"--{name} expects 0 or 1, got '{v}'."),
    };

    public static string Describe(TrainingOptions o) =>
        FormattableString.Invariant($"lr {o.LearningRate:G3} (batch {o.BatchSize}), wd {o.WeightDecay:G3}, EMA {o.EmaDecay}, erasing {o.RandomErasingProbability} ({o.RandomErasingMinArea:G3}-{o.RandomErasingMaxArea:G3}), ") +
        FormattableString.Invariant($"label smoothing {o.LabelSmoothing}, dropout {o.Dropout}, flip {(o.HorizontalFlip ? "on" : "off")}, crop padding {o.RandomCropPadding}, refit {(o.RefitOnAllData ? "on" : "off")}") +
        (o.Teacher is { } t ? FormattableString.Invariant($", distillation from {t.Description} (a {o.DistillationWeight}, T {o.DistillationTemperature})") : "");

    /// <summary>A saved teacher (model.onnx or run folder), or a predefined architecture trained first here with the same recipe.</summary>
    public static DistillationTeacher Teacher(string name, Dictionary<string, string> a, LabeledImages fit, LabeledImages holdout, LabeledImages test,
        int epochs, int seed, int threads, Action<string> log)
    {
        if (DistillationTeacher.IsSavedModel(name)) return DistillationTeacher.FromOnnx(name, threads);
        var arch = BadFlagValueException.Architecture("teacher", name).WithClasses(fit.ClassNames.Length);
        if (arch.InputChannels != fit.Channels || arch.InputSize != fit.Height) arch = arch.WithInput(fit.Channels, fit.Height, arch.Subsample);
        int teacherEpochs = a.TryGetValue("teacher-epochs", out var e) ? int.Parse(e, CultureInfo.InvariantCulture) : epochs;
        var teacherFlags = new Dictionary<string, string>(a);
        teacherFlags.Remove("refit");
        teacherFlags.Remove("time-budget");
        var options = Options(teacherFlags, teacherEpochs, seed, threads, p => log("  teacher " + p));
        var clock = Stopwatch.StartNew();
        var result = NetworkTrainer.Train(arch, fit, holdout, options);
        log(FormattableString.Invariant($"teacher {name} ({arch.Flops / 1e6:F3} MFLOPs): holdout {result.BestValidationAccuracy:P2}, test {Evaluation.Accuracy(result.Network, test):P2}, {clock.Elapsed:hh\\:mm\\:ss}"));
        return DistillationTeacher.FromNetwork(result.Network, $"{name} trained first ({teacherEpochs} epochs)");
    }

    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
