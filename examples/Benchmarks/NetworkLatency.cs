using System.Globalization;
using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Latency;
using FBNetV2.MLNet.Network;
using FBNetV2.MLNet.Onnx;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// Exported-network latency of given architectures in ONNX Runtime, with the latency table's protocol (1 thread,
/// batch 1, warm-up, median of repeats, spaced passes): equal FLOPs need not mean equal speed (squeeze-excite and
/// depthwise convs cost time beyond their multiply-adds), so the equal-FLOPs baselines are timed side by side.
/// </summary>
internal static class NetworkLatency
{
    public static void Run(Dictionary<string, string> a)
    {
        // Entries separated by ';' (architecture strings contain ',' and '|'): a predefined name, "Name@MFLOPs" for a
        // name width-scaled to that many multiply-adds, or an architecture string.
        var entries = a.GetValueOrDefault("archs", "Compact-S;Compact-M").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var options = LatencyAccuracy.ProfileOptions(new Dictionary<string, string>(a) { ["rounds"] = a.GetValueOrDefault("rounds", "5") });
        var archs = entries.Select(Resolve).ToList();
        var models = archs.Select(arch =>
        {
            using var net = new FBNetNetwork(arch);
            return (OnnxExporter.Export(net), new long[] { options.Batch, arch.InputChannels, arch.InputSize, arch.InputSize });
        }).ToList();
        var ms = OnnxLatencyMeter.Typical(models, options);
        Console.WriteLine($"ONNX Runtime, {options.Threads} thread(s), batch {options.Batch}, median of {options.Repeats} calls, median over {options.Rounds} spaced passes");
        Console.WriteLine($"{"network",-26} {"MFLOPs",7} {"params",8} {"ms/image",9}");
        for (int i = 0; i < archs.Count; i++)
            Console.WriteLine($"{Label(entries[i]),-26} {archs[i].Flops / 1e6,7:F3} {archs[i].Parameters,8} {ms[i],9:F4}");
    }

    /// <summary>One entry of --archs: a name, string or file, or "Name@MFLOPs".</summary>
    internal static FBNetArchitecture Resolve(string entry)
    {
        int at = entry.IndexOf('@');
        if (at < 0) return BadFlagValueException.Architecture("archs", entry).WithClasses(10);
        var arch = BadFlagValueException.Architecture("archs", entry[..at]).WithClasses(10);
        if (!double.TryParse(entry[(at + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double mflops) || !(mflops > 0))
            throw new BadFlagValueException($"--archs: '{entry}' asks for {entry[(at + 1)..]} MFLOPs; give a positive number after '@' (for example {entry[..at]}@4.964).");
        try { return WidthScaling.ToFlops(arch, mflops * 1e6).Architecture; }
        catch (ArgumentException e) { throw new BadFlagValueException($"--archs: '{entry}': {e.Message}", e); } // a target below the narrowest width
    }

    private static string Label(string entry) => entry.Length <= 26 ? entry : entry[..23] + "...";
}
