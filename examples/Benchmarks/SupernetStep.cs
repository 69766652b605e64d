using FBNetV2.MLNet.Search;
using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// Milliseconds of one weight step (forward, cross-entropy, backward, SGD) of the compact space's masked supernet on
/// 1x28x28 inputs with soft Gumbel weights, as the search runs it: the figure to watch when the space grows (issue 14
/// item 4 allows at most about 1.3x). Rounds alternate nothing; run it on an idle machine and compare medians.
/// </summary>
internal static class SupernetStep
{
    /// <param name="a">--batch 64, --steps 10, --rounds 3, --size 28.</param>
    public static void Run(Dictionary<string, string> a)
    {
        int batch = int.Parse(a.GetValueOrDefault("batch", "64"));
        int steps = int.Parse(a.GetValueOrDefault("steps", "10"));
        int rounds = int.Parse(a.GetValueOrDefault("rounds", "3"));
        int size = int.Parse(a.GetValueOrDefault("size", "28"));
        var space = SearchSpace.Compact(1, size, 10);
        Console.WriteLine($"Compact supernet weight step, batch {batch}, 1x{size}x{size}, {get_num_threads()} threads, median of {steps} steps, " +
            $"{space.Decisions.Count} decisions, 10^{space.Log10Size:F1} architectures");
        var medians = new List<double>();
        for (int round = 1; round <= rounds; round++)
        {
            using var net = new Supernet(space, [0.3f], [0.35f]);
            double ms = TrainingThroughput.Measure(net, channelsLast: false, steps, batch, size);
            medians.Add(ms);
            Console.WriteLine($"round {round}: {ms:F1} ms/step ({batch * 1000 / ms:F0} img/s)");
        }
        Console.WriteLine($"median over rounds: {medians.Order().ElementAt(medians.Count / 2):F1} ms/step");
    }
}
