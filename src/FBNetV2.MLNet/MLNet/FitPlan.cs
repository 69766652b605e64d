using System.Runtime.InteropServices;
using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Data;
using FBNetV2.MLNet.Network;
using FBNetV2.MLNet.Search;
using FBNetV2.MLNet.Training;
using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet;

/// <summary>
/// Sizes a fit to the machine before it starts: the search batch from the supernet's measured memory per image, and,
/// under a time budget, the search and training epochs from measured seconds per image, so that the learning-rate and
/// temperature schedules run to their end inside the budget (a deadline that stops a 30-epoch cosine schedule at
/// epoch 4 leaves the learning rate near its peak). Each decision is written to the log with the figures behind it.
/// </summary>
internal static class FitPlan
{
    /// <summary>Share of the memory available at the start that one search step may take (the rest: data, ML.NET, fragmentation).</summary>
    public const double MemoryShare = 0.5;

    /// <summary>Training pixels the default search-memory cap already allows for (a 2,000-image 96 px folder's 0.2 GB).</summary>
    public const double PixelAllowance = 0.25e9;

    /// <summary>Least default search-memory cap, however many pixels are held.</summary>
    public const double MinimumSearchMemory = 0.5e9;

    /// <summary>The default cap of a search step's memory when <paramref name="pixelBytes"/> of training pixels are held.</summary>
    public static double DefaultSearchMemoryCap(double pixelBytes) =>
        Math.Max(MinimumSearchMemory, SearchFBNetOptions.DefaultSearchMemoryLimit - Math.Max(0, pixelBytes - PixelAllowance));

    /// <summary>Share of the remaining time the planned epochs may fill (step times vary, more so on a shared machine).</summary>
    public const double TimeShare = 0.85;

    /// <summary>Share of the search data the weights train on (<see cref="SearchOptions.WeightSplit"/>'s default).</summary>
    private static readonly double WeightSplit = new SearchOptions().WeightSplit;

    /// <summary>Most steps of each proxy training (<see cref="SearchOptions.ProxySteps"/>'s default).</summary>
    private static readonly int ProxySteps = new SearchOptions().ProxySteps;

    /// <summary>Fewest search epochs a time budget plans (one warm-up, two architecture epochs) before it shrinks the data instead.</summary>
    public const int MinUsefulEpochs = 3;

    /// <summary>Least share of the data a fit under a time budget falls back to (below it a fit learns too little to be worth it).</summary>
    public const double MinDataFraction = 0.02;

    /// <summary>The search's batch and epochs, and the share of the training images it searches on (1: all).</summary>
    public sealed record SearchSettings(int BatchSize, int Epochs, int WarmupEpochs, double DataFraction);

    /// <summary>The training epochs, and the share of the training images they use (1: all).</summary>
    public sealed record TrainingSettings(int Epochs, double DataFraction);

