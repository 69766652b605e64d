using System.Diagnostics;
using FBNetV2.MLNet.Data;
using FBNetV2.MLNet.Latency;
using FBNetV2.MLNet.Network;
using FBNetV2.MLNet.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Search;

/// <summary>
/// DMaskingNAS search loop (FBNetV2): weights on one split with SGD, architecture logits on the other with Adam,
/// weight-only warm-up, Gumbel temperature annealed per epoch, loss CE * alpha * log(cost)^beta with the expected cost
/// from effective shapes. Then derivation: the argmax and K architectures sampled from the learned distribution, each
/// fitted to the budget, scored with inherited supernet weights (after re-estimating BN statistics for that path) on
/// the architecture split; the best wins. Inherited weights rank candidates in seconds, where a short training of each
/// would cost minutes; the winner is then trained from scratch by the caller.
/// </summary>
internal static class DMaskingSearch
{
    /// <summary>Weight steps between trims of the C heap (see NativeHeap: without them resident memory crept up step by step).</summary>
    private const int TrimEvery = 4;

    public static SearchResult Run(SearchSpace space, LabeledImages data, SearchOptions options, CancellationToken cancellationToken = default)
    {
        options.Validate();
        if (data.Channels != space.InputChannels || data.Height != space.InputSize || data.Width != space.InputSize)
            throw new ArgumentException($"The search data is {data.Channels}x{data.Height}x{data.Width} but the search space expects " +
                $"{space.InputChannels}x{space.InputSize}x{space.InputSize}.");
        if (data.ClassNames.Length != space.NumClasses)
            throw new ArgumentException($"The search data has {data.ClassNames.Length} classes but the search space {space.NumClasses}.");
        var cost = options.Cost();
        if (cost.Table is { } table && LatencyProfiler.Uncovered(table, space) is { Count: > 0 } uncovered)
            throw new ArgumentException($"The latency table does not cover this search space (missing or too narrow: {string.Join(", ", uncovered.Take(5))}" +
                $"{(uncovered.Count > 5 ? $" and {uncovered.Count - 5} more" : "")}). Profile the space first: LatencyProfiler.LoadOrBuild, or `fbnet profile`.", nameof(options));
        var cheapest = BudgetedDerivation.Cheapest(space, cost);
        double minCost = BudgetedDerivation.CostOf(space, cheapest, cost);
        if (minCost > options.Budget)
            throw new ArgumentOutOfRangeException(nameof(options.Budget),
                $"Budget {cost.Format(options.Budget)} is below the cheapest architecture of the search space " +
                $"({cost.Format(minCost)}: {cheapest.Derive(space)}). Raise the budget to at least that, or use a smaller space.");
        var largest = BudgetedDerivation.Largest(space, cost);
        double maxCost = BudgetedDerivation.CostOf(space, largest, cost);
        if (maxCost < options.Budget)
            throw new ArgumentOutOfRangeException(nameof(options.Budget),
                $"Budget {cost.Format(options.Budget)} is above the largest architecture of the search space ({cost.Format(maxCost)}): " +
                "every member fits, so the search would only pick the largest. Give a budget between " +
                $"{cost.Format(minCost)} and {cost.Format(maxCost)}, or use a larger space.");

        if (options.CheckpointDirectory is not null) SearchCheckpoint.EnsureWritable(options.CheckpointDirectory);
        TorchDevice.SetThreads(options.Threads);
        var device = TorchDevice.Resolve(options.Device);
        var (weightSet, archSet) = data.Split(options.WeightSplit, options.Seed);
        // Train-mode BN needs two images in a batch; each split must hold at least that.
        if (weightSet.Count < 2 || archSet.Count < 2)
            throw new ArgumentException($"The search data has {data.Count} images: with WeightSplit {options.WeightSplit} that leaves " +
                $"{weightSet.Count} for the weights and {archSet.Count} for the architecture; each needs at least 2. " +
                $"Give at least {MinimumImages(options)} images (more in practice: a few hundred per class).", nameof(data));
        var (mean, std) = NetworkTrainer.ChannelStatistics(data);
        manual_seed(options.Seed);
        using var net = new Supernet(space, mean, std) { HardSampling = options.HardSampling, PerSampleNoise = options.PerSampleNoise };
        net.to(device);
        // Channels-last on CPU, as the final training: measured with `Benchmarks supernet-step` (docs/benchmarks.md,
        // section 2), a soft weight step of the Photo supernet at 96 px took 36.8 ms per image in NCHW and 16.7 in
        // NHWC, the Compact supernet at 28 px 16.3 and 9.9, the Photo supernet at 224 px 25.8 and 19.7.
        bool channelsLast = ChannelsLast.ApplyForTraining(net, device);
        var weightParameters = net.WeightParameters().ToArray();
        var archParameters = net.ArchitectureParameters().ToArray();
        using var weightOptimizer = new ScalarSafeSgd(weightParameters, options.WeightLearningRate, options.WeightMomentum, weight_decay: options.WeightDecay);
        // WeightLearningRate is for a batch of 128, scaled linearly with the batch as in the final training: the
        // search batch is often lowered to what fits memory (24 for 96 px photos), and at 0.1 there the supernet stayed
        // at chance for three epochs (loss 1.60-1.72 for 5 classes, ln 5 = 1.61).
        double weightPeakLr = options.WeightLearningRate * options.BatchSize / 128.0;
        var norms = net.modules().OfType<BatchNorm2d>().ToArray();

        var history = new List<SearchProgress>();
        var distributions = new List<IReadOnlyList<DecisionDistribution>>();
        // The images themselves, not only their count: resumed on other data, the weights and logits would continue a
        // search of another set (issue 18 item 4). Hashed only when there is a checkpoint to match.
        var identity = new List<(string, string)> { ("space", Describe(space)), ("images", data.Count.ToString()) };
        if (options.CheckpointDirectory is not null) identity.Add(("data", data.ContentHash()));
        // The low-resolution paths average-pool since issue 14 item 5; a checkpoint written while they took every r-th
        // pixel lacks this entry and is refused rather than resumed with weights trained on another input.
        if (space.Subsamples.Max() > 1) identity.Add(("resolution", "avgpool"));
        identity.AddRange(options.Identity());
        var weightBatches = new BatchSource(weightSet, options.BatchSize, device, channelsLast);
        var archBatches = new BatchSource(archSet, options.BatchSize, device, channelsLast);
        int totalSteps = options.Epochs * weightBatches.BatchesPerEpoch;
        int archEpochs = options.Epochs - options.WarmupEpochs;
        // Architecture steps per weight step: enough that the search makes at least ArchitectureSteps of them however
        // small the data set is (1 on large data, as in FBNet).
        int archPerStep = archEpochs == 0 ? 0
            : Math.Max(1, (int)Math.Ceiling((double)options.ArchitectureSteps / (archEpochs * weightBatches.BatchesPerEpoch)));
        int totalArchSteps = archEpochs * weightBatches.BatchesPerEpoch * archPerStep;
        double archLr = options.ArchitectureLearningRate ?? options.ArchitectureTravel / Math.Max(1, totalArchSteps);
        using Adam archOptimizer = options.GlobalArchitectureSecondMoment
            ? new GlobalRmsAdam(net.ArchitectureParameters(), archLr, weight_decay: options.ArchitectureWeightDecay)
            : new ScalarSafeAdam(net.ArchitectureParameters(), archLr, weight_decay: options.ArchitectureWeightDecay);
        int start = options.CheckpointDirectory is null ? 0
            : SearchCheckpoint.TryLoad(options.CheckpointDirectory, identity, net, weightOptimizer, (Adam)archOptimizer, history, distributions);
        if (start > 0) options.Resumed?.Invoke(start);

        var clock = Stopwatch.StartNew();
        var elapsedBefore = history.Count > 0 ? history[^1].Elapsed : TimeSpan.Zero;
        for (int epoch = start; epoch < options.Epochs; epoch++)
        {
            // Reseeded per epoch so that a resumed search continues exactly as an uninterrupted one.
            manual_seed(options.Seed * 1000L + epoch);
            var random = new Random(options.Seed * 1000 + epoch);
            bool archPhase = epoch >= options.WarmupEpochs;
            int archStep = Math.Max(0, epoch - options.WarmupEpochs) * weightBatches.BatchesPerEpoch * archPerStep;
            net.Temperature = options.TemperatureAt(epoch, archStep, totalArchSteps);
            IEnumerator<(Tensor, Tensor)>? archStream = archPhase ? archBatches.Batches(random).GetEnumerator() : null;
            double lossSum = 0, archLossSum = 0; long correct = 0, seen = 0; int archSteps = 0, step = epoch * weightBatches.BatchesPerEpoch;
            foreach (var (x, y) in weightBatches.Batches(random))
            {
                using (x)
                using (y)
                {
                    // The weight step's own scope ends before the architecture step: every tensor its forward pass
                    // made (each layer's output, masks) stays alive until the scope is disposed, so an architecture
                    // step inside it ran with two steps' activations resident (measured on the Photo supernet at batch
                    // 48: 3.0 GB resident in warm-up epochs, 4.1 GB in architecture epochs).
                    using (var scope = NewDisposeScope())
                    {
                        options.OnCancellationCheck?.Invoke();
                        cancellationToken.ThrowIfCancellationRequested();
                        net.train();
                        double lr = NetworkTrainer.LearningRateAt(step++, totalSteps, 0, weightPeakLr);
                        foreach (var g in weightOptimizer.ParamGroups) g.LearningRate = lr;
                        weightOptimizer.zero_grad();
                        net.SinglePath = options.SinglePathWeightSteps;
                        // The logits are frozen in the weight step: their gradient would be thrown away (the architecture
                        // step zeroes it first), and computing it cost every mixture its weight's reduction and the masks
                        // their backward pass (section 2 of docs/benchmarks.md: the soft step with and without it).
                        foreach (var a in archParameters) a.requires_grad = false;
                        Tensor logits, loss;
                        try
                        {
                            if (options.SandwichWeightSteps)
                            {
                                // The widest pass first, in its own scope: its activations are freed before the
                                // sampled pass builds its own, so the step's peak stays one pass's activations.
                                using var widestScope = NewDisposeScope();
                                net.WidestWidths = true;
                                nn.functional.cross_entropy(net.forward(x), y).backward();
                            }
                            net.WidestWidths = options.WidestWidthWarmup && !archPhase;
                            logits = net.forward(x);
                            loss = nn.functional.cross_entropy(logits, y);
                            loss.backward();
                        }
                        finally
                        {
                            net.SinglePath = false;
                            net.WidestWidths = false;
                            foreach (var a in archParameters) a.requires_grad = true;
                        }
                        weightOptimizer.step();
                        double l = loss.item<float>();
                        if (!double.IsFinite(l)) throw new InvalidOperationException($"The search diverged at epoch {epoch + 1}; lower WeightLearningRate (now {options.WeightLearningRate}).");
                        lossSum += l * x.shape[0];
                        correct += logits.argmax(1).eq(y).sum().item<long>();
                        seen += x.shape[0];
                    }
                    if (step % TrimEvery == 0) NativeHeap.Trim();
                    if (archStream is null) continue;
                    // Architecture steps: the weights are frozen (no weight gradients are computed) and BN keeps its
                    // running statistics (momentum 0), so only the logits learn from the architecture split.
                    foreach (var p in weightParameters) p.requires_grad = false;
                    var momenta = norms.Select(bn => bn.momentum).ToArray();
                    foreach (var bn in norms) bn.momentum = 0;
                    try
                    {
                        for (int k = 0; k < archPerStep; k++)
                        {
                            if (!archStream.MoveNext()) { archStream.Dispose(); archStream = archBatches.Batches(random).GetEnumerator(); archStream.MoveNext(); }
                            var (xa, ya) = archStream.Current;
                            using (xa)
                            using (ya)
                            using (NewDisposeScope())
                            {
                                if (options.TemperatureDecay is null) net.Temperature = options.TemperatureAt(epoch, archStep, totalArchSteps);
                                archOptimizer.zero_grad();
                                var archLoss = ArchitectureLoss(net, xa, ya, options);
                                if (options.EntropyWeight > 0 && totalArchSteps > 1)
                                    archLoss = archLoss.Plus(MeanEntropy(net).Times(options.EntropyWeight * archStep / (totalArchSteps - 1.0)));
                                archLoss.backward();
                                archOptimizer.step();
                                archLossSum += archLoss.item<double>();
                                archSteps++;
                                archStep++;
                            }
                        }
                    }
                    finally
                    {
                        foreach (var p in weightParameters) p.requires_grad = true;
                        for (int i = 0; i < norms.Length; i++) norms[i].momentum = momenta[i];
                    }
                }
            }
            archStream?.Dispose();
            distributions.Add(Distribution(net));
            var elapsed = elapsedBefore + clock.Elapsed;
            int done = epoch + 1 - start;
            var progress = new SearchProgress(epoch + 1, options.Epochs, lossSum / seen, (double)correct / seen,
                archSteps > 0 ? archLossSum / archSteps : null, ExpectedCostNow(net, cost), net.Temperature,
                net.alphas.Average(a => GumbelSoftmax.Entropy(a)), elapsed, clock.Elapsed / done * (options.Epochs - epoch - 1)) { CostTarget = options.CostTarget };
            history.Add(progress);
            options.Progress?.Report(progress);
            if (options.CheckpointDirectory is not null)
                SearchCheckpoint.Save(options.CheckpointDirectory, identity, epoch + 1, net, weightOptimizer, (Adam)archOptimizer, history, distributions);
            if (DateTime.UtcNow >= options.Deadline) break;
        }
        if (distributions.Count == 0) distributions.Add(Distribution(net));

        var probabilities = distributions[^1].Select(d => d.Probabilities).ToArray();
        var inherited = Candidates(space, probabilities, options)
            .Select(c => Score(net, space, c.Origin, c.Choice, archSet, weightSet, probabilities, options, device, cancellationToken))
            .ToList();
        var candidates = RankByProxyTraining(inherited, weightSet, archSet, options, cancellationToken);
        var best = candidates[0];
        return new SearchResult(best.Architecture, best.Cost, candidates, history, distributions[^1], distributions) { Budget = options.Budget, Recipe = SearchRecipe.From(options, archLr, totalArchSteps) };
    }

