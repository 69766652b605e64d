namespace FBNetV2.MLNet.Runs;

/// <summary>
/// Training-recipe settings of a run (<c>fbnet train</c>/<c>search</c>, the main job), applied to the searched network
/// and to the baselines alike; each one left null keeps the library default of <see cref="FBNetOptions"/>.
/// </summary>
public sealed class RunRecipe
{
    public double? WeightDecay { get; init; }
    public double? LabelSmoothing { get; init; }
    public double? Dropout { get; init; }
    public int? WarmupEpochs { get; init; }
    public int? RandomCropPadding { get; init; }
    public double? EmaDecay { get; init; }
    public double? RandomErasingProbability { get; init; }
    public double? RandomErasingMinArea { get; init; }
    public double? RandomErasingMaxArea { get; init; }
    public bool? RefitOnAllData { get; init; }

    /// <summary>See <see cref="FBNetOptions.Teacher"/>: an architecture trained first, or model.onnx / a run folder.</summary>
    public string? Teacher { get; init; }
    public int? TeacherEpochs { get; init; }
    public double? DistillationWeight { get; init; }
    public double? DistillationTemperature { get; init; }

    public void ApplyTo(FBNetOptions o)
    {
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