    public static SearchSettings Search(SearchFBNetOptions o, SearchSpace space, LabeledImages train, DateTime? deadline, IChannel channel)
    {
        int requested = o.SearchBatchSize ?? o.BatchSize;
        var device = TorchDevice.Resolve(o.TrainingDevice);
        var (mean, std) = NetworkTrainer.ChannelStatistics(train);
        StepFootprint step;
        using var net = new Supernet(space, mean, std);
        net.to(device);
        // Probed in the layout the search runs in (channels-last on CPU: about twice as fast as NCHW for the supernet).
        ChannelsLast.ApplyForTraining(net, device);
        step = Guard($"the supernet of the {Describe(space)} search space", space.InputChannels, space.InputSize,
            () => StepProbe.Measure(net, space.InputChannels, space.InputSize, space.NumClasses, device));
        long available = StepProbe.AvailableBytes();
        // The default cap keeps a photo search at 96 px under 4 GB resident, where a 2,000-image folder's pixels take
        // 0.2 GB; pixels held beyond PixelAllowance come out of it: at 224 px the same folder's pixels take 1.08 GB, and
        // with the full 1.5 GB for the step (batch 56) the 15-minute pipeline search peaked at 4.07 GiB.
        double pixels = (double)train.Count * train.ImageSize * sizeof(float);
        double excess = Math.Max(0, pixels - PixelAllowance);
        double cap = DefaultSearchMemoryCap(pixels);
        double limit = o.SearchMemoryLimit ?? Math.Min(available * MemoryShare, cap);
        string limitText = o.SearchMemoryLimit is null
            ? $"the limit of {Mb(limit)} ({MemoryShare:P0} of the {Mb(available)} available, at most {Mb(SearchFBNetOptions.DefaultSearchMemoryLimit)}" +
              (excess > 0 ? $" less the {Mb(excess)} of training pixels held beyond {Mb(PixelAllowance)})" : ")")
            : $"SearchMemoryLimit ({Mb(limit)}; {Mb(available)} available)";
        int fits = step.LargestBatchWithin(limit);
        // Capped batches are rounded down to a multiple of 8, so that the spread of the measurement between runs
        // rarely changes the batch (and with it the seeded run).
        int batch = fits >= requested ? requested : Math.Max(2, fits >= 16 ? fits / 8 * 8 : fits);
        if (fits < 2)
            throw new InvalidOperationException($"A search step needs {Mb(step.BytesAt(2))} for 2 images ({Mb(step.BytesPerImage)} per image, measured), " +
                $"more than {limitText}. Resize the images to a smaller size (ResizeImages, or --size), search the Photo or Compact space, or raise SearchMemoryLimit.");
        channel.Info(MessageSensitivity.None, $"FBNet: a search step takes {Mb(step.BytesPerImage)} per image plus {Mb(step.FixedBytes)} (measured), " +
            $"so {fits} images fit {limitText}. Search batch {batch}" +
            (batch < requested ? $" (asked for {requested}; set SearchBatchSize / --batch-size to {batch} or lower to silence this, or raise SearchMemoryLimit)." : " (as asked)."));

        int epochs = o.SearchEpochs, warmup = o.SearchWarmupEpochs;
        double fraction = 1;
        if (deadline is { } end)
        {
            // Timed at the search's own batch: the memory probe's small batches overstate the time per image.
            int timed = Math.Min(batch, Math.Max(2, (int)Math.Ceiling(train.Count * WeightSplit)));
            var timing = Guard($"the supernet of the {Describe(space)} search space", space.InputChannels, space.InputSize,
                () => StepProbe.SecondsPerImage(net, space.InputChannels, space.InputSize, space.NumClasses, device, timed));
            step = step.TimedAt(timing.Batch, timing.Median);
            double seconds = (end - DateTime.UtcNow).TotalSeconds * TimeShare;
            double weightImages = Math.Ceiling(train.Count * WeightSplit);
            double derive = (1 + o.SampledCandidates) * (4 * batch + train.Count * (1 - WeightSplit)) * step.SecondsPerImage / 3;
            // The proxy ranking trains the best few candidates for as many steps as the search made on the weights (at
            // most ProxySteps), each step about a third of a soft supernet step: left out, the proxy trainings of a
            // 224 px search (2:44) ran 1:31 past the search's share of a 15-minute budget.
            double batchesPerEpoch = Math.Ceiling(weightImages / batch);
            double Proxy(int e) => o.ProxyCandidates > 1
                ? o.ProxyCandidates * Math.Min(ProxySteps, e * batchesPerEpoch) * batch * step.SecondsPerImage / 3 : 0;
            int Warmup(int e) => e == o.SearchEpochs ? o.SearchWarmupEpochs : Math.Min(e - 1, (int)Math.Round((double)o.SearchWarmupEpochs * e / o.SearchEpochs));
            // A weight epoch and an architecture epoch each cost about one soft step per weight image; a single-path
            // weight step at its dearest draw, the widest member, 0.71x the soft step on the Photo supernet at 96 px
            // and 0.85-0.93x on the Compact one at 28 px since the soft step's fused mixing (docs/benchmarks.md,
            // section 2, session 13; it was about 0.5x before), planned at 0.9x.
            double weightShare = o.SinglePathWeightSteps ? 0.9 : 1;
            double Time(int e) => step.SecondsPerImage * weightImages * (weightShare * e + e - Warmup(e)) + derive + Proxy(e);
            epochs = 1;
            for (int e = o.SearchEpochs; e >= 1; e--)
                if (Time(e) <= seconds) { epochs = e; break; }
            warmup = Warmup(epochs);
            // Epochs are the loops' unit of time: when even one epoch on all the images does not fit, the search runs
            // one on a stratified share of them rather than overrunning the budget.
            // The share keeps at least two images of every class (so that both search splits hold every class) and
            // the search's minimum in all.
            double least = Math.Max(MinDataFraction, Math.Max(2.5 * train.ClassNames.Length, 10) / train.Count);
            // A search of fewer than MinUsefulEpochs epochs has no warm-up or a single architecture epoch: the
            // logits then learn from untrained weights (measured on a 15-minute photo search: 1 epoch on all
            // 1,800 images, entropy 20 % of uniform after it, 56.7 % test accuracy). Fewer images with a warm-up epoch and
            // two architecture epochs are the better use of the same time.
            // (When not even that share fits, the search falls back to one epoch on the share that does.)
            int useful = Math.Min(MinUsefulEpochs, o.SearchEpochs);
            int usefulWarmup = Math.Max(1, Warmup(useful));
            double usefulShare = (seconds - derive - Proxy(useful)) / (step.SecondsPerImage * weightImages * (weightShare * useful + useful - usefulWarmup));
            if (useful == MinUsefulEpochs && epochs < useful && o.SearchWarmupEpochs > 0 && usefulShare >= least)
            {
                epochs = useful;
                warmup = usefulWarmup;
                fraction = Math.Min(1, usefulShare);
            }
            else if (Time(1) > seconds) fraction = Math.Clamp(seconds / Time(1), Math.Min(1, least), 1);
            channel.Info(MessageSensitivity.None, $"FBNet: a search step takes {timing}; " +
                (fraction < 1
                    ? $"{epochs} search epoch(s) ({warmup} warm-up) on all {train.Count} images would take more than the {seconds / TimeShare:F0} s of the search's share of the time budget: " +
                      $"it runs them on a stratified {fraction:P0} of the images."
                    : $"{epochs} search epoch(s) ({warmup} warm-up) of {o.SearchEpochs} fit the search's share of the time budget ({seconds / TimeShare:F0} s)."));
        }
        return new SearchSettings(batch, epochs, warmup, fraction);
    }