    /// <summary>The fewest images that leave two in each split.</summary>
    internal static int MinimumImages(SearchOptions o) => (int)Math.Ceiling(2 / Math.Min(o.WeightSplit, 1 - o.WeightSplit) - 1e-9);

    /// <summary>
    /// The best <see cref="SearchOptions.ProxyCandidates"/> by inherited-weight accuracy are trained from scratch for
    /// <see cref="SearchOptions.ProxySteps"/> on the weight split and ranked by architecture-split accuracy; the
    /// others follow in inherited order. Costs ProxyCandidates x ProxySteps steps of plain training of a network at the budget (900 steps by
    /// default, a few times cheaper than as many supernet steps).
    /// </summary>
    private static List<CandidateScore> RankByProxyTraining(List<CandidateScore> inherited, LabeledImages weightSet, LabeledImages archSet,
        SearchOptions o, CancellationToken cancellationToken)
    {
        var ordered = inherited.OrderByDescending(c => c.InheritedAccuracy).ToList();
        if (o.ProxyCandidates <= 1 || ordered.Count <= 1) return ordered;
        var trained = new List<CandidateScore>();
        foreach (var c in ordered.Take(o.ProxyCandidates))
        {
            o.OnCancellationCheck?.Invoke();
            cancellationToken.ThrowIfCancellationRequested();
            var recipe = o.ProxyRecipe ?? new TrainingOptions();
            // At most as many steps as the search made on the weights: on a tiny data set 300 steps would be hundreds
            // of epochs, and the ranking must not cost more than the search (measured: 4.5 minutes of proxy training
            // after a 35-second search of 100 images).
            double batches = Math.Ceiling((double)weightSet.Count / o.BatchSize);
            int steps = Math.Min(o.ProxySteps, (int)(o.Epochs * batches));
            int epochs = Math.Max(1, (int)Math.Ceiling(steps / batches));
            var result = NetworkTrainer.Train(c.Architecture, weightSet, null, ProxyOptions(recipe, o, epochs), cancellationToken);
            using var net = result.Network;
            var score = c with { ProxyAccuracy = Evaluation.Accuracy(net, archSet, o.BatchSize), ProxySteps = steps };
            o.CandidateProgress?.Report(score);
            trained.Add(score);
        }
        return trained.OrderByDescending(c => c.ProxyAccuracy).Concat(ordered.Skip(o.ProxyCandidates)).ToList();
    }

