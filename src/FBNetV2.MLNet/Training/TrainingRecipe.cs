namespace FBNetV2.MLNet.Training;

/// <summary>
/// The recipe a network was trained with, as it ran (schedule length after the deadline shaped it, best and refit
/// epochs): what metrics.json and the report record, so a figure can be traced to its settings.
/// </summary>
public sealed record TrainingRecipe
{
    /// <summary>The epochs asked for (<see cref="FBNetOptions.MaxEpochs"/>, <c>--epochs</c>); null: the default, or what a time budget plans.</summary>
    public int? MaxEpochs { get; init; }

    /// <summary>The wall-clock limit of the whole fit (<see cref="FBNetOptions.TimeBudget"/>, <c>--time-budget</c>); null: none.</summary>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>Epochs the training was set up for (MaxEpochs, or fewer when the time budget's plan allowed fewer).</summary>
    public int Epochs { get; init; }

    /// <summary>Epochs the cosine schedule was finally planned for, after the time budget reshaped it (equal to <see cref="Epochs"/> without one).</summary>
    public int PlannedEpochs { get; init; }

    /// <summary>The epoch whose network was kept (best validation accuracy, the later of equal ones; the last without validation data), from 1.</summary>
    public int BestEpoch { get; init; }

    /// <summary>Epochs of the refit on training + validation images; null without a refit.</summary>
    public int? RefitEpochs { get; init; }

    /// <summary>Images per training step.</summary>
    public int BatchSize { get; init; }

    /// <summary>The optimizer: <c>SgdNesterov</c> (SGD with Nesterov momentum) or <c>AdamW</c>.</summary>
    public string Optimizer { get; init; } = "";

    /// <summary>Momentum of the SGD optimizer (<see cref="FBNetOptions.Momentum"/>).</summary>
    public double Momentum { get; init; }

    /// <summary>Peak learning rate for a batch of 128 (the rate used is scaled linearly with <see cref="BatchSize"/>).</summary>
    public double LearningRate { get; init; }

    /// <summary>Epochs of linear learning-rate warm-up before the cosine decay.</summary>
    public int WarmupEpochs { get; init; }

    /// <summary>L2 penalty on conv and linear weights.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Share of the target spread over the other classes.</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>Dropout probability before the classifier.</summary>
    public double Dropout { get; init; }

    /// <summary>Pixels of zero padding before the random crop; 0: no cropping.</summary>
    public int RandomCropPadding { get; init; }

    /// <summary>Whether images were mirrored left-right at random.</summary>
    public bool HorizontalFlip { get; init; }

    /// <summary>Decay of the weights' exponential moving average (the average is what was validated and exported); 0: off.</summary>
    public double EmaDecay { get; init; }

    /// <summary>Chance that a training image got one random rectangle replaced by noise; 0: off.</summary>
    public double RandomErasingProbability { get; init; }

    /// <summary>Smallest share of the image an erased rectangle covered.</summary>
    public double RandomErasingMinArea { get; init; }

    /// <summary>Largest share of the image an erased rectangle covered.</summary>
    public double RandomErasingMaxArea { get; init; }

    /// <summary>Whether a refit on training + validation images was asked for.</summary>
    public bool RefitOnAllData { get; init; }

    /// <summary>The distillation teacher as described when it was loaded or trained; null without distillation.</summary>
    public string? Teacher { get; init; }

    /// <summary>Epochs the teacher trained first ran; null without distillation or with a saved teacher.</summary>
    public int? TeacherEpochs { get; init; }

    /// <summary>Weight a of the teacher's term in (1 - a) * CE + a * T^2 * KL; null without distillation.</summary>
    public double? DistillationWeight { get; init; }

    /// <summary>Temperature T of the distillation term; null without distillation.</summary>
    public double? DistillationTemperature { get; init; }

    /// <summary>Seed of the weight initialisation, data order and augmentation.</summary>
    public int Seed { get; init; }

    internal static TrainingRecipe From(TrainingOptions o, TrainingResult r) => new()
    {
        Epochs = o.Epochs,
        PlannedEpochs = r.PlannedEpochs,
        BestEpoch = r.BestEpoch,
        RefitEpochs = r.RefitEpochs,
        BatchSize = o.BatchSize,
        Optimizer = o.Optimizer.ToString(),
        Momentum = o.Momentum,
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
        TeacherEpochs = o.Teacher?.TrainedEpochs,
        DistillationWeight = o.Teacher is null ? null : o.DistillationWeight,
        DistillationTemperature = o.Teacher is null ? null : o.DistillationTemperature,
        Seed = o.Seed,
    };

    /// <summary>Name and value of every setting, in declaration order, names camelCased as in metrics.json.</summary>
    internal IReadOnlyList<KeyValuePair<string, object?>> Fields() => SettingFields.Of(this);

    /// <summary>The settings as report facts ("off" for unset values).</summary>
    internal IReadOnlyList<KeyValuePair<string, string>> Facts() => SettingFields.Facts(Fields(), "off");
}
