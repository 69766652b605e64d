namespace FBNetV2.MLNet.Architecture;

/// <summary>Cost of one layer: multiply-adds for one image and trainable parameters.</summary>
internal readonly record struct LayerCost(string Name, long Flops, long Parameters);

/// <summary>
/// Exact costs counted from the description. FLOPs are multiply-adds of convolutions and fully connected layers, as
/// in the FBNet/FBNetV2 papers (BN, activations, additions and pooling are not counted). Parameters are everything
/// trainable: conv and linear weights, biases, BN scale and shift.
/// </summary>
internal sealed class ArchitectureCost
{
    private ArchitectureCost(IReadOnlyList<LayerCost> layers) => Layers = layers;

    public IReadOnlyList<LayerCost> Layers { get; }
    public long Flops => Layers.Sum(l => l.Flops);
    public long Parameters => Layers.Sum(l => l.Parameters);

    /// <summary>kxk conv (no bias) followed by BN, on an output map of outSize x outSize.</summary>
    public static (long Flops, long Params) ConvBn(int inC, int outC, int kernel, int outSize, int groups = 1) =>
        ((long)outSize * outSize * kernel * kernel * (inC / groups) * outC, (long)kernel * kernel * (inC / groups) * outC + 2L * outC);

    /// <summary>Fully connected layer (or 1x1 conv on a 1x1 map) with bias.</summary>
    public static (long Flops, long Params) Linear(int inF, int outF) => ((long)inF * outF, (long)inF * outF + outF);

    /// <summary>Costs of one block given the width and size of its input.</summary>
    public static IEnumerable<(string Part, long Flops, long Params)> Block(BlockSpec b, int inC, int inSize) => b.Type.Costs(b, inC, inSize);

    public static ArchitectureCost Of(FBNetArchitecture a)
    {
        var layers = new List<LayerCost>();
        int stemSize = FBNetArchitecture.ConvOut(a.Resolution, a.Stem.Stride);
        var (sf, sp) = ConvBn(a.InputChannels, a.Stem.OutChannels, a.Stem.Kernel, stemSize);
        layers.Add(new("stem", sf, sp));
        foreach (var (block, inC, inSize, s, i) in a.Blocks())
        {
            long f = 0, p = 0;
            foreach (var part in Block(block, inC, inSize)) { f += part.Flops; p += part.Params; }
            layers.Add(new($"s{s + 1}.b{i + 1}", f, p));
        }
        int c = a.BodyChannels, size = a.BodySize;
        if (a.Head.Channels > 0)
        {
            var (f, p) = ConvBn(c, a.Head.Channels, 1, size);
            layers.Add(new("head.conv", f, p));
            c = a.Head.Channels;
        }
        if (a.Head.Features > 0)
        {
            var (f, p) = Linear(c, a.Head.Features);
            layers.Add(new("head.fc", f, p));
            c = a.Head.Features;
        }
        var (cf, cp) = Linear(c, a.NumClasses);
        layers.Add(new("classifier", cf, cp));
        return new ArchitectureCost(layers);
    }
}
