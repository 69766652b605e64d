using FBNetV2.MLNet.Architecture;

namespace FBNetV2.MLNet.Reports;

/// <summary>
/// One layer of the network as the report lists and draws it: its short description, the widths and map sizes it
/// maps between, and its exact cost. <see cref="Stage"/> is 0 for the stem, 1..n for the stages and n+1 for the head.
/// </summary>
internal sealed record LayerRow(string Name, string Description, int Stage, int InChannels, int OutChannels,
    int InSize, int OutSize, long Flops, long Parameters)
{
    /// <summary>The rows of <paramref name="a"/>, stem to classifier, with costs from <see cref="ArchitectureCost"/>.</summary>
    public static IReadOnlyList<LayerRow> Of(FBNetArchitecture a)
    {
        // Costs come from the one cost model; matching by layer name keeps the rows and costs from drifting apart.
        var cost = ArchitectureCost.Of(a).Layers.ToDictionary(l => l.Name);
        var rows = new List<LayerRow>();
        void Add(string name, string description, int stage, int inC, int outC, int inSize, int outSize)
        {
            var c = cost[name];
            rows.Add(new LayerRow(name, description, stage, inC, outC, inSize, outSize, c.Flops, c.Parameters));
        }

        int size = FBNetArchitecture.ConvOut(a.Resolution, a.Stem.Stride);
        Add("stem", $"conv k{a.Stem.Kernel} c{a.Stem.OutChannels} s{a.Stem.Stride}{Act(a.Stem.Activation)}", 0,
            a.InputChannels, a.Stem.OutChannels, a.Resolution, size);
        foreach (var (block, inC, inSize, s, i) in a.Blocks())
            Add($"s{s + 1}.b{i + 1}", ArchitectureString.FormatBlock(block, inC).Replace('_', ' '), s + 1,
                inC, block.OutChannels, inSize, FBNetArchitecture.ConvOut(inSize, block.Stride));

        int head = a.Stages.Count + 1, c = a.BodyChannels, body = a.BodySize;
        if (a.Head.Channels > 0)
        {
            Add("head.conv", $"conv k1 c{a.Head.Channels}{Act(a.Head.Activation)}", head, c, a.Head.Channels, body, body);
            c = a.Head.Channels;
        }
        if (a.Head.Features > 0)
        {
            Add("head.fc", $"pool, fc {a.Head.Features}{Act(a.Head.Activation)}", head, c, a.Head.Features, body, 1);
            c = a.Head.Features;
        }
        // Global pooling sits before the first fully connected layer, so the map shrinks to 1x1 there.
        bool pooled = a.Head.Features > 0;
        Add("classifier", (pooled ? "" : "pool, ") + $"fc {a.NumClasses}", head, c, a.NumClasses, pooled ? 1 : body, 1);
        return rows;
    }

    private static string Act(Activation act) => act == Activation.HSwish ? " hs" : "";
}
