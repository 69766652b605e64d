using System.CommandLine;
using System.Globalization;
using FBNetV2.MLNet.Runs;

namespace FBNetV2.MLNet.Cli;

/// <summary>
/// The training-recipe options of <c>fbnet train</c> and <c>fbnet search</c>; each one not given keeps the library
/// default (shown in the help), so the help and <see cref="FBNetOptions"/> cannot disagree.
/// </summary>
internal sealed class RecipeCliOptions
{
    private static readonly FBNetOptions Defaults = new TrainFBNetOptions();

    public readonly Option<double?> LearningRate = CliOptions.Number("--learning-rate", "Peak learning rate for a batch of 128, scaled with --batch-size", 0, 10, true, Defaults.LearningRate, minExclusive: true);
    public readonly Option<double?> Momentum = CliOptions.Number("--momentum", "Nesterov momentum of the SGD optimizer", 0, 1, false, Defaults.Momentum);
    public readonly Option<double?> WeightDecay = CliOptions.Number("--weight-decay", "L2 penalty on conv and linear weights", 0, 1, true, Defaults.WeightDecay);
    public readonly Option<double?> LabelSmoothing = CliOptions.Number("--label-smoothing", "Share of the target spread over the other classes", 0, 1, false, Defaults.LabelSmoothing);
    public readonly Option<double?> Dropout = CliOptions.Number("--dropout", "Dropout before the classifier", 0, 1, false, Defaults.Dropout);
    public readonly Option<int?> WarmupEpochs = CliOptions.Int("--warmup-epochs", "Epochs of linear learning-rate warm-up", 0, 1000, Defaults.WarmupEpochs.ToString(CultureInfo.InvariantCulture));
    public readonly Option<int?> CropPadding = CliOptions.Int("--crop-padding", "Random crop after zero padding of this many pixels; 0 turns it off", 0, 64, Defaults.RandomCropPadding.ToString(CultureInfo.InvariantCulture));
    public readonly Option<double?> EmaDecay = CliOptions.Number("--ema-decay", "Decay of the moving average of the weights that is validated and exported; 0 turns it off", 0, 1, false, Defaults.EmaDecay);
    public readonly Option<double?> Erasing = CliOptions.Number("--random-erasing", "Chance that a training image gets one rectangle replaced by noise; 0 turns it off", 0, 1, true, Defaults.RandomErasingProbability);
    public readonly Option<double?> ErasingMinArea = CliOptions.Number("--erasing-min-area", "Smallest share of the image an erased rectangle covers", 0, 1, false, Defaults.RandomErasingMinArea);
    public readonly Option<double?> ErasingMaxArea = CliOptions.Number("--erasing-max-area", "Largest share of the image an erased rectangle covers", 0, 1, false, Defaults.RandomErasingMaxArea);
    public readonly Option<bool> Refit = CliOptions.Flag("--refit", "After validation picks the epoch count, train again on training + validation images for that many epochs and keep that network");
    public readonly Option<string?> Teacher = new("--teacher")
    {
        Description = "Knowledge distillation: an architecture (name, string or JSON) trained first, or a model.onnx / run folder of this tool used as saved",
        HelpName = "NAME|FILE|DIR",
    };
    public readonly Option<int?> TeacherEpochs = CliOptions.Int("--teacher-epochs", "Epochs of a teacher trained first", 1, 10000, "--epochs");
    public readonly Option<double?> KdWeight = CliOptions.Number("--kd-weight", "Weight a of the teacher's term: (1 - a) * CE + a * T^2 * KL", 0, 1, true, Defaults.DistillationWeight);
    public readonly Option<double?> KdTemperature = CliOptions.Number("--kd-temperature", "Temperature T that softens teacher and student", 0, 1000, true, Defaults.DistillationTemperature, minExclusive: true);

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { LearningRate, Momentum, WeightDecay, LabelSmoothing, Dropout, WarmupEpochs, CropPadding, EmaDecay, Erasing, ErasingMinArea, ErasingMaxArea,
                     Refit, Teacher, TeacherEpochs, KdWeight, KdTemperature })
            command.Add(option);
    }

    public RunRecipe Read(ParseResult p)
    {
        var min = p.GetValue(ErasingMinArea) ?? Defaults.RandomErasingMinArea;
        var max = p.GetValue(ErasingMaxArea) ?? Defaults.RandomErasingMaxArea;
        if (min > max)
            throw new CliInputException($"--erasing-min-area ({min.ToString(CultureInfo.InvariantCulture)}) is larger than --erasing-max-area ({max.ToString(CultureInfo.InvariantCulture)}).");
        string? teacher = p.GetValue(Teacher);
        if (teacher is null && (p.GetValue(TeacherEpochs) is not null || p.GetValue(KdWeight) is not null || p.GetValue(KdTemperature) is not null))
            throw new CliInputException("--teacher-epochs, --kd-weight and --kd-temperature set up distillation; give --teacher too (an architecture name or a run folder).");
        return new RunRecipe
        {
            LearningRate = p.GetValue(LearningRate),
            Momentum = p.GetValue(Momentum),
            WeightDecay = p.GetValue(WeightDecay),
            LabelSmoothing = p.GetValue(LabelSmoothing),
            Dropout = p.GetValue(Dropout),
            WarmupEpochs = p.GetValue(WarmupEpochs),
            RandomCropPadding = p.GetValue(CropPadding),
            EmaDecay = p.GetValue(EmaDecay),
            RandomErasingProbability = p.GetValue(Erasing),
            RandomErasingMinArea = p.GetValue(ErasingMinArea),
            RandomErasingMaxArea = p.GetValue(ErasingMaxArea),
            RefitOnAllData = p.GetValue(Refit) ? true : null,
            Teacher = teacher,
            TeacherEpochs = p.GetValue(TeacherEpochs),
            DistillationWeight = p.GetValue(KdWeight),
            DistillationTemperature = p.GetValue(KdTemperature),
        };
    }
}
