using FBNetV2.MLNet.Architecture;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Search;

/// <summary>Multiply-adds of one forward pass (exact count; budgets in millions).</summary>
internal sealed class FlopsCost : CostModel
{
    internal static readonly CostUnit CostUnit = new("multiply-adds", "MFLOPs", 1e6, "millions of multiply-adds", 3);

    public override CostTarget Target => CostTarget.Flops;
    public override double Of(FBNetArchitecture architecture) => architecture.Flops;
    public override Tensor Expected(SearchSpace space, IReadOnlyList<Tensor> probabilities) => ExpectedCost.Compute(space, probabilities).Flops;
}
