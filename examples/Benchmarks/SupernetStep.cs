using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Search;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// Milliseconds of one weight step (forward, cross-entropy, backward, SGD) of the compact space's masked supernet on
/// 1x28x28 inputs with soft Gumbel weights, as the search runs it: the figure to watch when the space grows (issue 14
/// item 4 allows at most about 1.3x). <c>--space both</c> alternates the current compact space with the one before
/// issue 14 item 4 (<see cref="PreviousCompact"/>) round by round, so that background load hits both alike, and prints
/// each space's size and cost range.
/// </summary>
internal static class SupernetStep
{
    /// <param name="a">--batch 64, --steps 10, --rounds 3, --size 28, --space current|previous|both.</param>
    public static void Run(Dictionary<string, string> a)
    {
        int batch = int.Parse(a.GetValueOrDefault("batch", "64"));
        int steps = int.Parse(a.GetValueOrDefault("steps", "10"));
        int rounds = int.Parse(a.GetValueOrDefault("rounds", "3"));
        int size = int.Parse(a.GetValueOrDefault("size", "28"));
        string which = a.GetValueOrDefault("space", "current");
        var spaces = new List<(string Name, SearchSpace Space)>();
        if (which is "previous" or "both") spaces.Add(("previous", PreviousCompact(size)));
        if (which is "current" or "both") spaces.Add(("current", SearchSpace.Compact(1, size, 10)));
        Console.WriteLine($"Compact supernet weight step, batch {batch}, 1x{size}x{size}, {get_num_threads()} threads, median of {steps} steps per round");
        foreach (var (name, space) in spaces)
        {
            var (budget, cheapest, largest) = DefaultBudget.For(space, CostModel.Flops);
            Console.WriteLine($"{name}: {space.Decisions.Count} decisions, 10^{space.Log10Size:F1} architectures, {cheapest / 1e6:F3} to {largest / 1e6:F1} MFLOPs (default budget {budget / 1e6:F2})");
        }
        var medians = spaces.ToDictionary(s => s.Name, _ => new List<double>());
        for (int round = 1; round <= rounds; round++)
            foreach (var (name, space) in spaces)
            {
                using var net = new Supernet(space, [0.3f], [0.35f]);
                double ms = TrainingThroughput.Measure(net, channelsLast: false, steps, batch, size);
                medians[name].Add(ms);
                Console.WriteLine($"round {round} {name}: {ms:F1} ms/step ({batch * 1000 / ms:F0} img/s)");
            }
        foreach (var (name, list) in medians)
            Console.WriteLine($"{name}: median over rounds {list.Order().ElementAt(list.Count / 2):F1} ms/step");
        if (medians.Count == 2)
            Console.WriteLine($"current / previous: {medians["current"].Order().ElementAt(rounds / 2) / medians["previous"].Order().ElementAt(rounds / 2):F2}x");
    }

    /// <summary>The compact space as it was before issue 14 item 4: four candidates, absolute hidden widths, fixed head, fewer blocks at 7x7 and 4x4.</summary>
    public static SearchSpace PreviousCompact(int size)
    {
        CandidateOp[] ops = [new(3, false, Activation.Relu), new(5, false, Activation.Relu), new(3, true, Activation.HSwish), new(5, true, Activation.HSwish)];
        return new SearchSpace(1, size, 10, [1, 2], StageSpace.Range(8, 16), 1,
        [
            new StageSpace(StageSpace.Range(8, 16), 1, 1, StageSpace.Range(16, 32), ops),
            new StageSpace(StageSpace.Range(16, 32), 2, 3, StageSpace.Range(32, 96, 16), ops),
            new StageSpace(StageSpace.Range(24, 48), 2, 3, StageSpace.Range(48, 192, 24), ops),
            new StageSpace(StageSpace.Range(48, 96, 16), 2, 2, StageSpace.Range(96, 384, 48), ops),
        ],
        new HeadSpec(256, 0, Activation.HSwish));
    }
}
