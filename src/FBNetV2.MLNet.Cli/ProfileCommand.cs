using System.CommandLine;
using FBNetV2.MLNet.Latency;

namespace FBNetV2.MLNet.Cli;

/// <summary><c>fbnet profile</c>: builds or refreshes the latency table a latency-budgeted search reads.</summary>
internal static class ProfileCommand
{
    public static Command Create(CliIO io)
    {
        var size = CliOptions.Int("--size", "Square input size of the images the model will see", 8, 1024, "28");
        var channels = CliOptions.Channels(byDefault: "1");
        var classes = CliOptions.Int("--classes", "Number of classes", 2, 100000, "10");
        var preset = CliOptions.Preset();
        var threads = CliOptions.LatencyThreads();
        var table = CliOptions.LatencyTable();
        var repeats = CliOptions.Int("--repeats", "Timed inference calls per measurement; the median is kept", 1, 100000, "50");
        var rounds = CliOptions.Int("--rounds", "Spaced passes over all measurements; each keeps its median over the passes (timings on shared machines drift in stretches)", 1, 100, "3");
        var grid = CliOptions.Int("--grid-points", "Widths measured per width axis (evenly spread, ends included); the rest are interpolated", 2, 64, "3");
        var rebuild = CliOptions.Flag("--rebuild", "Replace a table measured on another machine, runtime or thread count (otherwise that is an error)");
        var json = CliOptions.Flag("--json", "Print a summary as JSON on stdout (progress goes to stderr)");
        var command = new Command("profile", "Measure the latency of every layer of a search space in ONNX Runtime on this machine and save the " +
            "lookup table that 'fbnet search --budget-ms' reads. Only what the table lacks is measured.")
            { size, channels, classes, preset, threads, table, repeats, rounds, grid, rebuild, json };
        command.SetAction(p => FBNetCli.Guard(io, () =>
        {
            bool asJson = p.GetValue(json);
            var log = asJson ? io.Err : io.Out;
            int s = p.GetValue(size) ?? 28, c = p.GetValue(channels) ?? 1, k = p.GetValue(classes) ?? 10;
            var space = new SearchFBNetOptions { SearchSpace = p.GetValue(preset) ?? SearchSpacePreset.Auto }.ResolveSpace(c, s, k);
            string path = p.GetValue(table) ?? LatencyProfiler.DefaultPath();
            if (Directory.Exists(path)) throw new CliInputException($"--latency-table '{path}' is a folder; give a file path such as {Path.Combine(path, "latency-table.json")}.");
            log.WriteLine($"Profiling a {c}x{s}x{s} space (10^{space.Log10Size:F1} architectures, {k} classes) into {Path.GetFullPath(path)}");
            var printer = new LinePrinter(log);
            var result = LatencyProfiler.LoadOrBuild(path, space, new LatencyProfileOptions
            {
                Threads = p.GetValue(threads) ?? 1,
                Repeats = p.GetValue(repeats) ?? 50,
                Rounds = p.GetValue(rounds) ?? 3,
                GridPoints = p.GetValue(grid) ?? 3,
                Progress = new ProgressLines(printer),
            }, p.GetValue(rebuild), io.Cancel);
            int measurements = result.Families.Values.Sum(f => f.Milliseconds.Length);
            if (asJson)
                CliJson.Write(io.Out, new { table = Path.GetFullPath(path), families = result.Families.Count, measurements, overheadMs = result.OverheadMilliseconds, identity = result.Identity });
            else
                io.Out.WriteLine($"Latency table {Path.GetFullPath(path)}: {result.Families.Count} layer families, {measurements} measurements, " +
                    $"call overhead {result.OverheadMilliseconds * 1000:F1} us; {result.Identity}.");
            return FBNetCli.Success;
        }));
        return command;
    }

    /// <summary>Prints each report at once, on the profiling thread (Progress&lt;T&gt; would post it to the thread pool).</summary>
    private sealed class ProgressLines(LinePrinter printer) : IProgress<LatencyProfileProgress>
    {
        public void Report(LatencyProfileProgress value) => printer.Report(value.ToString());
    }
}
