namespace FBNetV2.MLNet.Latency;

/// <summary>
/// A whole network timed in the same passes as a latency table's layers (<see cref="Milliseconds"/>) and again when
/// the table is put to use (<see cref="NowMilliseconds"/>). A table keeps several (its calibration networks); the
/// median over them of now / at build is the machine's speed drift between the two sittings, and predictions are
/// scaled by it (<see cref="LatencyTable.DriftScale"/>).
/// </summary>
/// <param name="Architecture">The network's architecture string.</param>
/// <param name="Milliseconds">Its time among the table's measurements (median over the table's passes).</param>
/// <param name="NowMilliseconds">Its time when the table was put to use (same protocol); null in a saved table.</param>
public sealed record LatencyReference(string Architecture, double Milliseconds, double? NowMilliseconds = null);
