namespace FBNetV2.MLNet.Latency;

/// <summary>A latency table was measured on another machine, runtime, execution provider, thread count or batch size.</summary>
public sealed class LatencyTableMismatchException : InvalidOperationException
{
    /// <summary>A mismatch described by <paramref name="message"/>: which setting differs, and how to rebuild the table.</summary>
    public LatencyTableMismatchException(string message) : base(message) { }
}
