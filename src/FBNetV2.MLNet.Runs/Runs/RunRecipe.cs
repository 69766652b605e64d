namespace FBNetV2.MLNet.Runs;

/// <summary>
/// Training-recipe settings of a run (<c>fbnet train</c>/<c>search</c>, the main job), applied to the searched network
/// and to the baselines alike; each one left null keeps the library default of <see cref="FBNetOptions"/>.
/// </summary>
public sealed class RunRecipe
{
    /// <summary>Peak learning rate for a batch of 128, scaled linearly with the batch size (<see cref="FBNetOptions.LearningRate"/>; null: 0.1).</summary>
    public double? LearningRate { get; init; }

    /// <summary>Nesterov momentum of the SGD optimizer (<see cref="FBNetOptions.Momentum"/>; null: 0.9).</summary>
    public double? Momentum { get; init; }

    /// <summary>L2 penalty on conv and linear weights (<see cref="FBNetOptions.WeightDecay"/>; null: 5e-4).</summary>
    public double? WeightDecay { get; init; }

    /// <summary>Share of the target spread over the other classes (<see cref="FBNetOptions.LabelSmoothing"/>; null: 0.1).</summary>
    public double? LabelSmoothing { get; init; }

    /// <summary>Dropout before the classifier (<see cref="FBNetOptions.Dropout"/>; null: 0.1).</summary>
    public double? Dropout { get; init; }

    /// <summary>Epochs of linear learning-rate warm-up (<see cref="FBNetOptions.WarmupEpochs"/>; null: 1).</summary>
    public int? WarmupEpochs { get; init; }

    /// <summary>Pixels of zero padding before the random crop, 0 for none (<see cref="FBNetOptions.RandomCropPadding"/>; null: 2).</summary>
    public int? RandomCropPadding { get; init; }

    /// <summary>Decay of the weights' moving average, 0 for none (<see cref="FBNetOptions.EmaDecay"/>; null: 0.999).</summary>
    public double? EmaDecay { get; init; }

    /// <summary>Chance of erasing a random rectangle of a training image (<see cref="FBNetOptions.RandomErasingProbability"/>; null: 0, off).</summary>
    public double? RandomErasingProbability { get; init; }

    /// <summary>Smallest share of the image an erased rectangle covers (<see cref="FBNetOptions.RandomErasingMinArea"/>; null: 0.02).</summary>
    public double? RandomErasingMinArea { get; init; }

    /// <summary>Largest share of the image an erased rectangle covers (<see cref="FBNetOptions.RandomErasingMaxArea"/>; null: 1/3).</summary>
    public double? RandomErasingMaxArea { get; init; }

    /// <summary>Train again on training + validation images for the chosen epoch count (<see cref="FBNetOptions.RefitOnAllData"/>; null: off).</summary>
    public bool? RefitOnAllData { get; init; }

    /// <summary>See <see cref="FBNetOptions.Teacher"/>: an architecture trained first, or model.onnx / a run folder.</summary>
    public string? Teacher { get; init; }

    /// <summary>Epochs of a teacher trained first (<see cref="FBNetOptions.TeacherEpochs"/>; null: the run's FinalEpochs).</summary>
    public int? TeacherEpochs { get; init; }

    /// <summary>Weight a of the teacher's term in (1 - a) * CE + a * T^2 * KL (<see cref="FBNetOptions.DistillationWeight"/>; null: 0.5).</summary>
    public double? DistillationWeight { get; init; }

    /// <summary>Temperature T of the distillation term (<see cref="FBNetOptions.DistillationTemperature"/>; null: 4).</summary>
    public double? DistillationTemperature { get; init; }

    /// <summary>Copies every setting that is not null onto <paramref name="o"/>; the others keep their values there.</summary>
    public void ApplyTo(FBNetOptions o)
    {
        o.LearningRate = LearningRate ?? o.LearningRate;
        o.Momentum = Momentum ?? o.Momentum;
        o.WeightDecay = WeightDecay ?? o.WeightDecay;
        o.LabelSmoothing = LabelSmoothing ?? o.LabelSmoothing;
        o.Dropout = Dropout ?? o.Dropout;
        o.WarmupEpochs = WarmupEpochs ?? o.WarmupEpochs;
        o.RandomCropPadding = RandomCropPadding ?? o.RandomCropPadding;
        o.EmaDecay = EmaDecay ?? o.EmaDecay;
        o.RandomErasingProbability = RandomErasingProbability ?? o.RandomErasingProbability;
        o.RandomErasingMinArea = RandomErasingMinArea ?? o.RandomErasingMinArea;
        o.RandomErasingMaxArea = RandomErasingMaxArea ?? o.RandomErasingMaxArea;
        o.RefitOnAllData = RefitOnAllData ?? o.RefitOnAllData;
        o.Teacher = Teacher ?? o.Teacher;
        o.TeacherEpochs = TeacherEpochs ?? o.TeacherEpochs;
        o.DistillationWeight = DistillationWeight ?? o.DistillationWeight;
        o.DistillationTemperature = DistillationTemperature ?? o.DistillationTemperature;
    }
}
