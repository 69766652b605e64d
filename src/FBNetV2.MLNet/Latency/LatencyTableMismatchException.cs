namespace FBNetV2.MLNet.Latency;

/// <summary>A latency table was measured on another machine, runtime, execution provider, thread count or batch size.</summary>
public sealed class LatencyTableMismatchException : InvalidOperationException
{
    public LatencyTableMismatchException(string message) : base(message) { }
}