    /// <summary>
    /// A proxy training's options: every setting of the recipe (optimizer, regularisation, augmentation, EMA), so the
    /// ranking sees what the winner will be trained with, except what the search decides (epochs and their warm-up,
    /// batch, seed, threads, device) and what a proxy has no use for (a deadline, progress, a teacher, a refit, early
    /// stopping: it trains without a holdout). Copied field by field; a test checks that no recipe setting is left out.
    /// </summary>
    internal static TrainingOptions ProxyOptions(TrainingOptions recipe, SearchOptions o, int epochs) => new()
    {
        Epochs = epochs, BatchSize = o.BatchSize, Seed = o.Seed, Threads = o.Threads, Device = o.Device, WarmupEpochs = epochs >= 4 ? 1 : 0,
        Optimizer = recipe.Optimizer, LearningRate = recipe.LearningRate, Momentum = recipe.Momentum, WeightDecay = recipe.WeightDecay,
        LabelSmoothing = recipe.LabelSmoothing, Dropout = recipe.Dropout, RandomCropPadding = recipe.RandomCropPadding,
        HorizontalFlip = recipe.HorizontalFlip, EmaDecay = recipe.EmaDecay, RandomErasingProbability = recipe.RandomErasingProbability,
        RandomErasingMinArea = recipe.RandomErasingMinArea, RandomErasingMaxArea = recipe.RandomErasingMaxArea,
    };

