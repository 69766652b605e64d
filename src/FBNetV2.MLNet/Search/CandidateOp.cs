using FBNetV2.MLNet.Architecture;

namespace FBNetV2.MLNet.Search;

/// <summary>One candidate inverted-residual type for a searched layer (FBNet's block choice): kernel, SE, activation.</summary>
public sealed record CandidateOp(int Kernel, bool SqueezeExcite, Activation Activation)
{
    public override string ToString() => $"ir_k{Kernel}{(SqueezeExcite ? "_se" : "")}{(Activation == Activation.HSwish ? "_hs" : "")}";
}
