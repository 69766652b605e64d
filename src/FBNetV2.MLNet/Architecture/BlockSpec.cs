namespace FBNetV2.MLNet.Architecture;

/// <summary>
/// One block of a network; what the fields mean is up to its kind's <see cref="BlockType"/>. <see cref="Hidden"/> is the
/// expansion width: for an inverted residual 0 means no 1x1 expansion conv (the depthwise conv runs on the block input,
/// as in the "e1" blocks of MobileNet/FBNet).
/// </summary>
public sealed record BlockSpec(
    BlockKind Kind,
    int OutChannels,
    int Stride = 1,
    int Kernel = 3,
    int Hidden = 0,
    bool SqueezeExcite = false,
    Activation Activation = Activation.Relu)
{
    public static BlockSpec Ir(int kernel, int hidden, int outChannels, int stride = 1, bool se = false, Activation act = Activation.Relu)
        => new(BlockKind.InvertedResidual, outChannels, stride, kernel, hidden, se, act);

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
