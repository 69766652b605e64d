namespace FBNetV2.MLNet.Latency;

/// <summary>
/// A fixed network timed in the same passes as a latency table's layers (<see cref="Milliseconds"/>) and again when
/// the table is used (<see cref="NowMilliseconds"/>). Their ratio is the machine's speed drift between the two
/// sittings; predictions are scaled by it (<see cref="LatencyTable.DriftScale"/>).
/// </summary>
/// <param name="Architecture">The reference network's architecture string.</param>
/// <param name="Milliseconds">Its median time among the table's measurements.</param>
/// <param name="NowMilliseconds">Its median time when the table was put to use; null in a saved table.</param>
public sealed record LatencyReference(string Architecture, double Milliseconds, double? NowMilliseconds = null)
{
    /// <summary>
    /// The reference: small enough to time in a second, with the layer kinds the tables hold (stem, inverted
    /// residuals with and without SE and residual add, head). Fixed forever: a table's reference must be the one
    /// timed again.
    /// </summary>
    public const string DefaultArchitecture = "in_c1_s28|conv_k3_c16_s1_hs|ir_k3_e4_c24_s2|ir_k5_e4_c24_se|ir_k3_e6_c40_s2_hs|head_c128_f0|cls10";
}
