namespace FBNetV2.MLNet.Search;

/// <summary>
/// The settings a search ran with, as it ran (epochs and batch after the time and memory plans, the architecture
/// learning rate the travel gave): what metrics.json and the report record, so that a searched network can be traced
/// to the search that chose it and the search repeated.
/// </summary>
public sealed record SearchRecipe
{
    /// <summary>Search epochs, the weight-only warm-up included.</summary>
    public int Epochs { get; init; }

    /// <summary>Epochs that trained only the supernet's weights before the architecture moved.</summary>
    public int WarmupEpochs { get; init; }

    /// <summary>Images per search step (after the memory plan).</summary>
    public int BatchSize { get; init; }

    /// <summary>Share of the search images that trained the weights; the rest trained the architecture.</summary>
    public double WeightSplit { get; init; }

    /// <summary>Peak learning rate of the supernet's weights for a batch of 128 (scaled with <see cref="BatchSize"/>).</summary>
    public double WeightLearningRate { get; init; }

    /// <summary>L2 penalty on the supernet's weights.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Adam's learning rate for the architecture logits, as used (given, or the travel over the architecture steps).</summary>
    public double ArchitectureLearningRate { get; init; }

    /// <summary>How far a logit with a steady gradient could move over the search; null when a learning rate was given instead.</summary>
    public double? ArchitectureTravel { get; init; }

    /// <summary>Architecture steps the search planned (fewer ran when a deadline ended it early).</summary>
    public int ArchitectureSteps { get; init; }

    /// <summary>Weight decay of the architecture logits (FBNet: 5e-4).</summary>
    public double ArchitectureWeightDecay { get; init; }

    /// <summary>Whether the architecture steps shared one second moment over all logits instead of Adam's per-logit one.</summary>
    public bool GlobalArchitectureSecondMoment { get; init; }

    /// <summary>Weight of the distribution's mean entropy in the architecture loss at the last architecture step.</summary>
    public double EntropyWeight { get; init; }

    /// <summary>alpha of the cost term CE * alpha * log(c)^beta.</summary>
    public double CostAlpha { get; init; }

    /// <summary>beta of the cost term CE * alpha * log(c)^beta.</summary>
    public double CostBeta { get; init; }

    /// <summary>Whether the cost term also rose below the budget (false: FBNet's one-sided term).</summary>
    public bool TwoSidedCost { get; init; }

    /// <summary>Exponent of the parameters term (E[parameters])^-w in the architecture loss; 0: none.</summary>
    public double ParameterWeight { get; init; }

    /// <summary>Gumbel-softmax temperature of the warm-up and the first architecture step.</summary>
    public double InitialTemperature { get; init; }

    /// <summary>Temperature of the last architecture step; null when <see cref="TemperatureDecay"/> set the schedule.</summary>
    public double? FinalTemperature { get; init; }

    /// <summary>FBNet's per-epoch temperature factor, when that schedule was used; null: the architecture-step schedule.</summary>
    public double? TemperatureDecay { get; init; }

    /// <summary>Whether weight steps trained one sampled path instead of the soft mix of every option.</summary>
    public bool SinglePathWeightSteps { get; init; }

    /// <summary>Share of the budget every candidate was grown to when the space allowed.</summary>
    public double DerivationFill { get; init; }

    /// <summary>Candidates sampled from the learned distribution besides the argmax.</summary>
    public int SampledCandidates { get; init; }

    /// <summary>Best candidates by inherited weights that were ranked by a short training from scratch.</summary>
    public int ProxyCandidates { get; init; }

    /// <summary>Optimizer steps of that proxy training (at most; whole epochs of the weight split).</summary>
    public int ProxySteps { get; init; }

    /// <summary>Seed of the search.</summary>
    public int Seed { get; init; }

    internal static SearchRecipe From(SearchOptions o, double architectureLearningRate, int architectureSteps) => new()
    {
        Epochs = o.Epochs,
        WarmupEpochs = o.WarmupEpochs,
        BatchSize = o.BatchSize,
        WeightSplit = o.WeightSplit,
        WeightLearningRate = o.WeightLearningRate,
        WeightDecay = o.WeightDecay,
        ArchitectureLearningRate = architectureLearningRate,
        ArchitectureTravel = o.ArchitectureLearningRate is null ? o.ArchitectureTravel : null,
        ArchitectureSteps = architectureSteps,
        ArchitectureWeightDecay = o.ArchitectureWeightDecay,
        GlobalArchitectureSecondMoment = o.GlobalArchitectureSecondMoment,
        EntropyWeight = o.EntropyWeight,
        CostAlpha = o.CostAlpha,
        CostBeta = o.CostBeta,
        TwoSidedCost = o.TwoSidedCost,
        ParameterWeight = o.ParameterWeight,
        InitialTemperature = o.InitialTemperature,
        FinalTemperature = o.TemperatureDecay is null ? o.FinalTemperature : null,
        TemperatureDecay = o.TemperatureDecay,
        SinglePathWeightSteps = o.SinglePathWeightSteps,
        DerivationFill = o.DerivationFill,
        SampledCandidates = o.SampledCandidates,
        ProxyCandidates = o.ProxyCandidates,
        ProxySteps = o.ProxySteps,
        Seed = o.Seed,
    };

    /// <summary>Name and value of every setting, in declaration order, names camelCased as in metrics.json.</summary>
    internal IReadOnlyList<KeyValuePair<string, object?>> Fields() => SettingFields.Of(this);

    /// <summary>The settings as report facts ("none" for unset values).</summary>
    internal IReadOnlyList<KeyValuePair<string, string>> Facts() => SettingFields.Facts(Fields(), "none");
}
