using FBNetV2.MLNet.Search;

namespace FBNetV2.MLNet.Runs;

/// <summary>What an end-to-end run (the main job, <c>fbnet search</c>, <c>fbnet train</c>) does and where it writes.</summary>
public sealed class RunOptions
{
    /// <summary>An image folder (a subfolder per class, or train/ and test/ each with a subfolder per class) or a folder of IDX files (MNIST / Fashion-MNIST).</summary>
    public required string DataPath { get; init; }
    public required string OutputDirectory { get; init; }

    /// <summary>Replace results already in <see cref="OutputDirectory"/>; without it such a folder is an error.</summary>
    public bool Force { get; init; }

    /// <summary>Null searches an architecture; otherwise a predefined name, architecture string or JSON path to train.</summary>
    public string? Architecture { get; init; }

    /// <summary>
    /// Budget of <see cref="CostTarget"/> in its budget unit (<see cref="CostModel.UnitOf"/>: millions of multiply-adds or
    /// of parameters, despite the name); ignored when <see cref="BudgetMilliseconds"/> is set. Null: the geometric mean
    /// of the searched space's cheapest and largest architectures (<see cref="DefaultBudget"/>).
    /// </summary>
    public double? BudgetMFlops { get; init; }
    public CostTarget CostTarget { get; init; } = CostTarget.Flops;

    /// <summary>When set, the search limits ONNX Runtime latency on this machine to this many milliseconds per image instead.</summary>
    public double? BudgetMilliseconds { get; init; }

    /// <summary>Latency table to use and extend; null uses <see cref="Latency.LatencyProfiler.DefaultPath"/>.</summary>
    public string? LatencyTablePath { get; init; }

    /// <summary>ONNX Runtime threads the latency budget is meant for.</summary>
    public int LatencyThreads { get; init; } = 1;
    public SearchSpacePreset SearchSpace { get; init; } = SearchSpacePreset.Auto;
    public int SearchEpochs { get; init; } = 10;
    public int FinalEpochs { get; init; } = 30;
    public int BatchSize { get; init; } = 128;
    public TimeSpan? TimeBudget { get; init; }
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

    public bool HorizontalFlip { get; init; } = true;
    public IProgress<string>? Log { get; init; }

    /// <summary>Training-recipe settings (weight decay, EMA, erasing, refit, distillation); unset ones keep the library defaults.</summary>
    public RunRecipe Recipe { get; init; } = new();
}
