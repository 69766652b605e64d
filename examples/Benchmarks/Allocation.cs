using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Search;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// Where a network spends its multiply-adds and parameters: the stem, each stage (with the map size it works at), the
/// head and the classifier, as exact counts and shares of the whole. Two networks at equal FLOPs can spend them very
/// differently (a search that favours the high-resolution stages against a MobileNet that puts its FLOPs and
/// parameters into the 4x4 stage); this puts them side by side, and says whether each is a member of the search space
/// its input gets. Entries as network-latency's. With <c>--checkpoint DIR</c> (a folder a search wrote its checkpoint
/// to) it also says how likely the search's last distribution found each member, and on which decisions it differs
/// from the most likely option: whether a network the search did not pick lies where the search was heading.
/// </summary>
internal static class Allocation
{
    public static void Run(Dictionary<string, string> a)
    {
        var entries = a.GetValueOrDefault("archs", "Compact-M;MobileNetV3-Small-28@4.964;HandCNN-28@4.964")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var learned = a.TryGetValue("checkpoint", out var folder) ? ReadCheckpoint(folder) : null;
        if (learned is { Count: 0 }) throw new BadFlagValueException($"The checkpoint in '{folder}' holds no finished epoch.");
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
            bool member = space.TryChoiceOf(arch, out var choice, out var reason);
            Console.WriteLine(member
                ? "  a member of the search space the input size gets"
                : $"  not a member of the search space the input size gets: {reason}");
            if (member && learned is not null) PrintLikelihood(space, choice, learned[^1], folder!);
            Console.WriteLine($"  {"part",-11} {"map",4} {"MFLOPs",8} {"share",7} {"params",8} {"share",7}");
            foreach (var (name, flops, parameters) in parts)
            {
                string map = maps.TryGetValue(name, out int side) ? side.ToString() : "-";
                Console.WriteLine($"  {name,-11} {map,4} {flops / 1e6,8:F3} {100.0 * flops / cost.Flops,6:F1}% {parameters,8} {100.0 * parameters / cost.Parameters,6:F1}%");
            }
            Console.WriteLine();
        }
    }

    /// <summary>A missing or unreadable checkpoint is the flag's problem: reported as bad input (exit code 2), not a crash.</summary>
    private static IReadOnlyList<IReadOnlyList<DecisionDistribution>> ReadCheckpoint(string folder)
    {
        try { return SearchCheckpoint.ReadDistributions(folder); }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException) { throw new BadFlagValueException($"--checkpoint: {e.Message}", e); }
    }

    /// <summary>
    /// The member's log-probability under a learned distribution against the most likely member's (budget aside), then
    /// every decision where the member takes another option than the decision's most likely. A skipped block's hidden
    /// width shapes nothing (every option gives the same network), so it is left out of both: counted, it charged a
    /// member with a skip for a placeholder option, so members with more skips looked less likely than they were.
    /// The most likely member is printed too, so it can be compared (and checked: read back, its log p is the stated best).
    /// </summary>
    private static void PrintLikelihood(SearchSpace space, ArchitectureChoice choice, IReadOnlyList<DecisionDistribution> learned, string folder)
    {
        var decisions = space.Decisions;
        // The checkpoint must be of this space: the same decisions with the same options, in the same order.
        bool same = learned.Count == decisions.Count && decisions.All(d => learned[d.Index].Name == d.Label && learned[d.Index].Options.SequenceEqual(d.Options));
        if (!same)
            throw new BadFlagValueException($"The checkpoint in '{folder}' was written by a search over another space ({learned.Count} decisions, " +
                $"this network's space {decisions.Count}); give a checkpoint of a search on data of this network's input size.");
        var p = learned.Select(d => d.Probabilities).ToArray();
        var flat = choice.ToFlat(space);
        var mostLikely = BudgetedDerivation.MostLikely(space, p);
        double best = BudgetedDerivation.LogProbability(space, mostLikely, p);
        var shaping = BudgetedDerivation.Shaping(space, flat);
        double logP = BudgetedDerivation.LogProbability(space, choice, p);
        var off = shaping.Where(i => p[i][flat[i]] < p[i].Max()).Select(i => decisions[i]).ToList();
        Console.WriteLine($"  log p {logP:F2} under the checkpoint's last distribution (most likely member {best:F2}); " +
            $"{off.Count} of {shaping.Count} decisions that shape it off the most likely option:");
        foreach (var d in off)
        {
            int top = Array.IndexOf(p[d.Index], p[d.Index].Max());
            Console.WriteLine($"    {d.Label,-28} {d.Options[flat[d.Index]],8} p {p[d.Index][flat[d.Index]]:G3}   most likely {d.Options[top],8} p {p[d.Index][top]:G3}");
        }
        Console.WriteLine($"  most likely member: {mostLikely.Derive(space)}");
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
