namespace FBNetV2.MLNet.Architecture;

/// <summary>
/// One block of a network; what the fields mean depends on its <see cref="Kind"/>. <see cref="Hidden"/> is the
/// expansion width: for an inverted residual 0 means no 1x1 expansion conv (the depthwise conv runs on the block input,
/// as in the "e1" blocks of MobileNet/FBNet).
/// </summary>
/// <param name="Kind">The block kind: inverted residual, fused MBConv or skip.</param>
/// <param name="OutChannels">Width of the block's output.</param>
/// <param name="Stride">1 keeps the map's size, 2 halves it (the first block of a stage usually downsamples).</param>
/// <param name="Kernel">Side of the depthwise (inverted residual) or full (fused) kxk conv: odd, 1 to 11.</param>
/// <param name="Hidden">Width of the expanded inner map; 0 for an inverted residual without expansion and for a skip.</param>
/// <param name="SqueezeExcite">Squeeze-and-excite on the inner map (MobileNetV3's SE, a quarter of its width).</param>
/// <param name="Activation">Non-linearity inside the block (the projection has none).</param>
public sealed record BlockSpec(
    BlockKind Kind,
    int OutChannels,
    int Stride = 1,
    int Kernel = 3,
    int Hidden = 0,
    bool SqueezeExcite = false,
    Activation Activation = Activation.Relu)
{
    /// <summary>An inverted residual block (MobileNetV2/V3, FBNet): 1x1 expansion to <paramref name="hidden"/>, depthwise kxk, optional SE, 1x1 projection.</summary>
    /// <param name="kernel">Depthwise kernel size (3 or 5 in FBNet's spaces).</param>
    /// <param name="hidden">Expanded width; 0 skips the expansion conv.</param>
    /// <param name="outChannels">Output width.</param>
    /// <param name="stride">1, or 2 to halve the map.</param>
    /// <param name="se">Add squeeze-and-excite.</param>
    /// <param name="act">Activation after the expansion and depthwise convs.</param>
    public static BlockSpec Ir(int kernel, int hidden, int outChannels, int stride = 1, bool se = false, Activation act = Activation.Relu)
        => new(BlockKind.InvertedResidual, outChannels, stride, kernel, hidden, se, act);

    /// <summary>
    /// A skip block: the identity when <paramref name="outChannels"/> equals the input width and <paramref name="stride"/>
    /// is 1 (a layer left out), else a 1x1 conv with BN and ReLU that changes width or size.
    /// </summary>
    /// <param name="outChannels">Output width.</param>
    /// <param name="stride">1, or 2 to halve the map.</param>
    public static BlockSpec SkipTo(int outChannels, int stride = 1) => new(BlockKind.Skip, outChannels, stride);

    /// <summary>Width of the block's inner map (an inverted residual's depthwise conv) for an input of <paramref name="inChannels"/> channels.</summary>
    public int HiddenWidth(int inChannels) => Type.HiddenWidth(this, inChannels);

    /// <summary>Squeeze-excite bottleneck width: a quarter of the hidden width, rounded to a multiple of 8 (MobileNetV3).</summary>
    public int SqueezeWidth(int inChannels) => Divisible.MakeDivisible(HiddenWidth(inChannels) / 4, 8);

    /// <summary>True when the block adds its input to its output.</summary>
    public bool HasResidual(int inChannels) => Type.HasResidual(this, inChannels);

    /// <summary>True for a skip block that is a pure identity (no weights, no cost).</summary>
    public bool IsIdentity(int inChannels) => Type.IsIdentity(this, inChannels);

    /// <summary>The descriptor of this block's kind.</summary>
    internal BlockType Type => BlockType.Of(Kind);
}
