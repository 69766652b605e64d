namespace FBNetV2.MLNet.Search;

/// <summary>Settings of the differentiable search. Defaults follow FBNet/FBNetV2 where reported.</summary>
public sealed class SearchOptions
{
    public CostTarget CostTarget { get; set; } = CostTarget.Flops;

    /// <summary>Latency measurements for <see cref="CostTarget.Latency"/> (from <see cref="Latency.LatencyProfiler"/>).</summary>
    public Latency.LatencyTable? LatencyTable { get; set; }

    /// <summary>
    /// Budget in the target's unit (multiply-adds, parameters, or milliseconds). The derived architecture's exact
    /// cost (for latency: its latency predicted by the table) ends at or under it.
    /// </summary>
    public double Budget { get; set; } = 5e6;

    public int Epochs { get; set; } = 10;

    /// <summary>Epochs that train only the weights before the architecture parameters start to move.</summary>
    public int WarmupEpochs { get; set; } = 2;
    public int BatchSize { get; set; } = 128;

    /// <summary>Share of the search data used for the weights; the rest trains the architecture parameters (80/20 in FBNet).</summary>
    public double WeightSplit { get; set; } = 0.8;

    public double WeightLearningRate { get; set; } = 0.1;
    public double WeightMomentum { get; set; } = 0.9;
    public double WeightDecay { get; set; } = 1e-4;
    public double ArchitectureLearningRate { get; set; } = 0.01;
    public double ArchitectureWeightDecay { get; set; } = 5e-4;

    /// <summary>Loss = CE * CostAlpha * log(c)^CostBeta (FBNet: 0.2, 0.6) with c = e * max(cost, budget) / budget: flat up to the budget, FBNet's penalty above it.</summary>
    public double CostAlpha { get; set; } = 0.2;
    public double CostBeta { get; set; } = 0.6;

    public double InitialTemperature { get; set; } = 5.0;

    /// <summary>
    /// Gumbel temperature factor per epoch. Null (the default) compresses FBNet's schedule (5.0 x 0.956 per epoch over
    /// 90 epochs) into this search's epochs: from <see cref="InitialTemperature"/> to <see cref="FinalTemperature"/> at
    /// the last epoch. With 0.956 over a search of ten epochs the temperature would stay near 5, where the Gumbel
    /// samples are almost uniform mixtures and the architecture barely moves (measured: mean entropy 1.467 -> 1.461 in
    /// six epochs on Fashion-MNIST).
    /// </summary>
    public double? TemperatureDecay { get; set; }

    /// <summary>Temperature of the last epoch when <see cref="TemperatureDecay"/> is null: 5.0 x 0.956^89, where FBNet's 90 epochs end.</summary>
    public double FinalTemperature { get; set; } = 5.0 * Math.Pow(0.956, 89);

    /// <summary>The temperature of epoch <paramref name="epoch"/> (0-based).</summary>
    internal double TemperatureAt(int epoch) =>
        InitialTemperature * Math.Pow(TemperatureDecay ?? (Epochs > 1 ? Math.Pow(FinalTemperature / InitialTemperature, 1.0 / (Epochs - 1)) : 1), epoch);
    public bool HardSampling { get; set; }
    public bool PerSampleNoise { get; set; }

    /// <summary>Architectures sampled from the learned distribution besides the argmax; the best on the architecture split wins.</summary>
    public int SampledCandidates { get; set; } = 4;

    /// <summary>Batches used to re-estimate BN statistics for each candidate before it is scored with inherited weights.</summary>
    public int CalibrationBatches { get; set; } = 4;

    public int Seed { get; set; } = 1;
    public int Threads { get; set; }
    public string Device { get; set; } = "cpu";

    /// <summary>Folder for the per-epoch checkpoint; an existing checkpoint of the same space and seed is resumed.</summary>
    public string? CheckpointDirectory { get; set; }

    /// <summary>Wall-clock limit: no new epoch starts after it and derivation uses the distribution reached so far.</summary>
    public DateTime? Deadline { get; set; }

    public IProgress<SearchProgress>? Progress { get; set; }

    /// <summary>Test hook: runs at every cancellation check (each weight step and each candidate), just before the token is checked.</summary>
    internal Action? OnCancellationCheck { get; set; }

    internal CostModel Cost() => CostModel.For(CostTarget, LatencyTable);

    internal void Validate()
    {
        static void Check(bool ok, string option, string message) { if (!ok) throw new ArgumentOutOfRangeException(option, message); }
        Check(Budget > 0 && double.IsFinite(Budget), nameof(Budget), $"Budget must be positive, got {Budget}.");
        Check(Epochs >= 1, nameof(Epochs), $"Epochs must be at least 1, got {Epochs}.");
        Check(WarmupEpochs >= 0 && WarmupEpochs < Epochs, nameof(WarmupEpochs), $"WarmupEpochs must be in [0, Epochs), got {WarmupEpochs} (Epochs {Epochs}).");
        Check(BatchSize >= 2, nameof(BatchSize), $"BatchSize must be at least 2, got {BatchSize}.");
        Check(WeightSplit is > 0 and < 1, nameof(WeightSplit), $"WeightSplit must be strictly between 0 and 1, got {WeightSplit}.");
        Check(WeightLearningRate > 0 && ArchitectureLearningRate > 0, nameof(WeightLearningRate), "Learning rates must be positive.");
        Check(CostAlpha > 0 && CostBeta > 0, nameof(CostAlpha), "CostAlpha and CostBeta must be positive.");
        Check(InitialTemperature > 0 && FinalTemperature > 0 && FinalTemperature <= InitialTemperature && TemperatureDecay is null or (> 0 and <= 1), nameof(InitialTemperature),
            "Temperatures must be positive, FinalTemperature at most InitialTemperature, and TemperatureDecay in (0, 1].");
        Check(SampledCandidates >= 0 && CalibrationBatches >= 0, nameof(SampledCandidates), "SampledCandidates and CalibrationBatches must not be negative.");
        Check(Device is "cpu" or "cuda" or "auto", nameof(Device), $"Device must be 'cpu', 'cuda' or 'auto', got '{Device}'.");
        Check(CostTarget != CostTarget.Latency || LatencyTable is not null, nameof(LatencyTable),
            "CostTarget.Latency needs a latency table: set LatencyTable (LatencyProfiler.LoadOrBuild, or `fbnet profile`).");
    }
}
