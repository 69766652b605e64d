using FBNetV2.MLNet.Architecture;

namespace FBNetV2.MLNet.Latency;

/// <summary>
/// What a latency table has to cover: the layer families (with width grids and fragment builders) and a few whole
/// networks that fix the per-call overhead. <see cref="Search.SearchSpace"/> implements it: pass a search space to
/// <see cref="LatencyProfiler"/> to build the table it needs. Its members are internal, so that this layer needs nothing
/// from the search (the search depends on latency, not the other way round).
/// </summary>
public interface ILatencyCoverage
{
    /// <summary>Every family needed, possibly repeated with different axes (they are merged).</summary>
    internal IEnumerable<LatencyFragments.Plan> LatencyNeeds(int gridPoints);

    /// <summary>Seeded whole networks of the space whose timings fix the per-call overhead.</summary>
    internal IEnumerable<FBNetArchitecture> CalibrationNetworks();
}
