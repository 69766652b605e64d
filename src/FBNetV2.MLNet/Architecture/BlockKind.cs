namespace FBNetV2.MLNet.Architecture;

/// <summary>The kinds of block a network is made of (<see cref="BlockSpec.Kind"/>).</summary>
public enum BlockKind
{
    /// <summary>Inverted residual: optional 1x1 expansion, depthwise kxk, optional SE, 1x1 projection. Token <c>ir</c>.</summary>
    InvertedResidual,

    /// <summary>Skip: identity when width and size are kept (this is how depth is searched), else a 1x1 conv. Token <c>skip</c>.</summary>
    Skip,

    /// <summary>Fused MBConv (EfficientNetV2; timm's EdgeResidual): full kxk conv to the hidden width, optional SE, 1x1 projection. Token <c>fused</c>.</summary>
    Fused,
}
