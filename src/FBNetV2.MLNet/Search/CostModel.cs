using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Latency;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Search;

/// <summary>
/// What a budget limits, as the search needs it: the exact cost of an architecture (for the budget guarantee), the
/// differentiable expected cost of a distribution (for the loss), and its unit (for budgets, messages and reports).
/// One subclass per <see cref="CostTarget"/>, registered in <see cref="Targets"/>; the search, the derivation, the
/// estimator, the CLI and the reports go through it rather than through the enum.
/// </summary>
internal abstract class CostModel
{
    public static CostModel Flops { get; } = new FlopsCost();
    public static CostModel Parameters { get; } = new ParameterCost();

    /// <summary>Every target: its unit and how to make its model (latency needs a measured table).</summary>
    private static readonly Dictionary<CostTarget, (CostUnit Unit, Func<LatencyTable?, CostModel> Create)> Targets = new()
    {
        [CostTarget.Flops] = (FlopsCost.CostUnit, _ => Flops),
        [CostTarget.Parameters] = (ParameterCost.CostUnit, _ => Parameters),
        [CostTarget.Latency] = (LatencyCost.CostUnit, table => Latency(table ?? throw new ArgumentException(
            "CostTarget.Latency needs a latency table: set SearchOptions.LatencyTable (LatencyProfiler.LoadOrBuild, or `fbnet profile`).", nameof(table)))),
    };

    public static CostModel Latency(LatencyTable table) => new LatencyCost(table ?? throw new ArgumentNullException(nameof(table)));

    /// <summary>The model for a target; latency needs its table.</summary>
    public static CostModel For(CostTarget target, LatencyTable? table) => Entry(target).Create(table);

    /// <summary>The unit of a target, without needing its model (a latency table, say).</summary>
    public static CostUnit UnitOf(CostTarget target) => Entry(target).Unit;

    private static (CostUnit Unit, Func<LatencyTable?, CostModel> Create) Entry(CostTarget target) =>
        Targets.TryGetValue(target, out var entry) ? entry
            : throw new ArgumentOutOfRangeException(nameof(target), $"Unknown cost target {(int)target}; expected {string.Join(", ", Targets.Keys)}.");

    public abstract CostTarget Target { get; }

    public CostUnit Unit => UnitOf(Target);

    /// <summary>The latency table a latency model predicts from; null for counted targets.</summary>
    public virtual LatencyTable? Table => null;

    /// <summary>The exact cost in raw units: multiply-adds, parameters, or predicted milliseconds.</summary>
    public abstract double Of(FBNetArchitecture architecture);

    /// <summary>Differentiable expected cost in raw units under per-decision probabilities (<see cref="SearchSpace.Decisions"/> order).</summary>
    public abstract Tensor Expected(SearchSpace space, IReadOnlyList<Tensor> probabilities);

    public string Format(double cost) => Unit.Format(cost);

    public static string Format(double cost, CostTarget target) => UnitOf(target).Format(cost);
}
