using System.CommandLine;
using System.Globalization;
using FBNetV2.MLNet.Runs;

namespace FBNetV2.MLNet.Cli;

/// <summary>
/// The search-algorithm options of <c>fbnet search</c> (architecture learning, FBNet's loss and temperature schedule,
/// candidate ranking); each one not given keeps the library default of <see cref="SearchFBNetOptions"/>, shown in the
/// help with FBNet's own value where it differs, so that the paper's settings are one flag away.
/// </summary>
internal sealed class SearchCliOptions
{
    private static readonly SearchFBNetOptions Defaults = new();
    private static string D(double v) => v.ToString("G4", CultureInfo.InvariantCulture);

    public readonly Option<int?> WarmupEpochs = CliOptions.Int("--search-warmup-epochs", "Search epochs that train only the supernet's weights before the architecture moves; below --search-epochs", 0, 999, "2");
    public readonly Option<double?> ArchLearningRate = CliOptions.Number("--arch-learning-rate", "Adam's learning rate for the architecture logits instead of one sized by --arch-travel (FBNet: 0.01)", 0, 10, true, 0.01, minExclusive: true, defaultText: "sized by --arch-travel");
    public readonly Option<double?> ArchTravel = CliOptions.Number("--arch-travel", "How far (in logits) an architecture logit with a steady gradient can move over the search", 0, 1000, true, Defaults.ArchitectureTravel, minExclusive: true);
    public readonly Option<double?> ArchWeightDecay = CliOptions.Number("--arch-weight-decay", "Weight decay of the architecture logits; it pulls the distribution towards uniform (FBNet: 5e-4)", 0, 1, true, Defaults.ArchitectureWeightDecay);
    public readonly Option<bool> GlobalArchMoment = CliOptions.Flag("--global-arch-moment", "Architecture steps divide by one second moment shared by all logits instead of Adam's per-logit one");
    public readonly Option<double?> EntropyWeight = CliOptions.Number("--entropy-weight", "Weight of the distribution's entropy in the architecture loss at the last architecture step (FBNet: 0)", 0, 10, true, Defaults.EntropyWeight);
    public readonly Option<double?> CostAlpha = CliOptions.Number("--cost-alpha", "alpha of the cost term CE * alpha * log(cost)^beta (FBNet: 0.2)", 0, 100, true, Defaults.CostAlpha, minExclusive: true);
    public readonly Option<double?> CostBeta = CliOptions.Number("--cost-beta", "beta of the cost term CE * alpha * log(cost)^beta (FBNet: 0.6)", 0, 100, true, Defaults.CostBeta, minExclusive: true);
    public readonly Option<bool> OneSidedCost = CliOptions.Flag("--one-sided-cost", "FBNet's cost term, flat below the budget, instead of one that also pulls a cheaper expected cost up towards the budget");
    public readonly Option<double?> ParameterWeight = CliOptions.Number("--param-weight", "Exponent w of a parameters term CE * cost term * E[parameters]^-w: at equal cost, favour options with more parameters (not with a parameters budget)", 0, 10, true, Defaults.ParameterWeight);
    public readonly Option<double?> InitialTemperature = CliOptions.Number("--initial-temperature", "Gumbel-softmax temperature of the warm-up and the first architecture step (FBNet: 5)", 0, 1000, true, Defaults.InitialTemperature, minExclusive: true);
    public readonly Option<double?> FinalTemperature = CliOptions.Number("--final-temperature", "Temperature of the last architecture step, reached geometrically over the architecture steps", 0, 1000, true, Defaults.FinalTemperature, minExclusive: true);
    public readonly Option<double?> TemperatureDecay = CliOptions.Number("--temperature-decay", "FBNet's schedule instead of --final-temperature: the temperature times this factor every epoch (FBNet: 0.956)", 0, 1, true, 0.956, minExclusive: true, defaultText: "off");
    public readonly Option<int?> SampledCandidates = CliOptions.Int("--sampled-candidates", "Architectures sampled from the learned distribution besides the most likely one, each fitted to the budget", 0, 1000, Defaults.SampledCandidates.ToString(CultureInfo.InvariantCulture));
    public readonly Option<int?> ProxyCandidates = CliOptions.Int("--proxy-candidates", "Best candidates by inherited weights ranked by a short training from scratch; 0 or 1 ranks by inherited weights only", 0, 1000, Defaults.ProxyCandidates.ToString(CultureInfo.InvariantCulture));
    public readonly Option<string?> Workspace = new("--workspace")
    {
        Description = "Folder for the search's checkpoint, written after every search epoch: run the same command again (same data and options) to resume an interrupted search where it stopped",
        HelpName = "DIR",
    };
    public readonly Option<bool> SinglePath = CliOptions.Flag("--single-path", "Weight steps train one sampled path per batch instead of the soft mix of every option (faster on large inputs)");

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { WarmupEpochs, ArchLearningRate, ArchTravel, ArchWeightDecay, GlobalArchMoment, EntropyWeight, CostAlpha, CostBeta,
                     OneSidedCost, ParameterWeight, InitialTemperature, FinalTemperature, TemperatureDecay, SampledCandidates, ProxyCandidates, SinglePath, Workspace })
            command.Add(option);
    }

    private string? WorkspaceFolder(ParseResult p)
    {
        if (p.GetValue(Workspace) is not { } path) return null;
        if (File.Exists(path))
            throw new CliInputException($"--workspace '{path}' is a file; expected a folder for the search checkpoint (created if missing).");
        return path;
    }

    public RunSearchSettings Read(ParseResult p, int searchEpochs)
    {
        // Pairs that describe one thing twice are refused rather than one of them silently ignored.
        if (p.GetValue(ArchLearningRate) is not null && p.GetValue(ArchTravel) is not null)
            throw new CliInputException("--arch-learning-rate and --arch-travel both given; the travel only sizes the learning rate when none is given. Keep one of them.");
        if (p.GetValue(TemperatureDecay) is not null && p.GetValue(FinalTemperature) is not null)
            throw new CliInputException("--temperature-decay and --final-temperature both given; they are two temperature schedules. Keep one of them.");
        double initial = p.GetValue(InitialTemperature) ?? Defaults.InitialTemperature;
        double final = p.GetValue(FinalTemperature) ?? Defaults.FinalTemperature;
        if (p.GetValue(TemperatureDecay) is null && final > initial)
            throw new CliInputException($"--final-temperature ({D(final)}) is above --initial-temperature ({D(initial)}); the temperature falls over the search.");
        if (p.GetValue(WarmupEpochs) is { } warmup && warmup >= searchEpochs)
            throw new CliInputException($"--search-warmup-epochs ({warmup}) must be below --search-epochs ({searchEpochs}): the architecture needs at least one epoch to move.");
        return new RunSearchSettings
        {
            WarmupEpochs = p.GetValue(WarmupEpochs),
            ArchitectureLearningRate = p.GetValue(ArchLearningRate),
            ArchitectureTravel = p.GetValue(ArchTravel),
            ArchitectureWeightDecay = p.GetValue(ArchWeightDecay),
            GlobalArchitectureSecondMoment = p.GetValue(GlobalArchMoment) ? true : null,
            EntropyWeight = p.GetValue(EntropyWeight),
            CostAlpha = p.GetValue(CostAlpha),
            CostBeta = p.GetValue(CostBeta),
            TwoSidedCost = p.GetValue(OneSidedCost) ? false : null,
            ParameterWeight = p.GetValue(ParameterWeight),
            InitialTemperature = p.GetValue(InitialTemperature),
            FinalTemperature = p.GetValue(FinalTemperature),
            TemperatureDecay = p.GetValue(TemperatureDecay),
            SampledCandidates = p.GetValue(SampledCandidates),
            ProxyCandidates = p.GetValue(ProxyCandidates),
            SinglePathWeightSteps = p.GetValue(SinglePath) ? true : null,
            WorkspacePath = WorkspaceFolder(p),
        };
    }
}
