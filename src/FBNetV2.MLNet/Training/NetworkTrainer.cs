using System.Diagnostics;
using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Data;
using FBNetV2.MLNet.Network;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Training;

/// <summary>
/// Trains a fixed architecture from scratch: SGD with Nesterov momentum (or AdamW), linear warm-up then cosine decay
/// per step (its length shaped by the deadline), label smoothing, no weight decay on BN and biases, random crop, flip
/// and erasing, EMA of the weights, optional distillation from a teacher, validation every epoch keeping the best (the later of equal)
/// weights, early stopping, and an optional refit on all images for the chosen epoch count. Reproducible from the seed on CPU.
/// </summary>
internal static class NetworkTrainer
{
    public static TrainingResult Train(FBNetArchitecture arch, LabeledImages train, LabeledImages? validation,
        TrainingOptions options, CancellationToken cancellationToken = default)
    {
        options.Validate();
        CheckData(arch, train, "training");
        if (validation is not null) CheckData(arch, validation, "validation");
        options.Teacher?.CheckFits(arch.InputChannels, arch.InputSize, arch.InputSize, arch.NumClasses);
        if (!options.RefitOnAllData || validation is null)
            return TrainOnce(arch, train, validation, options, options.Epochs, options.Deadline, refit: false, cancellationToken);

        // The refit repeats about the same work on train + validation images, so the first run plans for its share of the time.
        var now = DateTime.UtcNow;
        DateTime? firstDeadline = options.Deadline is { } end
            ? now + (end - now) * FirstRunShare(train.Count, validation.Count) : null;
        var first = TrainOnce(arch, train, validation, options, options.Epochs, firstDeadline, refit: false, cancellationToken);
        first.Network.Dispose();
        var all = train.Concat(validation); // a view when both are splits of one set
        var second = TrainOnce(arch, all, null, options, first.BestEpoch, options.Deadline, refit: true, cancellationToken);
        return new TrainingResult(second.Network, first.History, first.BestEpoch, first.BestValidationAccuracy)
        {
            PlannedEpochs = first.PlannedEpochs,
            RefitEpochs = second.History.Count,
            RefitHistory = second.History,
        };
    }

    /// <summary>
    /// The share of the time left that the first of the two refit runs gets: the refit repeats about the same work on
    /// training + validation images, so train / (2 train + validation). FitPlan plans the epochs with the same share.
    /// </summary>
    internal static double FirstRunShare(int trainCount, int validationCount) => (double)trainCount / (2.0 * trainCount + validationCount);

