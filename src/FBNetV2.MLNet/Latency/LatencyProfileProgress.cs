namespace FBNetV2.MLNet.Latency;

/// <summary>Progress of a profiling run: measurements done of those needed, and the family being measured.</summary>
public sealed record LatencyProfileProgress(int Done, int Total, string Family, TimeSpan Elapsed)
{
    public override string ToString() => $"latency profile {Done}/{Total} measurements ({Family}), {Elapsed:mm\\:ss}";
}