    /// <summary>
    /// The default multiply-add budget of a search under a time budget (<see cref="DefaultBudget.ForTime"/>): the
    /// training steps of the space's cheapest and largest members are timed at the training batch, in the layout the
    /// training runs in, and the budget is the cost at which <see cref="FBNetOptions.DefaultMaxEpochs"/> epochs of the
    /// final training fit the time the search leaves it. The decision and its figures go to the log.
    /// </summary>
    public static double TimedBudget(SearchSpace space, CostModel cost, FBNetOptions o, int trainCount, int validationCount, TimeSpan trainingTime, IChannel channel)
    {
        var (geometric, cheapestCost, largestCost) = DefaultBudget.For(space, cost);
        var cheapestStep = TrainingStep(BudgetedDerivation.Cheapest(space, cost).Derive(space), o, trainCount);
        var largestStep = TrainingStep(BudgetedDerivation.Largest(space, cost).Derive(space), o, trainCount);
        double cheapestSeconds = cheapestStep.Median, largestSeconds = largestStep.Median;
        int epochs = FBNetOptions.DefaultMaxEpochs;
        double affordable = trainingTime.TotalSeconds * TimeShare / (epochs * (trainCount + validationCount / 3.0));
        double budget = DefaultBudget.ForTime(cheapestCost, largestCost, cheapestSeconds, largestSeconds, affordable);
        channel.Info(MessageSensitivity.None, $"FBNet: no Budget given; using {cost.Format(budget)}: a training step of the space's cheapest member " +
            $"({cost.Format(cheapestCost)}) takes {cheapestStep} and of its largest ({cost.Format(largestCost)}) {largestStep}; {epochs} epochs of the final training in the {trainingTime.TotalSeconds:F0} s the search leaves it afford about " +
            $"{affordable * 1000:F2} ms per image (the budget is kept between the geometric mean of the two, {cost.Format(geometric)}, and half the largest). " +
            "Set Budget (or --budget-mflops) to choose another.");
        return budget;
    }

    /// <summary>
    /// Training epochs that fit before <paramref name="deadline"/>: at most MaxEpochs when it is set, otherwise as many as
    /// fit (at most <see cref="FBNetOptions.TimeBudgetMaxEpochs"/>), so that a time budget shapes the schedule instead of
    /// leaving time unused (a 15-minute photo search stopped at 8:29 when the training reached 30 epochs). Without a
    /// deadline: MaxEpochs, or <see cref="FBNetOptions.DefaultMaxEpochs"/>.
    /// </summary>
    public static TrainingSettings Training(FBNetArchitecture arch, FBNetOptions o, int trainCount, int validationCount, DateTime? deadline, IChannel channel)
    {
        if (deadline is not { } end) return new TrainingSettings(o.MaxEpochs ?? FBNetOptions.DefaultMaxEpochs, 1);
        int cap = o.MaxEpochs ?? FBNetOptions.TimeBudgetMaxEpochs;
        var step = TrainingStep(arch, o, trainCount);
        // What this network's first training gets of the time left: a teacher trained first takes half
        // (RecipeSettings.CreateTeacher), and a refit repeats the work on training + validation images
        // (NetworkTrainer.Train), so planned on the whole time both would cut the schedule short after its first epoch.
        var (share, sharers) = TrainingShare(o, trainCount, validationCount);
        double seconds = (end - DateTime.UtcNow).TotalSeconds * TimeShare * share;
        double epochSeconds = step.Median * (trainCount + validationCount / 3.0);
        int epochs = (int)Math.Clamp(Math.Floor(seconds / Math.Max(epochSeconds, 1e-9)), 1, cap);
        double fraction = 1;
        if (epochSeconds > seconds)
            fraction = Math.Clamp((seconds / step.Median - validationCount / 3.0) / trainCount, MinDataFraction, 1);
        string left = sharers.Length == 0 ? $"the {seconds / TimeShare:F0} s left of the time budget" : $"this training's {seconds / TimeShare:F0} s of the time budget ({string.Join(" and ", sharers)} take the rest)";
        channel.Info(MessageSensitivity.None, $"FBNet: a training step takes {step}, " +
            $"so about {epochSeconds:F1} s per epoch: " + (fraction < 1
                ? $"not one epoch fits {left}; training runs 1 epoch on a stratified {fraction:P0} of the {trainCount} images."
                : o.MaxEpochs is null
                    ? $"{epochs} epochs fill {left} (at most {cap}; set MaxEpochs / --epochs for fewer)."
                    : $"{epochs} of {cap} epochs fit {left}."));
        return new TrainingSettings(epochs, fraction);
    }