    /// <summary>Mean over the decisions of the entropy of softmax(logits), differentiable.</summary>
    private static Tensor MeanEntropy(Supernet net)
    {
        Tensor? sum = null;
        foreach (var a in net.alphas)
        {
            var logp = nn.functional.log_softmax(a, 0);
            var h = -(logp.exp() * logp).sum();
            sum = sum.PlusOrFirst(h);
        }
        return sum!.Over(net.alphas.Count).to_type(ScalarType.Float64);
    }

    /// <summary>CE * <see cref="CostFactor"/> of the expected cost (times the parameters term, <see cref="SearchOptions.ParameterWeight"/>).</summary>
    internal static Tensor ArchitectureLoss(Supernet net, Tensor x, Tensor y, SearchOptions o)
    {
        var ce = nn.functional.cross_entropy(net.forward(x), y).to_type(ScalarType.Float64);
        var probabilities = net.Probabilities();
        var loss = ce * CostFactor(o.Cost().Expected(net.Space, probabilities), o);
        if (o.ParameterWeight == 0) return loss;
        // (E[P] / E[P] held constant)^-w: the value 1, so the loss reads as without it, and the gradient that of
        // E[P]^-w up to a constant factor: -w * loss * grad(E[P]) / E[P], a pull towards more parameters.
        var parameters = ExpectedCost.Compute(net.Space, probabilities).Parameters;
        return loss * (parameters / parameters.detach()).Power(-o.ParameterWeight);
    }

