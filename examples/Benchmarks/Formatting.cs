using System.Globalization;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>Number formats the commands print and the smoke tests parse.</summary>
public static class Formatting
{
    /// <summary>
    /// A fraction as a signed percentage with one decimal ("+1.3%", "-0.4%", "+0.0%"). The custom format "+0.0%;-0.0%"
    /// printed "-+0.0%" for a small negative value that rounds to zero, which the latency smoke test's pattern rightly
    /// refused (CI, session 32).
    /// </summary>
    public static string SignedPercent(double fraction)
    {
        double rounded = Math.Round(fraction * 100, 1);
        return (rounded == 0 ? 0.0 : rounded).ToString("+0.0;-0.0;+0.0", CultureInfo.InvariantCulture) + "%";
    }
}