    /// <summary>
    /// The share of the time left that the network's first training gets, and what takes the rest: a teacher trained
    /// first (<see cref="RecipeSettings.TeacherTimeShare"/>; a saved teacher costs no training), then a refit
    /// (<see cref="NetworkTrainer.FirstRunShare"/> of what remains). The same shares set those runs' deadlines.
    /// </summary>
    internal static (double Share, string[] Others) TrainingShare(FBNetOptions o, int trainCount, int validationCount)
    {
        double share = 1;
        var others = new List<string>();
        if (o.Teacher is { } teacher && !string.IsNullOrWhiteSpace(teacher) && !DistillationTeacher.IsSavedModel(teacher))
        {
            share *= 1 - RecipeSettings.TeacherTimeShare;
            others.Add("the teacher trained first");
        }
        if (o.RefitOnAllData && validationCount > 0)
        {
            share *= NetworkTrainer.FirstRunShare(trainCount, validationCount);
            others.Add("the refit");
        }
        return (share, others.ToArray());
    }

    /// <summary>
    /// Seconds per image of a final-training step of <paramref name="arch"/>, timed at the training's own batch (a small
    /// probe batch overstated the time per image fourfold) and in the layout the training runs in (NetworkTrainer:
    /// channels-last on CPU, 1.6-2x faster than NCHW).
    /// </summary>
    private static StepTiming TrainingStep(FBNetArchitecture arch, FBNetOptions o, int trainCount)
    {
        var device = TorchDevice.Resolve(o.TrainingDevice);
        int batch = Math.Max(2, Math.Min(o.BatchSize, trainCount));
        using var net = new FBNetNetwork(arch);
        net.to(device);
        ChannelsLast.ApplyForTraining(net, device);
        return Guard($"network {arch}", arch.InputChannels, arch.InputSize,
            () => StepProbe.SecondsPerImage(net, arch.InputChannels, arch.InputSize, arch.NumClasses, device, batch));
    }

    /// <summary>
    /// Runs a probe, a search or a training and turns a native error into a message that names the network and the
    /// input. Running out of memory is the machine's limit, not a fault: an <see cref="InsufficientMemoryException"/>
    /// that says what to lower. Any other native error is a fault of the search space or of this library (the input
    /// was checked against it), not of the user's data.
    /// </summary>
    public static T Guard<T>(string what, int channels, int size, Func<T> run)
    {
        try { return run(); }
        catch (ExternalException e)
        {
            string first = e.Message.Split('\n', 2)[0].Trim();
            // libtorch's words: CUDA's caching allocator "CUDA out of memory", the CPU allocator "not enough memory".
            if (first.Contains("out of memory", StringComparison.OrdinalIgnoreCase) || first.Contains("not enough memory", StringComparison.OrdinalIgnoreCase))
                throw new InsufficientMemoryException($"{what} ran out of memory on a {channels}x{size}x{size} input: \"{first}\". " +
                    "Lower BatchSize (and SearchBatchSize or SearchMemoryLimit for a search), resize the images to a smaller size, or free memory on the device.", e);
            throw new InvalidOperationException($"FBNetV2.MLNet fault: {what} failed on a {channels}x{size}x{size} input in libtorch: \"{first}\". " +
                "This is a bug in the library, not in your data; please report it with this message. Choosing another SearchSpace or input size avoids it meanwhile.", e);
        }
    }

    private static string Describe(SearchSpace s) => $"{s.InputChannels}x{s.InputSize}x{s.InputSize}, {s.Stages.Count}-stage";

    private static string Mb(double bytes) => bytes >= 1e9 ? $"{bytes / 1e9:F2} GB" : $"{bytes / 1e6:F1} MB";
}
