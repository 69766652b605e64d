using FBNetV2.MLNet.Architecture;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Search;

/// <summary>Trainable parameters (exact count; budgets in millions).</summary>
internal sealed class ParameterCost : CostModel
{
    internal static readonly CostUnit CostUnit = new("parameters", "M parameters", 1e6, "millions of parameters", 3);

    public override CostTarget Target => CostTarget.Parameters;
    public override double Of(FBNetArchitecture architecture) => architecture.Parameters;
    public override Tensor Expected(SearchSpace space, IReadOnlyList<Tensor> probabilities) => ExpectedCost.Compute(space, probabilities).Parameters;
}
