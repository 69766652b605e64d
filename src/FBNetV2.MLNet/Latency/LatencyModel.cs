using FBNetV2.MLNet.Architecture;

namespace FBNetV2.MLNet.Latency;

/// <summary>
/// Predicted ONNX Runtime latency of a whole network from a <see cref="LatencyTable"/>: the sum of its layers'
/// latencies, each less the per-call overhead that its own measurement included (and at least zero), plus that
/// overhead once.
/// </summary>
internal static class LatencyModel
{
    public static double Predict(LatencyTable table, FBNetArchitecture a)
    {
        double o = table.OverheadMilliseconds;
        // A layer never costs less than nothing, even where timing noise puts its measurement under the call overhead.
        return o + Layers(table, a).Sum(t => Math.Max(0, t - o));
    }

    /// <summary>The table's timing of each layer of the network, as measured on its own (call overhead included).</summary>
    public static IEnumerable<double> Layers(LatencyTable table, FBNetArchitecture a)
    {
        yield return table.Family(LatencyKeys.Input(a.InputChannels, a.InputSize, a.Subsample)).At(Array.Empty<double>());
        yield return table.Family(LatencyKeys.Stem(a.InputChannels, a.Resolution, a.Stem.Kernel, a.Stem.Stride, a.Stem.Activation)).At(a.Stem.OutChannels);
        foreach (var (block, inC, inSize, s, i) in a.Blocks())
        {
            if (block.IsIdentity(inC)) continue;
            var latency = block.Type as ILatencyBlock ?? throw new NotSupportedException(
                $"stage {s + 1} block {i + 1}: latency tables cover the blocks of the search spaces and identity skips, not a {block.Type.Token} block that changes width or size.");
            yield return table.Family(latency.LatencyKey(block, inSize)).At(latency.LatencyWidths(block, inC));
            if (block.HasResidual(inC)) yield return table.Family(LatencyKeys.Add(FBNetArchitecture.ConvOut(inSize, block.Stride))).At(block.OutChannels);
        }
        yield return table.Family(LatencyKeys.Head(a.Head, a.BodySize, a.NumClasses)).At(a.BodyChannels);
    }
}