    /// <summary>
    /// FBNet's alpha * log(c)^beta with c = e * max(E[cost], budget) / budget: alpha up to the budget, so that below it
    /// only accuracy moves the architecture and the search may use the whole budget, and growing as in FBNet above
    /// it; with <see cref="SearchOptions.TwoSidedCost"/> (the default) c = e * max(E/B, B/E), rising below the budget too. (With c proportional to the cost alone, the factor would pull every search towards a fixed fraction of the
    /// budget, and a factor that falls to zero would switch off the accuracy gradient with it.)
    /// </summary>
    internal static Tensor CostFactor(Tensor expectedCost, SearchOptions o)
    {
        if (!o.TwoSidedCost) return expectedCost.AtLeast(o.Budget).Times(Math.E / o.Budget).log().Power(o.CostBeta).Times(o.CostAlpha);
        // log(e * max(E/B, B/E)) = 1 + |log(E/B)|: alpha at the budget, rising on either side of it.
        return expectedCost.Over(o.Budget).log().abs().Plus(1).Power(o.CostBeta).Times(o.CostAlpha);
    }

    private static IEnumerable<(string Origin, ArchitectureChoice Choice)> Candidates(SearchSpace space, double[][] probabilities, SearchOptions o)
    {
        var seen = new HashSet<string>();
        // The resolution is decided before the rest, from its own distribution; every candidate is derived at it.
        int resolution = BudgetedDerivation.Resolution(space, probabilities[space.Decisions.IndexOf(DecisionRole.Resolution)], o.Cost(), o.Budget);
        ArchitectureChoice AtResolution(ArchitectureChoice c) => c with { Resolution = resolution };
        var argmax = BudgetedDerivation.Fit(space, AtResolution(BudgetedDerivation.Argmax(space, probabilities)), probabilities, o.Cost(), o.Budget, o.DerivationFill);
        seen.Add(argmax.Derive(space).ToString());
        yield return ("argmax", argmax);
        var random = new Random(o.Seed + 7);
        for (int k = 0; k < o.SampledCandidates; k++)
        {
            var sampled = BudgetedDerivation.Fit(space, AtResolution(BudgetedDerivation.Sample(space, probabilities, random)), probabilities, o.Cost(), o.Budget, o.DerivationFill);
            if (seen.Add(sampled.Derive(space).ToString())) yield return ($"sample {k + 1}", sampled);
        }
    }

