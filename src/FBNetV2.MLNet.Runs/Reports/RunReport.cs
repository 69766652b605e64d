using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Search;
using FBNetV2.MLNet.Training;

namespace FBNetV2.MLNet.Reports;

/// <summary>
/// Everything the run report shows, as plain data, so the main job and the CLI fill it from what they already hold
/// and <see cref="ReportWriter"/> needs nothing else. Optional parts (no search for <c>fbnet train</c>, no test set)
/// are left null or empty and then left out of the page.
/// </summary>
/// <param name="Title">Heading of the page.</param>
/// <param name="Architecture">The network that was finally trained.</param>
public sealed record RunReport(string Title, FBNetArchitecture Architecture)
{
    /// <summary>What the model was trained on, e.g. "Fashion-MNIST, 60000 train / 10000 test, 28x28 gray".</summary>
    public string? DataDescription { get; init; }

    /// <summary>Accuracy of the final model on the test set, as a fraction.</summary>
    public double? TestAccuracy { get; init; }

    /// <summary>The search that chose the architecture; null when the architecture was given.</summary>
    public SearchResult? Search { get; init; }

    /// <summary>Per-epoch history of the final training.</summary>
    public IReadOnlyList<TrainingProgress> Training { get; init; } = [];

    /// <summary>The searched model and the baselines, for the accuracy-versus-MFLOPs plot.</summary>
    public IReadOnlyList<ModelPoint> Comparison { get; init; } = [];

    /// <summary>The cost budget as the user gave it, e.g. "5 MFLOPs".</summary>
    public string? Budget { get; init; }

    /// <summary>Wall-clock time of each phase, in order, e.g. ("search", 00:12:03), ("training", 00:30:41).</summary>
    public IReadOnlyList<KeyValuePair<string, TimeSpan>> Timings { get; init; } = [];

    /// <summary>Anything else worth recording (seed, device, command line), shown as given.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Facts { get; init; } = [];

    /// <summary>The training recipe as it ran, shown in its own table; null leaves the table out.</summary>
    public Training.TrainingRecipe? Recipe { get; init; }
}
