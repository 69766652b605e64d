using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Search;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// Where a network spends its multiply-adds and parameters: the stem, each stage (with the map size it works at), the
/// head and the classifier, as exact counts and shares of the whole. Two networks at equal FLOPs can spend them very
/// differently (a search that favours the high-resolution stages against a MobileNet that puts its FLOPs and
/// parameters into the 4x4 stage); this puts them side by side, and says whether each is a member of the search space
/// its input gets. Entries as network-latency's.
/// </summary>
internal static class Allocation
{
    public static void Run(Dictionary<string, string> a)
    {
        var entries = a.GetValueOrDefault("archs", "Compact-M;MobileNetV3-Small-28@4.964;HandCNN-28@4.964")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var entry in entries)
        {
            var arch = NetworkLatency.Resolve(entry);
            var cost = ArchitectureCost.Of(arch);
            // The side of the map each part works on: the stem's output, each stage's last block's output, the body's.
            var maps = arch.Blocks().GroupBy(b => b.StageIndex)
                .ToDictionary(g => $"s{g.Key + 1}", g => FBNetArchitecture.ConvOut(g.Last().InSize, g.Last().Block.Stride));
            maps["stem"] = FBNetArchitecture.ConvOut(arch.Resolution, arch.Stem.Stride);
            maps["head"] = arch.BodySize;
            var parts = cost.Layers.GroupBy(l => Part(l.Name)).Select(g => (Name: g.Key, Flops: g.Sum(l => l.Flops), Params: g.Sum(l => l.Parameters))).ToList();
            Console.WriteLine($"{entry}: {cost.Flops / 1e6:F3} MFLOPs, {cost.Parameters} parameters");
            // Whether the search could have picked it: a hand-made variant outside the space says nothing about the search.
            var space = SearchSpace.Auto(arch.InputChannels, arch.InputSize, arch.NumClasses);
            Console.WriteLine(space.TryChoiceOf(arch, out _, out var reason)
                ? "  a member of the search space the input size gets"
                : $"  not a member of the search space the input size gets: {reason}");
            Console.WriteLine($"  {"part",-11} {"map",4} {"MFLOPs",8} {"share",7} {"params",8} {"share",7}");
            foreach (var (name, flops, parameters) in parts)
            {
                string map = maps.TryGetValue(name, out int side) ? side.ToString() : "-";
                Console.WriteLine($"  {name,-11} {map,4} {flops / 1e6,8:F3} {100.0 * flops / cost.Flops,6:F1}% {parameters,8} {100.0 * parameters / cost.Parameters,6:F1}%");
            }
            Console.WriteLine();
        }
    }

    /// <summary>The part a layer of <see cref="ArchitectureCost"/> belongs to: "stem", "s2" for "s2.b1", "head", "classifier".</summary>
    private static string Part(string layer) => layer switch
    {
        "stem" or "classifier" => layer,
        _ when layer.StartsWith("head.", StringComparison.Ordinal) => "head",
        _ when layer.StartsWith('s') && layer.Contains('.') => layer[..layer.IndexOf('.')],
        _ => throw new InvalidOperationException($"Unknown layer name '{layer}' in the architecture's costs."),
    };
}
