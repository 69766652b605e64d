using FBNetV2.MLNet.Search;

namespace FBNetV2.MLNet.Runs;

/// <summary>What an end-to-end run (the main job, <c>fbnet search</c>, <c>fbnet train</c>) does and where it writes.</summary>
public sealed class RunOptions
{
    /// <summary>An image folder (a subfolder per class, or train/ and test/ each with a subfolder per class) or a folder of IDX files (MNIST / Fashion-MNIST).</summary>
    public required string DataPath { get; init; }

    /// <summary>Folder the run writes model.zip, model.onnx, architecture.json, metrics.json and report/ into (created if missing).</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Replace results already in <see cref="OutputDirectory"/>; without it such a folder is an error.</summary>
    public bool Force { get; init; }

    /// <summary>Null searches an architecture; otherwise a predefined name, architecture string or JSON path to train.</summary>
    public string? Architecture { get; init; }

    /// <summary>
    /// Budget of <see cref="CostTarget"/> in its budget unit (millions of multiply-adds or of parameters, despite the
    /// name); ignored when <see cref="BudgetMilliseconds"/> is set. Null: the trainer's default
    /// (<see cref="SearchFBNetOptions.Budget"/>: the geometric mean of the searched space's cheapest and largest
    /// architectures, or with a <see cref="TimeBudget"/> what the final training can afford).
    /// </summary>
    public double? BudgetMFlops { get; init; }

    /// <summary>What <see cref="BudgetMFlops"/> limits: multiply-adds (default) or parameters; a <see cref="BudgetMilliseconds"/> makes it latency.</summary>
    public CostTarget CostTarget { get; init; } = CostTarget.Flops;

    /// <summary>When set, the search limits ONNX Runtime latency on this machine to this many milliseconds per image instead.</summary>
    public double? BudgetMilliseconds { get; init; }

    /// <summary>Latency table to use and extend; null uses <see cref="Latency.LatencyProfiler.DefaultPath"/>.</summary>
    public string? LatencyTablePath { get; init; }

    /// <summary>ONNX Runtime threads the latency budget is meant for.</summary>
    public int LatencyThreads { get; init; } = 1;

    /// <summary>The search space preset (default Auto: Compact below 96 px, Photo from 96 px); see <see cref="SearchFBNetOptions.SearchSpace"/>.</summary>
    public SearchSpacePreset SearchSpace { get; init; } = SearchSpacePreset.Auto;

    /// <summary>Epochs of the architecture search (default 10; the first two train only the weights, or all but one when there are fewer than three).</summary>
    public int SearchEpochs { get; init; } = 10;

    /// <summary>
    /// Epochs of training the final network and each baseline from scratch (<see cref="FBNetOptions.MaxEpochs"/>): null,
    /// the default, trains 30 without a <see cref="TimeBudget"/> and as many as fit with one.
    /// </summary>
    public int? FinalEpochs { get; init; }

    /// <summary>Images per training step (default 128), also the search's batch before it is fitted to memory.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>
    /// Images per search step (<see cref="SearchFBNetOptions.SearchBatchSize"/>); null: <see cref="BatchSize"/>. The
    /// search is still lowered to what fits its memory limit, measured. A search step holds every candidate's
    /// activations, so it dominates a run's peak memory: a smaller search batch lowers the peak.
    /// </summary>
    public int? SearchBatchSize { get; init; }

    /// <summary>Wall-clock limit for the whole run; the search gets at most half of the fit's share, and no epoch starts after it. Null: none.</summary>
    public TimeSpan? TimeBudget { get; init; }

    /// <summary>Seed of the test split, the search and the training (default 1).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// Square size images are resized to; null keeps the data's own size (the first image's) up to
    /// <see cref="DefaultMaxImageSize"/>, and larger images are resized to that (the ImageNet preset keeps the full size).
    /// </summary>
    public int? ImageSize { get; init; }

    /// <summary>
    /// Largest side images get when <see cref="ImageSize"/> is not given: photos are worked on at reduced resolution so
    /// that a CPU searches and trains in minutes; the saved model.zip resizes every image it scores to the same size.
    /// </summary>
    public const int DefaultMaxImageSize = 96;

    /// <summary>1 or 3; null guesses from the images.</summary>
    public int? Channels { get; init; }

    /// <summary>Share of each class held out for testing when the data has no test split.</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>Predefined architectures trained with the same recipe for the accuracy-vs-FLOPs comparison.</summary>
    public IReadOnlyList<string> Baselines { get; init; } = [];

    /// <summary>Random left-right mirroring while training (default on); turn it off for digits and text.</summary>
    public bool HorizontalFlip { get; init; } = true;

    /// <summary>Receives the run's progress lines (data, budget, epochs, results); null runs quietly.</summary>
    public IProgress<string>? Log { get; init; }

    /// <summary>Training-recipe settings (weight decay, EMA, erasing, refit, distillation); unset ones keep the library defaults.</summary>
    public RunRecipe Recipe { get; init; } = new();

    /// <summary>Search-algorithm settings (architecture learning, FBNet's loss and temperature, candidate ranking); unset ones keep the library defaults. Ignored when <see cref="Architecture"/> is given.</summary>
    public RunSearchSettings Search { get; init; } = new();
}
