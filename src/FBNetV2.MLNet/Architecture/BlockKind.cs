namespace FBNetV2.MLNet.Architecture;

/// <summary>The two block types of the FBNet space.</summary>
public enum BlockKind
{
    /// <summary>Inverted residual: optional 1x1 expansion, depthwise kxk, optional SE, 1x1 projection.</summary>
    InvertedResidual,

    /// <summary>Skip: identity when width and size are kept (this is how depth is searched), else a 1x1 conv.</summary>
    Skip,
}
