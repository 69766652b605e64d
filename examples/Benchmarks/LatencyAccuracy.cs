using System.Diagnostics;
using FBNetV2.MLNet.Latency;
using FBNetV2.MLNet.Network;
using FBNetV2.MLNet.Onnx;
using FBNetV2.MLNet.Search;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// How well the latency table predicts whole networks: builds (or reuses) the table for the compact space at 28 px,
/// samples networks uniformly from the space, measures each exported network in ONNX Runtime with the same protocol,
/// and prints predicted against measured latency, Kendall's tau and the mean relative error.
/// </summary>
internal static class LatencyAccuracy
{
    public static void Run(Dictionary<string, string> a)
    {
        int count = int.Parse(a.GetValueOrDefault("networks", "20"));
        int seed = int.Parse(a.GetValueOrDefault("seed", "1"));
        var options = ProfileOptions(a);
        options.Progress = new Progress<LatencyProfileProgress>(p => Console.Error.WriteLine("  " + p));
        // By default a fresh table, so that layers and whole networks are timed in one sitting: this machine's speed
        // drifts between stretches of minutes (see latency-noise), and a table from another stretch would carry that drift.
        string path = a.GetValueOrDefault("table", Path.Combine(Path.GetTempPath(), $"fbnet-latency-{Guid.NewGuid():N}.json"));
        var space = SearchSpace.Compact(1, 28, 10);
        var clock = Stopwatch.StartNew();
        var table = LatencyProfiler.LoadOrBuild(path, space, options, rebuildForeign: a.ContainsKey("rebuild"));
        Console.WriteLine($"table {path}: {table.Families.Count} families, {table.Families.Values.Sum(f => f.Milliseconds.Length)} measurements, " +
            $"overhead {table.OverheadMilliseconds * 1000:F1} us, ready in {clock.Elapsed:mm\\:ss}; {table.Identity}");

        var random = new Random(seed);
        var archs = Enumerable.Range(0, count).Select(_ => ArchitectureChoice.Random(space, random).Derive(space)).ToList();
        // Exported on one torch thread, as the library does before it times anything (OnnxLatencyMeter.QuietTorch):
        // libtorch's OpenMP workers spin after each parallel op and took the core ONNX Runtime was timed on.
        var models = OnnxLatencyMeter.QuietTorch(() => archs.Select(arch =>
        {
            using var net = new FBNetNetwork(arch);
            return (OnnxExporter.Export(net), new long[] { options.Batch, arch.InputChannels, arch.InputSize, arch.InputSize });
        }).ToList());
        // Whole networks are timed with the protocol the table was built with (spaced passes, median over them), twice:
        // the agreement of the two measurements with each other is the ceiling for any prediction on this machine.
        // --network-rounds: more passes for the 20 networks than for the thousands of table entries steadies the reference.
        var networkOptions = new LatencyProfileOptions { Threads = options.Threads, Repeats = options.Repeats, WarmupRuns = options.WarmupRuns, Rounds = int.Parse(a.GetValueOrDefault("network-rounds", options.Rounds.ToString())) };
        // The table's reference networks (its calibration networks) are timed in the same passes as the networks: their
        // times now against their times among the table's layers measure the machine's speed drift since the table was
        // measured; the median ratio scales the predictions.
        var references = LatencyProfiler.ReferenceModels(table, options.Batch);
        models.AddRange(references);
        WarmPass(models, options);
        var measuredAll = OnnxLatencyMeter.Typical(models, networkOptions);
        var againAll = OnnxLatencyMeter.Typical(models, networkOptions);
        var measured = measuredAll[..count];
        var again = againAll[..count];
        var raw = table;
        if (references.Count > 0)
        {
            table = raw.WithReferencesNow(measuredAll[count..]);
            var second = raw.WithReferencesNow(againAll[count..]);
            Console.WriteLine($"drift scale {table.DriftScale:F3} (median of {references.Count} calibration networks, now / with the table; {second.DriftScale:F3} from the second measurement); " +
                "per network: " + string.Join(", ", table.References.Select(r => $"{r.NowMilliseconds:F4}/{r.Milliseconds:F4}")));
        }
        else Console.WriteLine("drift scale 1 (the table holds no reference networks: no drift correction)");
        var rows = archs.Select((arch, i) => (Predicted: LatencyModel.Predict(table, arch), Measured: measured[i])).ToList();
        var uncorrected = archs.Select((arch, i) => (Predicted: LatencyModel.Predict(raw, arch), Measured: measured[i])).ToList();
        Console.WriteLine($"{"#",3} {"MFLOPs",7} {"predicted ms",12} {"measured ms",11} {"error",7} {"again ms",8}  architecture");
        for (int i = 0; i < count; i++)
        {
            Console.WriteLine($"{i + 1,3} {archs[i].Flops / 1e6,7:F3} {rows[i].Predicted,12:F4} {rows[i].Measured,11:F4} {(rows[i].Predicted - rows[i].Measured) / rows[i].Measured,7:P1} {again[i],8:F4}  {archs[i]}");
            ResultCsv.Append(a.GetValueOrDefault("csv"), "mflops,predicted_ms,measured_ms,measured_again_ms", archs[i].Flops / 1e6, rows[i].Predicted, rows[i].Measured, again[i]);
        }
        double mre = rows.Average(r => Math.Abs(r.Predicted - r.Measured) / r.Measured);
        double signed = rows.Average(r => (r.Predicted - r.Measured) / r.Measured);
        var repeat = measured.Zip(again).ToList();
        Console.WriteLine($"table, uncorrected:   mean signed error {Formatting.SignedPercent(uncorrected.Average(r => (r.Predicted - r.Measured) / r.Measured))}, mean relative error {uncorrected.Average(r => Math.Abs(r.Predicted - r.Measured) / r.Measured):P1}, Kendall tau {KendallTau(uncorrected):F3}");
        Console.WriteLine($"table vs measured:    mean signed error {Formatting.SignedPercent(signed)} (target within +-5%), mean relative error {mre:P1} (target <= 10%), Kendall tau {KendallTau(rows):F3}, {count} networks, {options.Threads} thread(s)");
        Console.WriteLine($"measured vs measured: Kendall tau {KendallTau(repeat):F3}, mean relative difference {repeat.Average(r => Math.Abs(r.First - r.Second) / r.First):P1} (the same networks timed twice: the noise floor)");
        if (!a.ContainsKey("table")) File.Delete(path);
    }

    /// <summary>
    /// One untimed pass over the models with the table's protocol, so that timing starts on a warm machine (in two of
    /// three runs, 2026-12-02, the first networks of a cold first measurement read 24-34 % slow).
    /// </summary>
    internal static void WarmPass(IReadOnlyList<(byte[] Model, long[] InputShape)> models, LatencyProfileOptions options) =>
        OnnxLatencyMeter.Typical(models, new LatencyProfileOptions { Threads = options.Threads, Repeats = options.Repeats, WarmupRuns = options.WarmupRuns, Rounds = 1 });

    /// <summary>
    /// The table's protocol from the command line: --threads 1, --repeats 50, --rounds 3, --warmup 10 and --grid-points 3
    /// (the library's defaults; the smoke test passes small ones so that a table builds in seconds).
    /// </summary>
    public static LatencyProfileOptions ProfileOptions(Dictionary<string, string> a) => new()
    {
        Threads = int.Parse(a.GetValueOrDefault("threads", "1")),
        Repeats = int.Parse(a.GetValueOrDefault("repeats", "50")),
        Rounds = int.Parse(a.GetValueOrDefault("rounds", "3")),
        WarmupRuns = int.Parse(a.GetValueOrDefault("warmup", "10")),
        GridPoints = int.Parse(a.GetValueOrDefault("grid-points", "3")),
    };

    /// <summary>Kendall's tau-b between the two columns.</summary>
    public static double KendallTau(IReadOnlyList<(double X, double Y)> rows)
    {
        long concordant = 0, discordant = 0, tiesX = 0, tiesY = 0;
        for (int i = 0; i < rows.Count; i++)
            for (int j = i + 1; j < rows.Count; j++)
            {
                int sx = Math.Sign(rows[i].X - rows[j].X), sy = Math.Sign(rows[i].Y - rows[j].Y);
                if (sx == 0 && sy == 0) continue;
                if (sx == 0) tiesX++;
                else if (sy == 0) tiesY++;
                else if (sx == sy) concordant++;
                else discordant++;
            }
        return (concordant - discordant) / Math.Sqrt((double)(concordant + discordant + tiesX) * (concordant + discordant + tiesY));
    }
}
