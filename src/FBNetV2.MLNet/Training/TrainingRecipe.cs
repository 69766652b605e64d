using System.Globalization;

namespace FBNetV2.MLNet.Training;

/// <summary>
/// The recipe a network was trained with, as it ran (schedule length after the deadline shaped it, best and refit
/// epochs): what metrics.json and the report record, so a figure can be traced to its settings.
/// </summary>
public sealed record TrainingRecipe
{
    public int Epochs { get; init; }
    public int PlannedEpochs { get; init; }
    public int BestEpoch { get; init; }
    public int? RefitEpochs { get; init; }
    public int BatchSize { get; init; }
    public string Optimizer { get; init; } = "";
    public double LearningRate { get; init; }
    public int WarmupEpochs { get; init; }
    public double WeightDecay { get; init; }
    public double LabelSmoothing { get; init; }
    public double Dropout { get; init; }
    public int RandomCropPadding { get; init; }
    public bool HorizontalFlip { get; init; }
    public double EmaDecay { get; init; }
    public double RandomErasingProbability { get; init; }
    public double RandomErasingMinArea { get; init; }
    public double RandomErasingMaxArea { get; init; }
    public bool RefitOnAllData { get; init; }
    public string? Teacher { get; init; }
    public double? DistillationWeight { get; init; }
    public double? DistillationTemperature { get; init; }
    public int Seed { get; init; }

    internal static TrainingRecipe From(TrainingOptions o, TrainingResult r) => new()
    {
        Epochs = o.Epochs,
        PlannedEpochs = r.PlannedEpochs,
        BestEpoch = r.BestEpoch,
        RefitEpochs = r.RefitEpochs,
        BatchSize = o.BatchSize,
        Optimizer = o.Optimizer.ToString(),
        LearningRate = o.LearningRate,
        WarmupEpochs = o.WarmupEpochs,
        WeightDecay = o.WeightDecay,
        LabelSmoothing = o.LabelSmoothing,
        Dropout = o.Dropout,
        RandomCropPadding = o.RandomCropPadding,
        HorizontalFlip = o.HorizontalFlip,
        EmaDecay = o.EmaDecay,
        RandomErasingProbability = o.RandomErasingProbability,
        RandomErasingMinArea = o.RandomErasingMinArea,
        RandomErasingMaxArea = o.RandomErasingMaxArea,
        RefitOnAllData = o.RefitOnAllData,
        Teacher = o.Teacher?.Description,
        DistillationWeight = o.Teacher is null ? null : o.DistillationWeight,
        DistillationTemperature = o.Teacher is null ? null : o.DistillationTemperature,
        Seed = o.Seed,
    };

    /// <summary>Name and value of every setting, in declaration order, names camelCased as in metrics.json.</summary>
    internal IReadOnlyList<KeyValuePair<string, object?>> Fields() =>
        typeof(TrainingRecipe).GetProperties()
            .Where(p => p.GetIndexParameters().Length == 0 && p.Name != nameof(EqualityContract))
            .Select(p => new KeyValuePair<string, object?>(char.ToLowerInvariant(p.Name[0]) + p.Name[1..], p.GetValue(this)))
            .ToList();

    /// <summary>The settings as report facts ("off" for unset values).</summary>
    internal IReadOnlyList<KeyValuePair<string, string>> Facts() =>
        Fields().Select(f => new KeyValuePair<string, string>(f.Key, f.Value switch
        {
            null => "off",
            IFormattable v => v.ToString(null, CultureInfo.InvariantCulture),
            var v => v.ToString() ?? "",
        })).ToList();
}
