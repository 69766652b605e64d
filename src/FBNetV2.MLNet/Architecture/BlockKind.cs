namespace FBNetV2.MLNet.Architecture;

/// <summary>The block kinds; each has one <see cref="BlockType"/> descriptor, registered in <c>Blocks/BlockCatalog</c>.</summary>
public enum BlockKind
{
    /// <summary>Inverted residual: optional 1x1 expansion, depthwise kxk, optional SE, 1x1 projection.</summary>
    InvertedResidual,

    /// <summary>Skip: identity when width and size are kept (this is how depth is searched), else a 1x1 conv.</summary>
    Skip,

    /// <summary>Fused MBConv (EfficientNetV2; timm's EdgeResidual): full kxk conv to the hidden width, optional SE, 1x1 projection.</summary>
    Fused,
}
