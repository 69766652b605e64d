using FBNetV2.MLNet.Search;
using FBNetV2.MLNet.Latency;

namespace FBNetV2.MLNet;

/// <summary>
/// Options of <see cref="FBNetCatalog.SearchFBNet(Microsoft.ML.MulticlassClassificationCatalog.MulticlassClassificationTrainers, SearchFBNetOptions)"/>:
/// search an architecture under a cost budget (DMaskingNAS), then train it from scratch with the inherited options.
/// </summary>
public sealed class SearchFBNetOptions : FBNetOptions
{
    // The search's own defaults, so that these options and the library cannot disagree.
    private static readonly SearchOptions Defaults = new();

    /// <summary>
    /// Auto (Compact below 96 px, Photo from 96 px), Compact (28-64 px), Photo (96 px and up, worked on at
    /// 38-96 px: the input is average-pooled inside the network, so a CPU searches it in minutes) or ImageNet (FBNetV2's
    /// space at full resolution, 128 px and up: for a GPU); ignored when <see cref="CustomSearchSpace"/> is set.
    /// </summary>
    public SearchSpacePreset SearchSpace = SearchSpacePreset.Auto;

    /// <summary>A space of your own; its input channels, size and class count must match the data.</summary>
    public SearchSpace? CustomSearchSpace;

    /// <summary>What <see cref="Budget"/> limits: multiply-adds, parameters, or ONNX Runtime latency on this machine.</summary>
    public CostTarget CostTarget = CostTarget.Flops;

    /// <summary>
    /// Budget in millions of the target's unit (e.g. 5 = at most 5 M multiply-adds), or in milliseconds per call for
    /// <see cref="CostTarget.Latency"/>. The chosen architecture's exact cost (for latency: as the table predicts it) is at or under it.
    /// Null (the default) takes the geometric mean of the cheapest and the largest architecture of the space searched,
    /// which fits any space and input size; with a <see cref="FBNetOptions.TimeBudget"/> (and multiply-adds as the
    /// target) it takes instead what the final training can afford: the cost at which 30 epochs fit the time the search
    /// leaves, from the measured steps of the space's cheapest and largest members, kept between that geometric mean and
    /// half the largest member. The value used and its figures are written to the log.
    /// </summary>
    public double? Budget;

    /// <summary>
    /// Latency table for <see cref="CostTarget.Latency"/>; built on first use, extended when the space needs more, and
    /// refused when measured on another machine or runtime. Null uses <see cref="Latency.LatencyProfiler.DefaultPath"/>.
    /// </summary>
    public string? LatencyTablePath;

    /// <summary>ONNX Runtime intra-op threads the latency is measured for: the setting the model will be served with.</summary>
    public int LatencyThreads = 1;

    /// <summary>
    /// Epochs of the supernet search (default 10), <see cref="SearchWarmupEpochs"/> included; each epoch trains the weights
    /// on 80 % of the training rows and the architecture on the other 20 %. A <see cref="FBNetOptions.TimeBudget"/> may plan fewer.
    /// </summary>
    public int SearchEpochs = 10;

    /// <summary>Search epochs that train only the supernet's weights before the architecture starts to move.</summary>
    public int SearchWarmupEpochs = 2;

    /// <summary>
    /// Images per search step; null (the default) follows <see cref="FBNetOptions.BatchSize"/>. Either way the batch is
    /// lowered to what fits <see cref="SearchMemoryLimit"/>, measured from steps of the supernet (written to the log).
    /// </summary>
    public int? SearchBatchSize;

    /// <summary>
    /// Most bytes one search step (forward and backward of the supernet) may take; the search batch is lowered to fit,
    /// from one measured step. Null (the default): half of the memory available when the search starts, and at most
    /// 1.5 GB (<see cref="DefaultSearchMemoryLimit"/>): on a CPU larger batches buy little speed per image and the
    /// memory is better left to the rest of the machine. Set it higher on a machine with memory to spare.
    /// </summary>
    public long? SearchMemoryLimit;

