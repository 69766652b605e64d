using FBNetV2.MLNet.Architecture;

namespace FBNetV2.MLNet.Search;

/// <summary>
/// One candidate block type for a searched layer (FBNet's block choice): kind, kernel, SE, activation. The kind must
/// have a searchable super-module (inverted residual, fused MBConv); the widths come from the layer's width decisions.
/// </summary>
/// <param name="Kernel">Side of the block's kxk conv: odd, 1 to 11.</param>
/// <param name="SqueezeExcite">Whether the block has squeeze-and-excite.</param>
/// <param name="Activation">Non-linearity inside the block.</param>
/// <param name="Kind">Inverted residual (default) or fused MBConv.</param>
public sealed record CandidateOp(int Kernel, bool SqueezeExcite, Activation Activation, BlockKind Kind = BlockKind.InvertedResidual)
{
    /// <summary>The block this candidate stands for at the given widths and stride.</summary>
    public BlockSpec ToSpec(int hidden, int outChannels, int stride) => new(Kind, outChannels, stride, Kernel, hidden, SqueezeExcite, Activation);

    /// <summary>The option's label in decisions and reports, e.g. <c>ir_k5_se_hs</c>.</summary>
    public override string ToString() =>
        $"{BlockType.Of(Kind).Token}_k{Kernel}{(SqueezeExcite ? "_se" : "")}{(Activation == Activation.HSwish ? "_hs" : "")}";
}
