using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Latency;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Search;

/// <summary>
/// What a budget limits, as the search needs it: the exact cost of an architecture (for the budget guarantee) and
/// the differentiable expected cost of a distribution (for the loss). Multiply-adds and parameters are counted;
/// latency is predicted from a measured <see cref="LatencyTable"/>.
/// </summary>
public sealed class CostModel
{
    private CostModel(CostTarget target, LatencyTable? table) { Target = target; Table = table; }

    public static CostModel Flops { get; } = new(CostTarget.Flops, null);
    public static CostModel Parameters { get; } = new(CostTarget.Parameters, null);
    public static CostModel Latency(LatencyTable table) => new(CostTarget.Latency, table ?? throw new ArgumentNullException(nameof(table)));

    /// <summary>The model for a target; latency needs its table.</summary>
    public static CostModel For(CostTarget target, LatencyTable? table) => target switch
    {
        CostTarget.Flops => Flops,
        CostTarget.Parameters => Parameters,
        CostTarget.Latency => Latency(table ?? throw new ArgumentException(
            "CostTarget.Latency needs a latency table: set SearchOptions.LatencyTable (LatencyProfiler.LoadOrBuild, or `fbnet profile`).", nameof(table))),
        _ => throw new ArgumentOutOfRangeException(nameof(target), $"Unknown cost target {(int)target}; expected Flops, Parameters or Latency."),
    };

    public CostTarget Target { get; }
    public LatencyTable? Table { get; }

    /// <summary>Multiply-adds, parameters, or predicted milliseconds.</summary>
    public double Of(FBNetArchitecture architecture) => Target switch
    {
        CostTarget.Flops => architecture.Flops,
        CostTarget.Parameters => architecture.Parameters,
        _ => LatencyModel.Predict(Table!, architecture),
    };

    public Tensor Expected(SearchSpace space, IReadOnlyList<Tensor> probabilities)
    {
        if (Target == CostTarget.Latency) return ExpectedLatency.Compute(space, probabilities, Table!);
        var (flops, parameters) = ExpectedCost.Compute(space, probabilities);
        return Target == CostTarget.Flops ? flops : parameters;
    }

    public string Format(double cost) => Format(cost, Target);

    public static string Format(double cost, CostTarget target) => target switch
    {
        CostTarget.Flops => $"{cost / 1e6:F3} MFLOPs",
        CostTarget.Parameters => $"{cost / 1e6:F3} M parameters",
        _ => $"{cost:F4} ms",
    };
}