    private static TrainingResult TrainOnce(FBNetArchitecture arch, LabeledImages train, LabeledImages? validation,
        TrainingOptions options, int epochs, DateTime? deadline, bool refit, CancellationToken cancellationToken)
    {
        TorchDevice.SetThreads(options.Threads);
        NativeHeap.HoldFreedBlocks();
        var device = TorchDevice.Resolve(options.Device);
        torch.manual_seed(options.Seed);
        var random = new Random(options.Seed);

        var (mean, std) = ChannelStatistics(train);
        var net = new FBNetNetwork(arch, mean, std, options.Dropout);
        net.to(device);
        // Channels-last weights and batches: libtorch's NHWC kernels (measured in docs/benchmarks.md, section 2).
        bool channelsLast = ChannelsLast.ApplyForTraining(net, device);
        using var ema = options.EmaDecay > 0 ? new ModelEma(net, options.EmaDecay, device) : null;
        if (channelsLast && ema is not null) ChannelsLast.Apply(ema.Network);
        using var optimizer = CreateOptimizer(net, options);
        var batches = new BatchSource(train, options.BatchSize, device, channelsLast);
        var plan = new EpochPlan(epochs, deadline);
        // Its own generator, so turning erasing on or off leaves the crops, flips and order of a seed unchanged.
        var erasing = options.RandomErasingProbability > 0
            ? new RandomErasing(options.RandomErasingProbability, options.RandomErasingMinArea, options.RandomErasingMaxArea, mean, std) : null;
        var erasingRandom = new Random(unchecked(options.Seed * 7919 + 17));
        int totalSteps = plan.Epochs * batches.BatchesPerEpoch, warmupSteps = Math.Min(options.WarmupEpochs, epochs) * batches.BatchesPerEpoch, step = 0;
        double peakLr = options.LearningRate * options.BatchSize / 128.0;

        var history = new List<TrainingProgress>();
        Dictionary<string, Tensor>? best = null;
        double? bestAccuracy = null;
        int bestEpoch = 0, improvedEpoch = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            for (int epoch = 1; epoch <= plan.Epochs; epoch++)
            {
                net.train();
                double lossSum = 0; long correct = 0, seen = 0;
                var epochClock = Stopwatch.StartNew();
                double lr = peakLr;
                foreach (var (x, y) in batches.Batches(random, options.RandomCropPadding, options.HorizontalFlip))
                {
                    using (x)
                    using (y)
                    using (var scope = NewDisposeScope())
                    {
                        options.OnCancellationCheck?.Invoke();
                        cancellationToken.ThrowIfCancellationRequested();
                        lr = LearningRateAt(step++, totalSteps, warmupSteps, peakLr);
                        foreach (var g in optimizer.ParamGroups) g.LearningRate = lr;
                        erasing?.Apply(x, erasingRandom);
                        optimizer.zero_grad();
                        var logits = net.forward(x);
                        var loss = options.Teacher is { } teacher
                            ? Distillation.Loss(logits, teacher.Logits(x), y, options.DistillationWeight, options.DistillationTemperature, options.LabelSmoothing)
                            : nn.functional.cross_entropy(logits, y, label_smoothing: options.LabelSmoothing);
                        loss.backward();
                        optimizer.step();
                        ema?.Update();
                        double l = loss.item<float>();
                        if (!double.IsFinite(l))
                            throw new InvalidOperationException($"Training diverged at epoch {epoch} (loss {l}). Lower LearningRate (now {options.LearningRate}).");
                        lossSum += l * x.shape[0];
                        correct += logits.argmax(1).eq(y).sum().item<long>();
                        seen += x.shape[0];
                    }
                }
                // Steps reuse the heap's freed blocks (HoldFreedBlocks); once an epoch, what the odd-sized last batch and
                // the previous epoch's evaluation left free is handed back.
                NativeHeap.Trim();
                var evalNet = ema?.Network ?? net;
                double? valAccuracy = validation is null ? null : Evaluation.Accuracy(evalNet, validation);
                // A tie keeps the later epoch: equal holdout accuracy is no sign of overfitting, and the later weights have
                // seen more of the decaying schedule. With the strict test a 699-image holdout that reached its maximum at
                // epoch 14 of 30 and held it kept epoch 14's weights (learning rate still 0.06; MNIST-10k, session 16).
                // Early stopping still counts from the last strict improvement.
                if (validation is not null && valAccuracy > (bestAccuracy ?? -1)) improvedEpoch = epoch;
                if (validation is null || valAccuracy >= (bestAccuracy ?? -1))
                {
                    DisposeState(best);
                    best = CopyState(evalNet);
                    bestAccuracy = valAccuracy;
                    bestEpoch = epoch;
                }
                var elapsed = clock.Elapsed;
                if (plan.Update(epoch, elapsed, DateTime.UtcNow)) totalSteps = plan.Epochs * batches.BatchesPerEpoch;
                var progress = new TrainingProgress(epoch, plan.Epochs, lossSum / seen, (double)correct / seen, valAccuracy, lr,
                    seen / epochClock.Elapsed.TotalSeconds, elapsed, elapsed / epoch * (plan.Epochs - epoch)) { Refit = refit };
                history.Add(progress);
                options.Progress?.Report(progress);
                if (options.EarlyStoppingPatience > 0 && validation is not null && epoch - improvedEpoch >= options.EarlyStoppingPatience) break;
                if (DateTime.UtcNow >= deadline) break;
            }
            var result = new FBNetNetwork(arch, mean, std, options.Dropout);
            result.to(device);
            result.load_state_dict(best!);
            result.eval();
            return new TrainingResult(result, history, bestEpoch, bestAccuracy) { PlannedEpochs = plan.Epochs };
        }
        finally
        {
            DisposeState(best);
            net.Dispose();
        }
    }

    /// <summary>Linear warm-up to the peak, then cosine decay to zero, per step.</summary>
    public static double LearningRateAt(int step, int totalSteps, int warmupSteps, double peak)
    {
        if (step < warmupSteps) return peak * (step + 1) / warmupSteps;
        double t = (double)(step - warmupSteps) / Math.Max(1, totalSteps - warmupSteps);
        return peak * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1, t)));
    }

    /// <summary>Per-channel mean and standard deviation of the training pixels, baked into the network's input.</summary>
    public static (float[] Mean, float[] Std) ChannelStatistics(LabeledImages data)
    {
        int c = data.Channels, hw = data.Height * data.Width;
        var sum = new double[c]; var sq = new double[c];
        for (int i = 0; i < data.Count; i++)
        {
            var image = data.Image(i);
            for (int ch = 0; ch < c; ch++)
            {
                var plane = image.Slice(ch * hw, hw);
                for (int p = 0; p < hw; p++) { double v = plane[p]; sum[ch] += v; sq[ch] += v * v; }
            }
        }
        double n = (double)data.Count * hw;
        var mean = sum.Select(s => (float)(s / n)).ToArray();
        var std = sq.Select((s, ch) => (float)Math.Max(1e-3, Math.Sqrt(Math.Max(0, s / n - mean[ch] * (double)mean[ch])))).ToArray();
        return (mean, std);
    }

    private static optim.Optimizer CreateOptimizer(FBNetNetwork net, TrainingOptions o)
    {
        // Weight decay pulls BN scales and biases towards zero, which only hurts; decay conv and linear weights alone.
        var decay = net.parameters().Where(p => p.dim() > 1).ToList();
        var noDecay = net.parameters().Where(p => p.dim() <= 1).ToList();
        return o.Optimizer switch
        {
            OptimizerKind.AdamW => new ScalarSafeAdamW([
                new AdamW.ParamGroup(decay, new AdamW.Options { weight_decay = o.WeightDecay }),
                new AdamW.ParamGroup(noDecay, new AdamW.Options { weight_decay = 0 })], o.LearningRate),
            OptimizerKind.SgdNesterov => new ScalarSafeSgd([
                new SGD.ParamGroup(decay, new SGD.Options { weight_decay = o.WeightDecay, momentum = o.Momentum, nesterov = true }),
                new SGD.ParamGroup(noDecay, new SGD.Options { weight_decay = 0, momentum = o.Momentum, nesterov = true })], o.LearningRate),
            _ => throw new ArgumentOutOfRangeException(nameof(o), o.Optimizer, "Unknown optimizer kind."),
        };
    }

    private static void CheckData(FBNetArchitecture arch, LabeledImages data, string role)
    {
        if (data.Count == 0) throw new ArgumentException($"The {role} set is empty.");
        if (data.Channels != arch.InputChannels || data.Height != arch.InputSize || data.Width != arch.InputSize)
            throw new ArgumentException($"The {role} images are {data.Channels}x{data.Height}x{data.Width} but the architecture expects " +
                $"{arch.InputChannels}x{arch.InputSize}x{arch.InputSize}. Resize the images or adapt the architecture with WithInput.");
        if (data.ClassNames.Length != arch.NumClasses)
            throw new ArgumentException($"The {role} set has {data.ClassNames.Length} classes but the architecture has {arch.NumClasses}; use WithClasses.");
    }

    /// <summary>
    /// A copy of the weights and buffers. The detached view is disposed here: left to the finalizer it stayed live, one
    /// per entry each time a better (or, since ties keep the later epoch, equal) epoch was copied.
    /// </summary>
    private static Dictionary<string, Tensor> CopyState(nn.Module net) =>
        net.state_dict().ToDictionary(kv => kv.Key, kv =>
        {
            using var view = kv.Value.detach();
            return view.clone();
        });

    private static void DisposeState(Dictionary<string, Tensor>? state)
    {
        if (state is null) return;
        foreach (var t in state.Values) t.Dispose();
    }
}
