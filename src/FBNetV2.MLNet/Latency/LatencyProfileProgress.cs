namespace FBNetV2.MLNet.Latency;

/// <summary>Progress of a profiling run: measurements done of those needed, and the family being measured.</summary>
/// <param name="Done">Measurements finished so far (one per model and pass).</param>
/// <param name="Total">Measurements in all: the models times <see cref="LatencyProfileOptions.Rounds"/>.</param>
/// <param name="Family">The layer family (or "whole networks") being timed.</param>
/// <param name="Elapsed">Time since profiling started.</param>
public sealed record LatencyProfileProgress(int Done, int Total, string Family, TimeSpan Elapsed)
{
    /// <summary>One line for a log, e.g. <c>latency profile 120/324 measurements (ir|k3|se0|relu|st1|s14), 01:12</c>.</summary>
    public override string ToString() => $"latency profile {Done}/{Total} measurements ({Family}), {Elapsed:mm\\:ss}";
}