    /// <summary>
    /// The absolute cap of a step's memory when <see cref="SearchMemoryLimit"/> is null. A whole search peaks about
    /// 2 GB above one step (the data, the runtimes, the C heap's free blocks): with a 2 GB cap a 15-minute Photo
    /// search of a 2,000-image folder peaked at 4.2 GB resident; 1.5 GB keeps such a search under 4 GB. Training pixels
    /// beyond 0.25 GB (the same folder at 96 px holds 0.2 GB; at 224 px 1.08 GB) are taken off it, down to 0.5 GB.
    /// </summary>
    public const long DefaultSearchMemoryLimit = 1_500_000_000;

    /// <summary>Adam's learning rate for the architecture logits; null (the default) sizes it to the number of
    /// architecture steps, so that a logit with a consistent gradient moves by about <see cref="ArchitectureTravel"/>
    /// over the search whatever the data set's size. FBNet used 0.01.</summary>
    public double? ArchitectureLearningRate;

    /// <summary>How far (in logits) an architecture logit with a consistent gradient can move over the whole search
    /// when <see cref="ArchitectureLearningRate"/> is null (default 6; a gap of 2 between two logits is an 88/12
    /// choice). Larger values let the distribution settle further (docs/benchmarks.md section 7 measures 6 and 9).</summary>
    public double ArchitectureTravel = Defaults.ArchitectureTravel;

    /// <summary>Weight decay of the architecture logits; default 0, because decay pulls the distribution back towards
    /// uniform and on a short search undoes most of what the architecture steps learn. FBNet used 5e-4.</summary>
    public double ArchitectureWeightDecay = Defaults.ArchitectureWeightDecay;

    /// <summary>The architecture steps divide the gradient by one second moment shared by all logits instead of each
    /// logit's own (Adam, as FBNet), so that a logit moves in proportion to its gradient. Default false: measured on
    /// Fashion-MNIST at 60 epochs, with the default travel its pick scored no better; with ArchitectureTravel 9 its
    /// three seeds scored +0.28 / -0.13 / +0.08 against MobileNetV3-Small-28 (mean +0.08, the default search -0.04),
    /// and on the synthetic shapes it scored no better than the default search (docs/benchmarks.md section 7,
    /// sessions 32-34).</summary>
    public bool GlobalArchitectureSecondMoment = Defaults.GlobalArchitectureSecondMoment;

    /// <summary>Weight of the distribution's mean entropy in the architecture loss, reached linearly by the last
    /// architecture step (default 0.05): it makes each decision commit to the option its gradient favoured. 0 keeps
    /// FBNet's loss.</summary>
    public double EntropyWeight = Defaults.EntropyWeight;

    /// <summary>Exponent w of a parameters term, loss = CE * cost term * E[parameters]^-w (default 0: none): at equal cost
    /// the distribution favours options with more parameters, which the short search undervalues against the long final
    /// training. Measured at w = 0.2 on Fashion-MNIST (5 M multiply-adds, 60 epochs): the picks reached MobileNetV3-Small's parameter count
    /// (283-313 K, over half the FLOPs at 4x4) and scored 94.26 / 94.07 % against the default search's
    /// 94.24 / 94.12 %, so it is off by default (docs/benchmarks.md section 7, session 36). At w = 0.5 it outweighs
    /// the cost term (expected cost 2.7x the budget). Refused with a parameters budget.</summary>
    public double ParameterWeight = Defaults.ParameterWeight;

    /// <summary>alpha of FBNet's cost term, loss = CE * alpha * log(c)^beta (default and FBNet: 0.2).</summary>
    public double CostAlpha = Defaults.CostAlpha;

    /// <summary>beta of FBNet's cost term, loss = CE * alpha * log(c)^beta (default and FBNet: 0.6).</summary>
    public double CostBeta = Defaults.CostBeta;

