using FBNetV2.MLNet.Search;

namespace FBNetV2.MLNet;

/// <summary>The search-algorithm fields of <see cref="SearchFBNetOptions"/>: copied into <see cref="SearchOptions"/> and checked there.</summary>
internal static class SearchSettings
{
    /// <summary>Copies the architecture-learning, loss, schedule and ranking settings; budget, epochs and batch come from the fit's plan.</summary>
    public static void Apply(SearchFBNetOptions o, SearchOptions s)
    {
        s.ArchitectureLearningRate = o.ArchitectureLearningRate;
        s.ArchitectureTravel = o.ArchitectureTravel;
        s.ArchitectureWeightDecay = o.ArchitectureWeightDecay;
        s.GlobalArchitectureSecondMoment = o.GlobalArchitectureSecondMoment;
        s.EntropyWeight = o.EntropyWeight;
        s.CostAlpha = o.CostAlpha;
        s.CostBeta = o.CostBeta;
        s.TwoSidedCost = o.TwoSidedCost;
        s.ParameterWeight = o.ParameterWeight;
        s.InitialTemperature = o.InitialTemperature;
        s.FinalTemperature = o.FinalTemperature;
        s.TemperatureDecay = o.TemperatureDecay;
        s.SampledCandidates = o.SampledCandidates;
        s.ProxyCandidates = o.ProxyCandidates;
        s.SinglePathWeightSteps = o.SinglePathWeightSteps;
    }

    /// <summary>
    /// Fails at construction, with the option's own name, rather than after the data is read: the settings are checked
    /// by the search's own validation on a copy that has the default budget and plan.
    /// </summary>
    public static void Check(SearchFBNetOptions o)
    {
        // The target too, for the checks that pair a setting with it (ParameterWeight with a parameters budget); a
        // latency target is probed as FLOPs, since its table is built by the fit, not at construction.
        var probe = new SearchOptions { CostTarget = o.CostTarget == CostTarget.Latency ? CostTarget.Flops : o.CostTarget };
        Apply(o, probe);
        probe.Validate();
    }
}