    private static CandidateScore Score(Supernet net, SearchSpace space, string origin, ArchitectureChoice choice, LabeledImages archSet,
        LabeledImages weightSet, double[][] probabilities, SearchOptions o, Device device, CancellationToken cancellationToken)
    {
        o.OnCancellationCheck?.Invoke();
        cancellationToken.ThrowIfCancellationRequested();
        net.FixedChoice = choice;
        try
        {
            // BN statistics of the mixture do not fit one path: re-estimate them (cumulative average) on weight-split batches.
            var norms = net.modules().OfType<BatchNorm2d>().ToList();
            if (o.CalibrationBatches > 0)
            {
                foreach (var bn in norms) { bn.reset_running_stats(); bn.momentum = null; }
                net.train();
                using (no_grad())
                    foreach (var (x, y) in new BatchSource(weightSet, o.BatchSize, device, ChannelsLast.PreferredForTraining(device)).Batches(new Random(o.Seed)).Take(o.CalibrationBatches))
                        using (x) using (y) using (NewDisposeScope()) net.forward(x);
                foreach (var bn in norms) bn.momentum = 0.1;
            }
            double accuracy = Evaluation.Accuracy(net, archSet, o.BatchSize);
            var score = new CandidateScore(origin, choice.Derive(space), BudgetedDerivation.CostOf(space, choice, o.Cost()), accuracy,
                BudgetedDerivation.LogProbability(space, choice, probabilities)) { CostTarget = o.CostTarget };
            o.CandidateProgress?.Report(score);
            return score;
        }
        finally { net.FixedChoice = null; }
    }

    private static double ExpectedCostNow(Supernet net, CostModel cost)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return cost.Expected(net.Space, net.Probabilities()).item<double>();
    }

    /// <summary>The current distribution of every decision with readable option labels.</summary>
    internal static IReadOnlyList<DecisionDistribution> Distribution(Supernet net)
    {
        var decisions = net.Space.Decisions;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return net.alphas.Select((a, i) => new DecisionDistribution(decisions[i].Label, decisions[i].Options.ToArray(),
            nn.functional.softmax(a, 0).to_type(ScalarType.Float64).cpu().data<double>().ToArray()) { Role = decisions[i].Role }).ToList();
    }

    /// <summary>
    /// The space as the checkpoint identifies it: every option of every decision (hidden width 0 is the e1 option), and
    /// the searched stem and head where the space searches them. A checkpoint of another space is refused by name.
    /// </summary>
    internal static string Describe(SearchSpace s)
    {
        string text = $"{s.InputChannels}x{s.InputSize}/{s.NumClasses}/{string.Join(",", s.Subsamples)}/{string.Join(",", s.StemWidths)}/" +
            string.Join(";", s.Stages.Select(st => $"{string.Join(",", st.Widths)}:{st.Stride}:{st.MaxBlocks}:{string.Join(",", st.HiddenWidths)}:{string.Join(",", st.Ops.Select(o => o.ToString()))}:{st.AllowSkip}"));
        // Spaces that search neither (the photo and ImageNet presets) keep the text their checkpoints were written with.
        if (s.StemActivations.Length > 1 || s.HeadWidths.Length > 1 || s.HeadActivations.Length > 1)
            text += $"/stem:{string.Join(",", s.StemActivations)}/head:{string.Join(",", s.HeadWidths)}:{s.Head.Features}:{string.Join(",", s.HeadActivations)}";
        return text;
    }
}
