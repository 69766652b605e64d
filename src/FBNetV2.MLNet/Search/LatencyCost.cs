using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Latency;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Search;

/// <summary>ONNX Runtime latency predicted from a measured <see cref="LatencyTable"/> (milliseconds per call).</summary>
internal sealed class LatencyCost(LatencyTable table) : CostModel
{
    internal static readonly CostUnit CostUnit = new("latency", "ms", 1, "milliseconds", 4);

    public override CostTarget Target => CostTarget.Latency;
    public override LatencyTable? Table => table;
    public override double Of(FBNetArchitecture architecture) => LatencyModel.Predict(table, architecture);
    public override Tensor Expected(SearchSpace space, IReadOnlyList<Tensor> probabilities) => ExpectedLatency.Compute(space, probabilities, table);
}
