namespace FBNetV2.MLNet.Runs;

/// <summary>
/// Search-algorithm settings of a run (<c>fbnet search</c>, the main job): architecture learning, FBNet's loss and
/// temperature schedule, candidate ranking. Each one left null keeps the library default of
/// <see cref="SearchFBNetOptions"/>; FBNet's own values are named on each.
/// </summary>
public sealed class RunSearchSettings
{
    /// <summary>Search epochs that train only the weights (<see cref="SearchFBNetOptions.SearchWarmupEpochs"/>; null: 2, or all but one of fewer than 3).</summary>
    public int? WarmupEpochs { get; init; }

    /// <summary>Adam's learning rate for the architecture logits (<see cref="SearchFBNetOptions.ArchitectureLearningRate"/>; null: from the travel; FBNet 0.01).</summary>
    public double? ArchitectureLearningRate { get; init; }

    /// <summary>How far a logit with a steady gradient can move over the search (<see cref="SearchFBNetOptions.ArchitectureTravel"/>; null: 6).</summary>
    public double? ArchitectureTravel { get; init; }

    /// <summary>Weight decay of the architecture logits (<see cref="SearchFBNetOptions.ArchitectureWeightDecay"/>; null: 0; FBNet 5e-4).</summary>
    public double? ArchitectureWeightDecay { get; init; }

    /// <summary>One second moment for all logits (<see cref="SearchFBNetOptions.GlobalArchitectureSecondMoment"/>; null: off).</summary>
    public bool? GlobalArchitectureSecondMoment { get; init; }

    /// <summary>Weight of the entropy term at the last architecture step (<see cref="SearchFBNetOptions.EntropyWeight"/>; null: 0.05; FBNet 0).</summary>
    public double? EntropyWeight { get; init; }

    /// <summary>alpha of the cost term (<see cref="SearchFBNetOptions.CostAlpha"/>; null: 0.2, as FBNet).</summary>
    public double? CostAlpha { get; init; }

    /// <summary>beta of the cost term (<see cref="SearchFBNetOptions.CostBeta"/>; null: 0.6, as FBNet).</summary>
    public double? CostBeta { get; init; }

    /// <summary>Whether the cost term rises below the budget too (<see cref="SearchFBNetOptions.TwoSidedCost"/>; null: true; FBNet false).</summary>
    public bool? TwoSidedCost { get; init; }

    /// <summary>Exponent of the parameters term (<see cref="SearchFBNetOptions.ParameterWeight"/>; null: 0, none).</summary>
    public double? ParameterWeight { get; init; }

    /// <summary>First temperature (<see cref="SearchFBNetOptions.InitialTemperature"/>; null: 5, as FBNet).</summary>
    public double? InitialTemperature { get; init; }

    /// <summary>Last temperature (<see cref="SearchFBNetOptions.FinalTemperature"/>; null: 0.5).</summary>
    public double? FinalTemperature { get; init; }

    /// <summary>FBNet's per-epoch temperature factor (<see cref="SearchFBNetOptions.TemperatureDecay"/>; null: off; FBNet 0.956).</summary>
    public double? TemperatureDecay { get; init; }

    /// <summary>Candidates sampled besides the argmax (<see cref="SearchFBNetOptions.SampledCandidates"/>; null: 4).</summary>
    public int? SampledCandidates { get; init; }

    /// <summary>Candidates ranked by a short training from scratch (<see cref="SearchFBNetOptions.ProxyCandidates"/>; null: 3).</summary>
    public int? ProxyCandidates { get; init; }

    /// <summary>Weight steps on one sampled path (<see cref="SearchFBNetOptions.SinglePathWeightSteps"/>; null: off).</summary>
    public bool? SinglePathWeightSteps { get; init; }

    /// <summary>Folder for the search's checkpoint, one per epoch; a run again with the same data, options and folder resumes where the search stopped (<see cref="SearchFBNetOptions.WorkspacePath"/>; null: none).</summary>
    public string? WorkspacePath { get; init; }

    /// <summary>Copies every setting that is not null onto <paramref name="o"/>; the others keep their values there.</summary>
    public void ApplyTo(SearchFBNetOptions o)
    {
        o.SearchWarmupEpochs = WarmupEpochs ?? o.SearchWarmupEpochs;
        o.ArchitectureLearningRate = ArchitectureLearningRate ?? o.ArchitectureLearningRate;
        o.ArchitectureTravel = ArchitectureTravel ?? o.ArchitectureTravel;
        o.ArchitectureWeightDecay = ArchitectureWeightDecay ?? o.ArchitectureWeightDecay;
        o.GlobalArchitectureSecondMoment = GlobalArchitectureSecondMoment ?? o.GlobalArchitectureSecondMoment;
        o.EntropyWeight = EntropyWeight ?? o.EntropyWeight;
        o.CostAlpha = CostAlpha ?? o.CostAlpha;
        o.CostBeta = CostBeta ?? o.CostBeta;
        o.TwoSidedCost = TwoSidedCost ?? o.TwoSidedCost;
        o.ParameterWeight = ParameterWeight ?? o.ParameterWeight;
        o.InitialTemperature = InitialTemperature ?? o.InitialTemperature;
        o.FinalTemperature = FinalTemperature ?? o.FinalTemperature;
        o.TemperatureDecay = TemperatureDecay ?? o.TemperatureDecay;
        o.SampledCandidates = SampledCandidates ?? o.SampledCandidates;
        o.ProxyCandidates = ProxyCandidates ?? o.ProxyCandidates;
        o.SinglePathWeightSteps = SinglePathWeightSteps ?? o.SinglePathWeightSteps;
        o.WorkspacePath = WorkspacePath ?? o.WorkspacePath;
    }
}
