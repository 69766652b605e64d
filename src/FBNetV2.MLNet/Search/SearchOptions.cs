namespace FBNetV2.MLNet.Search;

/// <summary>Settings of the differentiable search. Defaults follow FBNet/FBNetV2 where reported.</summary>
internal sealed class SearchOptions
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

    /// <summary>
    /// Adam's learning rate for the architecture logits (FBNet: 0.01). Null (the default): <see cref="ArchitectureTravel"/>
    /// divided by the number of architecture steps, so that the distance a logit can move in a search does not depend on
    /// how many images the user has.
    /// </summary>
    public double? ArchitectureLearningRate { get; set; }

    /// <summary>
    /// How far (in logits) an architecture logit with a consistent gradient can move over the whole search when
    /// <see cref="ArchitectureLearningRate"/> is null: Adam moves a parameter by about its learning rate per step.
    /// A gap of 2 between two logits is a 88/12 choice.
    /// </summary>
    public double ArchitectureTravel { get; set; } = 6;

    /// <summary>
    /// Weight decay of the architecture logits. FBNet used 5e-4 (coupled, in Adam); the default 0 because decay pulls
    /// every logit back towards zero, i.e. the distribution towards uniform, which on a short search undoes most of
    /// what the architecture steps learn.
    /// </summary>
    public double ArchitectureWeightDecay { get; set; }

    /// <summary>
    /// The architecture steps divide the gradient by one second moment shared by all logits (<see cref="GlobalRmsAdam"/>)
    /// instead of each logit's own (Adam, as FBNet), so that a logit moves in proportion to its gradient and the cost
    /// term pushes hardest on the options that cost most. Off by default until it wins at full length; why it is offered
    /// is in <see cref="GlobalRmsAdam"/>.
    /// </summary>
    public bool GlobalArchitectureSecondMoment { get; set; }

    /// <summary>
    /// Least number of architecture steps in a search. One architecture step per weight step gives about 60 steps on
    /// 1,400 images and 300 on 12,000, so that how much the distribution can move would depend on the size of the
    /// user's data; when the architecture epochs hold fewer weight steps than this, each weight step is followed by
    /// several architecture steps (on architecture-split batches, weights frozen). 0 keeps FBNet's one per weight step.
    /// </summary>
    public int ArchitectureSteps { get; set; }

    /// <summary>
    /// Weight of the mean entropy of the architecture distribution in the architecture loss at the last architecture
    /// step, reached linearly from 0 at the first. Below the budget the cost term is flat, and a decision that hardly
    /// changes the accuracy (one block's hidden width among several) gets almost no gradient, so the distribution
    /// stays near uniform and the derived network is close to a random member; a growing entropy term makes each
    /// decision commit to the option its gradient has favoured, so that the supernet's dominant path at the end is the
    /// network that is derived. 0 leaves FBNet's loss.
    /// </summary>
    public double EntropyWeight { get; set; } = 0.05;

    /// <summary>Loss = CE * CostAlpha * log(c)^CostBeta (FBNet: 0.2, 0.6) with c = e * max(cost, budget) / budget: flat up to the budget, FBNet's penalty above it (and rising below it as well with <see cref="TwoSidedCost"/>, the default).</summary>
    public double CostAlpha { get; set; } = 0.2;
    public double CostBeta { get; set; } = 0.6;

    /// <summary>
    /// Whether the cost term also rises below the budget (c = e * max(cost / budget, budget / cost)), so that the
    /// expected cost is pulled towards the budget from both sides. Measured before it: with the term flat below the
    /// budget the supernet's accuracy favoured cheap paths early (the main job's expected cost ended at 0.89 MFLOPs
    /// against a 2.30 budget), so the distribution described a network far below the one the derivation then grows.
    /// false keeps FBNet's one-sided term.
    /// </summary>
    public bool TwoSidedCost { get; set; } = true;

    /// <summary>
    /// Exponent of a parameters term in the architecture loss: CE * cost factor * (E[parameters])^-ParameterWeight,
    /// so that at equal cost the distribution favours the options with more parameters (wider blocks at the
    /// low-resolution stages, which cost few multiply-adds per parameter). Why it is offered: the search's supernet
    /// trains a few epochs and ranks by early accuracy, which favours networks that learn fast; the final training is
    /// ten times longer, and there the networks with more capacity at equal FLOPs catch up (docs/benchmarks.md
    /// section 7, session 35: MobileNetV3-Small-28, 3x the searched networks' parameters, gains 0.41 points from 15 to
    /// 30 epochs on the shapes where the searched networks gain 0.24). Measured (section 7, session 36): at 0.2 the
    /// search reaches that region and its networks score no better; at 0.5 it outweighs the cost term. 0 (the
    /// default) leaves the loss as FBNet's.
    /// Meaningless with <see cref="CostTarget.Parameters"/>, which it would contradict, and refused there.
    /// </summary>
    public double ParameterWeight { get; set; }

    /// <summary>Gumbel-softmax temperature of the warm-up and of the first architecture step (FBNet: 5.0).</summary>
    public double InitialTemperature { get; set; } = 5.0;

    /// <summary>
    /// Temperature of the last architecture step when <see cref="TemperatureDecay"/> is null: the temperature falls
    /// geometrically over the architecture steps only (the warm-up stays at <see cref="InitialTemperature"/>), to a
    /// value where soft samples still carry gradient to every option. FBNet's 90 epochs end near 0.09, where the
    /// samples are almost one-hot and the logits' gradient almost vanishes.
    /// </summary>
    public double FinalTemperature { get; set; } = 0.5;

    /// <summary>
    /// FBNet's schedule instead: the temperature is multiplied by this factor every epoch from the first (FBNet:
    /// 0.956 over 90 epochs). Null (the default) uses the architecture-step schedule of <see cref="FinalTemperature"/>.
    /// </summary>
    public double? TemperatureDecay { get; set; }

    /// <summary>The temperature for weight step <paramref name="epoch"/> (0-based) and architecture step <paramref name="archStep"/> of <paramref name="archSteps"/>.</summary>
    internal double TemperatureAt(int epoch, int archStep, int archSteps)
    {
        if (TemperatureDecay is { } decay) return InitialTemperature * Math.Pow(decay, epoch);
        if (archSteps <= 1) return archStep <= 0 ? InitialTemperature : FinalTemperature;
        double t = Math.Clamp((double)archStep / (archSteps - 1), 0, 1);
        return InitialTemperature * Math.Pow(FinalTemperature / InitialTemperature, t);
    }

    public bool HardSampling { get; set; }
    public bool PerSampleNoise { get; set; }

    /// <summary>
    /// Weight steps train one architecture per batch, sampled from the current distribution (one-hot masks, one
    /// resolution, one block type per layer: the supernet runs a single path, as ProxylessNAS and single-path one-shot
    /// NAS train their weights), instead of the soft Gumbel mix of every option; the architecture steps stay soft, as
    /// DMaskingNAS learns the logits. Why: the soft weight step computes every option's activations, SE gates and
    /// resolution paths: 1.46x the widest member's step on the Photo supernet at 96 px (the half-resolution path is
    /// 0.31x of it), about 1.2x on the Compact one at 28 px (docs/benchmarks.md, section 2, session 13).
    /// </summary>
    public bool SinglePathWeightSteps { get; set; }

    /// <summary>
    /// The warm-up's weight steps run every width decision (stem, stages, hidden widths, head) at its widest option,
    /// the other decisions sampled as usual, so that every channel has been trained before the logits start to move.
    /// Why it is offered: the mask scales each channel's output, and so its weights' gradient, by the probability that
    /// the chosen width reaches it; the outer channels of a stage with many width options train slowly from the first
    /// step, look useless to the architecture gradient and lose probability. Measured on Fashion-MNIST (session 11,
    /// docs/benchmarks.md section 7): it moved the derived network's FLOPs into the 4x4 stage as MobileNetV3 has them
    /// and doubled its parameters, but scored no better after 5 epochs; at 30 epochs that network trailed session 14's
    /// seed-3 pick on the holdout throughout (session 17, cut short at epoch 23). Off by default until it wins at full length.
    /// </summary>
    public bool WidestWidthWarmup { get; set; }
    /// <summary>
    /// Every weight step, warm-up and architecture epochs alike, adds a pass of the supernet with every width decision
    /// at its widest option (the other decisions sampled) to the sampled pass, their losses summed: BigNAS's sandwich
    /// rule without its smallest member. Why it is offered: the widest-width warm-up trains the outer channels only
    /// before the logits move, after which the masks starve them again, and its narrow paths were never trained, so
    /// inherited-weight scores of the candidates fell (session 11); with both passes in every step, every channel and
    /// the sampled paths keep training through the whole search. Costs a widest member's step per weight step.
    /// Measured on Fashion-MNIST (session 26, docs/benchmarks.md section 7): it moved the derived networks' FLOPs out of
    /// the 14 px stage and raised their parameters, but scored 93.61 +- 0.34 % on three seeds against the plain search's
    /// 93.79 +- 0.20 %, with about twice the search's CPU; off by default.
    /// </summary>
    public bool SandwichWeightSteps { get; set; }

    /// <summary>
    /// The share of the budget the derivation grows every candidate to when the space allows (see
    /// <see cref="BudgetedDerivation.Fit"/>): after the upgrades that are at least as likely, it takes the upgrades that
    /// give up the least probability per added cost until the candidate reaches this share. Why 0.98 and not 0.9
    /// (before session 27): at 0.9 the searched Fashion-MNIST networks of sessions 14 and 26 ended at 91-100 % of the
    /// budget, five of six under 97 %, so the user paid for a budget the network did not use, and candidates of unequal
    /// cost were ranked against each other; on the compact space at 0.5-12 M the higher share costs almost no
    /// log-probability. Measured on three Fashion-MNIST searches and one on the synthetic shapes
    /// (session 27, docs/benchmarks.md section 7): every candidate at 98.4-100 % of the budget (92.5-100 % at 0.9
    /// on the same distributions); the chosen Fashion-MNIST networks moved by 0-0.09 M and scored no better (93.94 / 93.54 %).
    /// </summary>
    public double DerivationFill { get; set; } = BudgetedDerivation.DefaultFill;

    /// <summary>Architectures sampled from the learned distribution besides the argmax; the best on the architecture split wins.</summary>
    public int SampledCandidates { get; set; } = 4;

    /// <summary>Batches used to re-estimate BN statistics for each candidate before it is scored with inherited weights.</summary>
    public int CalibrationBatches { get; set; } = 4;

    /// <summary>
    /// The best candidates by inherited-weight accuracy that are then trained from scratch for
    /// <see cref="ProxySteps"/> on the weight split and ranked by their accuracy on the architecture split. Inherited
    /// weights are a cheap first filter, but their ranking does not survive training from scratch (on Fashion-MNIST it
    /// preferred half-resolution networks that trained to about 3 points less). 0 or 1 ranks by inherited weights only.
    /// </summary>
    public int ProxyCandidates { get; set; } = 3;

    /// <summary>
    /// Optimizer steps of the short from-scratch training that ranks the <see cref="ProxyCandidates"/>, rounded up to
    /// whole epochs of the weight split. Counted in steps, not epochs, because two epochs of 1,400 images are 18 steps,
    /// after which every candidate is still at chance (measured: 10-18 % on ten classes) and the ranking is noise.
    /// Never more than the search's own weight steps (Epochs x batches of the weight split).
    /// </summary>
    public int ProxySteps { get; set; } = 300;

    /// <summary>
    /// The recipe of the proxy training (augmentation, regularisation, optimizer): the final training's, so that the
    /// ranking sees what the winner will be trained with. Its epochs, batch, seed, threads and device are the search's.
    /// Null: the default recipe.
    /// </summary>
    public Training.TrainingOptions? ProxyRecipe { get; set; }

    public int Seed { get; set; } = 1;
    public int Threads { get; set; }
    public TrainingDevice Device { get; set; } = TrainingDevice.Cpu;

    /// <summary>Folder for the per-epoch checkpoint; an existing checkpoint of the same space and seed is resumed.</summary>
    public string? CheckpointDirectory { get; set; }

    /// <summary>Told the number of finished epochs when the search resumes from <see cref="CheckpointDirectory"/>, before the next epoch starts (so a user sees that it did not start over).</summary>
    public Action<int>? Resumed { get; set; }

    /// <summary>Wall-clock limit: no new epoch starts after it and derivation uses the distribution reached so far.</summary>
    public DateTime? Deadline { get; set; }

    public IProgress<SearchProgress>? Progress { get; set; }

    /// <summary>
    /// Called as each derived candidate is scored with inherited weights (<see cref="CandidateScore.ProxyAccuracy"/>
    /// null) and again after each proxy training: the derivation and ranking run after the last epoch and take seconds
    /// to minutes, which would otherwise pass without a line.
    /// </summary>
    public IProgress<CandidateScore>? CandidateProgress { get; set; }

    /// <summary>Test hook: runs at every cancellation check (each weight step and each candidate), just before the token is checked.</summary>
    internal Action? OnCancellationCheck { get; set; }

    internal CostModel Cost() => CostModel.For(CostTarget, LatencyTable);

    /// <summary>
    /// Every option that changes the search's trajectory, by name: a checkpoint records them and a resume with any of
    /// them changed is refused with the names that differ. (Threads, device, progress, deadline and the checkpoint
    /// folder do not change what is computed on the CPU, and may change between a run and its resume.)
    /// </summary>
    internal IReadOnlyList<(string Name, string Value)> Identity()
    {
        static string F(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        return
        [
            (nameof(CostTarget), CostTarget.ToString()), (nameof(Budget), F(Budget)),
            (nameof(LatencyTable), LatencyTable is null ? "none" : LatencyTable.Identity.ToString()),
            (nameof(Epochs), Epochs.ToString()), (nameof(WarmupEpochs), WarmupEpochs.ToString()), (nameof(BatchSize), BatchSize.ToString()),
            (nameof(WeightSplit), F(WeightSplit)), (nameof(WeightLearningRate), F(WeightLearningRate)), (nameof(WeightMomentum), F(WeightMomentum)),
            (nameof(WeightDecay), F(WeightDecay)), (nameof(ArchitectureLearningRate), ArchitectureLearningRate is { } alr ? F(alr) : "auto"), (nameof(ArchitectureTravel), F(ArchitectureTravel)),
            (nameof(ArchitectureWeightDecay), F(ArchitectureWeightDecay)), (nameof(ArchitectureSteps), ArchitectureSteps.ToString()),
            (nameof(EntropyWeight), F(EntropyWeight)), (nameof(CostAlpha), F(CostAlpha)), (nameof(CostBeta), F(CostBeta)), (nameof(TwoSidedCost), TwoSidedCost.ToString()), (nameof(ParameterWeight), F(ParameterWeight)), (nameof(InitialTemperature), F(InitialTemperature)),
            (nameof(FinalTemperature), F(FinalTemperature)), (nameof(TemperatureDecay), TemperatureDecay is { } d ? F(d) : "none"),
            (nameof(HardSampling), HardSampling.ToString()), (nameof(PerSampleNoise), PerSampleNoise.ToString()),
            (nameof(SinglePathWeightSteps), SinglePathWeightSteps.ToString()), (nameof(WidestWidthWarmup), WidestWidthWarmup.ToString()),
            (nameof(SandwichWeightSteps), SandwichWeightSteps.ToString()),
            (nameof(GlobalArchitectureSecondMoment), GlobalArchitectureSecondMoment.ToString()),
            (nameof(Seed), Seed.ToString()),
        ];
    }

    private static readonly SearchOptions Defaults = new();

    internal void Validate()
    {
        static void Check(bool ok, string option, string message) { if (!ok) throw new ArgumentOutOfRangeException(option, message); }
        // NaN and infinities first, with a message that says so (a range check alone reads "must be positive, got ∞").
        var d = Defaults;
        OptionCheck.Finite(Budget, nameof(Budget), "greater than 0", $"a positive number in the cost's unit (multiply-adds for CostTarget.Flops), e.g. {OptionCheck.Show(d.Budget)} (the default)");
        OptionCheck.Finite(WeightSplit, nameof(WeightSplit), "strictly between 0 and 1", d.WeightSplit);
        OptionCheck.Finite(WeightLearningRate, nameof(WeightLearningRate), "greater than 0", d.WeightLearningRate);
        OptionCheck.Finite(WeightMomentum, nameof(WeightMomentum), "in [0, 1)", d.WeightMomentum);
        OptionCheck.Finite(WeightDecay, nameof(WeightDecay), "of at least 0", d.WeightDecay);
        OptionCheck.Finite(ArchitectureLearningRate, nameof(ArchitectureLearningRate), "greater than 0",
            "a positive number, or null (the default) to derive it from ArchitectureTravel");
        OptionCheck.Finite(ArchitectureTravel, nameof(ArchitectureTravel), "greater than 0", d.ArchitectureTravel);
        OptionCheck.Finite(ArchitectureWeightDecay, nameof(ArchitectureWeightDecay), "of at least 0", d.ArchitectureWeightDecay);
        OptionCheck.Finite(EntropyWeight, nameof(EntropyWeight), "of at least 0", d.EntropyWeight);
        OptionCheck.Finite(CostAlpha, nameof(CostAlpha), "greater than 0", d.CostAlpha);
        OptionCheck.Finite(CostBeta, nameof(CostBeta), "greater than 0", d.CostBeta);
        OptionCheck.Finite(ParameterWeight, nameof(ParameterWeight), "of at least 0", d.ParameterWeight);
        OptionCheck.Finite(InitialTemperature, nameof(InitialTemperature), "greater than 0", d.InitialTemperature);
        OptionCheck.Finite(FinalTemperature, nameof(FinalTemperature), "greater than 0 and at most InitialTemperature", d.FinalTemperature);
        OptionCheck.Finite(DerivationFill, nameof(DerivationFill), $"in [{OptionCheck.Show(BudgetedDerivation.FillFraction)}, 1]", d.DerivationFill);
        OptionCheck.Finite(TemperatureDecay, nameof(TemperatureDecay), "in (0, 1]", "a factor in (0, 1], or null (the default) to fall from InitialTemperature to FinalTemperature over the architecture steps");
        Check(Budget > 0 && double.IsFinite(Budget), nameof(Budget), $"Budget must be positive, got {Budget}.");
        Check(Epochs >= 1, nameof(Epochs), $"Epochs must be at least 1, got {Epochs}.");
        Check(WarmupEpochs >= 0 && WarmupEpochs < Epochs, nameof(WarmupEpochs), $"WarmupEpochs must be in [0, Epochs), got {WarmupEpochs} (Epochs {Epochs}).");
        Check(BatchSize >= 2, nameof(BatchSize), $"BatchSize must be at least 2, got {BatchSize}.");
        Check(WeightSplit is > 0 and < 1, nameof(WeightSplit), $"WeightSplit must be strictly between 0 and 1, got {WeightSplit}.");
        Check(WeightLearningRate > 0 && double.IsFinite(WeightLearningRate), nameof(WeightLearningRate), $"WeightLearningRate must be a positive number, got {WeightLearningRate}.");
        Check(WeightMomentum is >= 0 and < 1, nameof(WeightMomentum), $"WeightMomentum must be in [0, 1), got {WeightMomentum}.");
        Check(WeightDecay >= 0, nameof(WeightDecay), $"WeightDecay must not be negative, got {WeightDecay}.");
        Check(ArchitectureLearningRate is null or (> 0 and < double.PositiveInfinity), nameof(ArchitectureLearningRate), $"ArchitectureLearningRate must be a positive number or null, got {ArchitectureLearningRate}.");
        Check(ArchitectureTravel > 0 && double.IsFinite(ArchitectureTravel), nameof(ArchitectureTravel), $"ArchitectureTravel must be a positive number, got {ArchitectureTravel}.");
        Check(ArchitectureWeightDecay >= 0 && double.IsFinite(ArchitectureWeightDecay), nameof(ArchitectureWeightDecay), $"ArchitectureWeightDecay must not be negative, got {ArchitectureWeightDecay}.");
        Check(EntropyWeight >= 0 && double.IsFinite(EntropyWeight), nameof(EntropyWeight), $"EntropyWeight must not be negative, got {EntropyWeight}.");
        Check(ArchitectureSteps >= 0, nameof(ArchitectureSteps), $"ArchitectureSteps must not be negative, got {ArchitectureSteps}.");
        Check(ProxyCandidates >= 0 && ProxySteps >= 1, nameof(ProxyCandidates), $"ProxyCandidates must not be negative and ProxySteps at least 1, got {ProxyCandidates} and {ProxySteps}.");
        // One check per option, so that the exception names the one that is wrong (these are public through SearchFBNetOptions).
        Check(CostAlpha > 0, nameof(CostAlpha), $"CostAlpha must be positive, got {CostAlpha}.");
        Check(CostBeta > 0, nameof(CostBeta), $"CostBeta must be positive, got {CostBeta}.");
        Check(ParameterWeight >= 0, nameof(ParameterWeight), $"ParameterWeight must not be negative, got {ParameterWeight}.");
        Check(ParameterWeight == 0 || CostTarget != CostTarget.Parameters, nameof(ParameterWeight),
            "ParameterWeight rewards parameters, which CostTarget.Parameters limits: set ParameterWeight to 0 or budget FLOPs or latency instead.");
        Check(InitialTemperature > 0, nameof(InitialTemperature), $"InitialTemperature must be positive, got {InitialTemperature}.");
        Check(FinalTemperature > 0 && FinalTemperature <= InitialTemperature, nameof(FinalTemperature),
            $"FinalTemperature must be positive and at most InitialTemperature ({InitialTemperature}), got {FinalTemperature}.");
        Check(TemperatureDecay is null or (> 0 and <= 1), nameof(TemperatureDecay),
            $"TemperatureDecay must be a factor in (0, 1] (FBNet: 0.956), or null for the architecture-step schedule, got {TemperatureDecay}.");
        // Below 0.9 the derivation would break the guarantee that a derived network uses 90-100 % of the budget (BudgetedDerivation.FillFraction).
        Check(DerivationFill is >= BudgetedDerivation.FillFraction and <= 1, nameof(DerivationFill), $"DerivationFill must be in [{OptionCheck.Show(BudgetedDerivation.FillFraction)}, 1] (the share of the budget a derived network is grown to), got {DerivationFill}.");
        Check(SampledCandidates >= 0 && CalibrationBatches >= 0, nameof(SampledCandidates), "SampledCandidates and CalibrationBatches must not be negative.");
        Check(Enum.IsDefined(Device), nameof(Device), $"Device must be Cpu, Cuda or Auto, got {(int)Device}.");
        Check(CostTarget != CostTarget.Latency || LatencyTable is not null, nameof(LatencyTable),
            "CostTarget.Latency needs a latency table: set LatencyTable (LatencyProfiler.LoadOrBuild, or `fbnet profile`).");
    }
}