    /// <summary>Whether the cost term also rises below the budget, pulling the expected cost towards the budget from
    /// both sides (default true); false keeps FBNet's one-sided term, flat below the budget.</summary>
    public bool TwoSidedCost = Defaults.TwoSidedCost;

    /// <summary>Gumbel-softmax temperature of the warm-up and the first architecture step (default and FBNet: 5.0).</summary>
    public double InitialTemperature = Defaults.InitialTemperature;

    /// <summary>Temperature of the last architecture step (default 0.5): the temperature falls geometrically over the
    /// architecture steps only, to where soft samples still carry gradient to every option.</summary>
    public double FinalTemperature = Defaults.FinalTemperature;

    /// <summary>FBNet's schedule instead of <see cref="FinalTemperature"/>: the temperature is multiplied by this factor
    /// every epoch from the first (FBNet: 0.956 over 90 epochs). Null (the default): the architecture-step schedule.</summary>
    public double? TemperatureDecay = Defaults.TemperatureDecay;

    /// <summary>Architectures sampled from the learned distribution besides the argmax, each fitted to the budget.</summary>
    public int SampledCandidates = 4;

    /// <summary>The best candidates by inherited weights that are trained from scratch for a short proxy (300
    /// optimizer steps at most, never more than the search made on the weights) to rank them; 0 or 1 ranks by
    /// inherited weights only. Default 3.</summary>
    public int ProxyCandidates = 3;

    /// <summary>
    /// Weight steps train one architecture per batch drawn from the current distribution (one resolution, one block
    /// type per layer, one-hot widths: the supernet computes a single path, at most 1.1x the widest member's step)
    /// instead of the soft Gumbel mix of every option that FBNetV2 trains its weights with (false: about 1.2x at 28 px,
    /// 1.46x on the photo preset at 96 px, which also runs the half-resolution path; docs/benchmarks.md section 2).
    /// The architecture steps are the soft DMaskingNAS relaxation either way. Default false.
    /// </summary>
    public bool SinglePathWeightSteps;

    /// <summary>Folder for the search checkpoint (resumed when Fit runs again with the same data and options); null keeps none.</summary>
    public string? WorkspacePath;

    /// <summary>Called after every search epoch; each epoch is also written to MLContext.Log.</summary>
    public IProgress<SearchProgress>? SearchProgress;

    /// <summary>
    /// Called as each derived candidate is scored after the search (inherited weights, then the proxy training of the
    /// best <see cref="ProxyCandidates"/>); each is also written to MLContext.Log.
    /// </summary>
    public IProgress<CandidateScore>? CandidateProgress;

    /// <summary>The preset names <see cref="SearchSpace"/> accepts.</summary>
    internal static string PresetList => string.Join(", ", Enum.GetNames<SearchSpacePreset>());

    /// <summary>
    /// The search space these options resolve to for an input of <paramref name="channels"/> x <paramref name="size"/> x
    /// <paramref name="size"/> pixels and <paramref name="classes"/> classes: <see cref="CustomSearchSpace"/> when set, else
    /// the <see cref="SearchSpace"/> preset built for that input (for profiling its latency table ahead of the search, say).
    /// </summary>
    public SearchSpace ResolveSpace(int channels, int size, int classes) => CustomSearchSpace ?? SearchSpace switch
    {
        SearchSpacePreset.Auto => Search.SearchSpace.Auto(channels, size, classes),
        SearchSpacePreset.Compact => Search.SearchSpace.Compact(channels, size, classes),
        SearchSpacePreset.Photo => PhotoSearchSpace.Create(channels, size, classes),
        SearchSpacePreset.ImageNet => Search.SearchSpace.ImageNet(channels, size, classes),
        _ => throw new ArgumentException($"SearchSpace {(int)SearchSpace} is not a SearchSpacePreset; use {PresetList}, or set CustomSearchSpace.", nameof(SearchSpace)),
    };
}
