using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Network;
using FBNetV2.MLNet.Onnx;

namespace FBNetV2.MLNet.Latency;

/// <summary>
/// Builds and refreshes latency tables: exports every layer family a search space needs at each point of its width
/// grid, times it in ONNX Runtime on this machine (warm-up calls, then the median of timed calls, over spaced passes;
/// see <see cref="LatencyProfileOptions"/>) and records the medians. Families a table already holds at the needed widths
/// are not measured again. <c>fbnet profile</c> does the same from the command line.
/// </summary>
public static class LatencyProfiler
{
    /// <summary>
    /// Measures what <paramref name="existing"/> lacks for <paramref name="space"/> (everything when it is null) and
    /// returns the completed table. An existing table must come from this configuration.
    /// </summary>
    public static LatencyTable Profile(ILatencyCoverage space, LatencyTable? existing, LatencyProfileOptions options, CancellationToken cancellationToken = default) =>
        Profile(space, existing, options, OnnxLatencyMeter.Typical, cancellationToken);

    /// <summary>
    /// Times models for the table: each model's typical milliseconds per call with the options' protocol
    /// (<see cref="OnnxLatencyMeter.Typical"/>; tests pass a fake). Progress: (done, total, index of the model just timed, elapsed).
    /// </summary>
    internal delegate double[] Meter(IReadOnlyList<(byte[] Model, long[] InputShape)> models, LatencyProfileOptions options,
        Action<int, int, int, TimeSpan>? progress, CancellationToken cancellationToken);

    internal static LatencyTable Profile(ILatencyCoverage space, LatencyTable? existing, LatencyProfileOptions options, Meter meter, CancellationToken cancellationToken = default) =>
        OnnxLatencyMeter.QuietTorch(() => ProfileQuietly(space, existing, options, meter, cancellationToken));

    private static LatencyTable ProfileQuietly(ILatencyCoverage space, LatencyTable? existing, LatencyProfileOptions options, Meter meter, CancellationToken cancellationToken)
    {
        options.Validate();
        var identity = options.Identity();
        existing?.EnsureMatches(identity, "given");
        var missing = LatencyFragments.For(space, options.GridPoints)
            .Select(p => existing is not null && existing.Families.TryGetValue(p.Key, out var have)
                ? Covers(have.Axes, p.Axes) ? null : p with { Axes = p.Axes.Zip(have.Axes, (x, y) => x.Union(y).Order().ToArray()).ToArray() }
                : p)
            .OfType<LatencyFragments.Plan>().ToList();
        if (existing is not null && missing.Count == 0) return existing;

        // Every model is built once, then all are timed in passes (see LatencyProfileOptions.Rounds). A new table also
        // times a few whole networks of the space (its calibration networks), to learn the per-call overhead that each
        // layer's own timing included. They are timed in the same passes (and so at the same speed of the machine) as
        // the layers and kept as the table's references: timed again when the table is used, they measure the drift.
        var calibration = existing is null || existing.References.Count == 0 ? space.CalibrationNetworks().ToList() : [];
        // A table with references that is extended times them again in the same passes as the new layers, so that the
        // new layers can be stored at the speed the table was built at (its other families' and references'):
        // stored at today's speed, they would be scaled by the drift a second time whenever the table is used.
        var rebuiltReferences = existing is { References.Count: > 0 } ? existing.References.Select(r => FBNetArchitecture.Parse(r.Architecture)).ToList() : [];
        var models = calibration.Concat(rebuiltReferences).Select(a => ExportForTiming(a, options.Batch)).ToList();
        int firstLayer = models.Count;
        var owners = new List<int>();
        for (int i = 0; i < missing.Count; i++)
            foreach (var widths in LatencyFamily.GridPoints(missing[i].Axes))
            {
                models.Add(missing[i].Build(widths, options.Batch));
                owners.Add(i);
            }
        var times = meter(models, options, (done, total, index, elapsed) => options.Progress?.Report(new LatencyProfileProgress(
            done, total, index < firstLayer ? "whole networks" : missing[owners[index - firstLayer]].Key, elapsed)), cancellationToken);

        // The inverse of the drift as LatencyTable.Drift computes it (median over the references of now / at build).
        double toBuildSpeed = rebuiltReferences.Count > 0
            ? 1 / OnnxLatencyMeter.Median(existing!.References.Select((r, k) => times[calibration.Count + k] / r.Milliseconds).ToArray()) : 1;
        var layerTimes = times.Skip(firstLayer).Select(t => t * toBuildSpeed).ToArray();
        // Each family's grid points were queued together, in order.
        var measured = new List<LatencyFamily>();
        for (int i = 0, offset = 0; i < missing.Count; offset += measured[^1].Milliseconds.Length, i++)
            measured.Add(new LatencyFamily(missing[i].Key, missing[i].Axes, layerTimes[offset..(offset + LatencyFamily.GridSize(missing[i].Axes))]));
        var raw = (existing ?? new LatencyTable(identity, 0, [])).With(measured);
        double overhead = existing?.MeasuredOverheadMilliseconds ?? Overhead(raw, calibration, times);
        // A table completed now keeps its old families at the old speed (and its references); one without references
        // gets them now.
        var references = calibration.Count > 0
            ? calibration.Select((a, k) => new LatencyReference(ArchitectureString.Format(a), times[k])).ToList()
            : existing!.References;
        return raw.AsMeasured(overhead, references);
    }

    /// <summary>The table's reference networks exported for timing at <paramref name="batch"/>, in the order of <see cref="LatencyTable.References"/>.</summary>
    internal static List<(byte[] Model, long[] InputShape)> ReferenceModels(LatencyTable table, int batch) =>
        OnnxLatencyMeter.QuietTorch(() => table.References.Select(r => ExportForTiming(FBNetArchitecture.Parse(r.Architecture), batch)).ToList());

    /// <summary>
    /// The table with its reference networks (the calibration networks timed with it) timed again now with the
    /// table's protocol, each its median over <see cref="LatencyProfileOptions.Rounds"/> spaced passes, so that its
    /// predictions are scaled by the median over the networks of now / at build (<see cref="LatencyTable.DriftScale"/>).
    /// A table without references (measured before drift correction) is returned as it is. The options must describe
    /// the table's configuration (threads, batch, execution provider).
    /// </summary>
    public static LatencyTable Recalibrate(LatencyTable table, LatencyProfileOptions options, CancellationToken cancellationToken = default) =>
        Recalibrate(table, options, OnnxLatencyMeter.Typical, cancellationToken);

    internal static LatencyTable Recalibrate(LatencyTable table, LatencyProfileOptions options, Meter meter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        table.EnsureMatches(options.Identity(), "to recalibrate");
        if (table.References.Count == 0) return table;
        var now = meter(ReferenceModels(table, options.Batch), options, null, cancellationToken);
        return table.WithReferencesNow(now);
    }

    private static (byte[] Model, long[] InputShape) ExportForTiming(FBNetArchitecture a, int batch)
    {
        using var net = new FBNetNetwork(a);
        return (OnnxExporter.Export(net), [batch, a.InputChannels, a.InputSize, a.InputSize]);
    }

    /// <summary>
    /// A network of n layers measures the sum of its layers' timings less n - 1 call overheads (each layer's timing
    /// includes one, the network one in all). Solved for each calibration network; the median is the overhead.
    /// </summary>
    private static double Overhead(LatencyTable raw, List<FBNetArchitecture> networks, double[] times)
    {
        var estimates = networks.Select((a, k) =>
        {
            var layers = LatencyModel.Layers(raw, a).ToList();
            return (layers.Sum() - times[k]) / Math.Max(1, layers.Count - 1);
        }).ToArray();
        return Math.Max(0, OnnxLatencyMeter.Median(estimates));
    }

    /// <summary>
    /// Loads the table at <paramref name="path"/>, measures whatever <paramref name="space"/> needs that it lacks and
    /// saves it back; creates it when missing. A table from another configuration, or one that cannot be read, is
    /// refused, or replaced when <paramref name="rebuildForeign"/> is set.
    /// </summary>
    public static LatencyTable LoadOrBuild(string path, ILatencyCoverage space, LatencyProfileOptions options, bool rebuildForeign = false, CancellationToken cancellationToken = default)
    {
        options.Validate();
        LatencyTable? existing = null;
        // Asked to rebuild, a table this library cannot read is replaced too (its errors say to rebuild); without
        // the flag it is an error and the file is left as it is.
        if (File.Exists(path))
            try { existing = LatencyTable.Load(path); }
            catch (FormatException) when (rebuildForeign) { }
        if (existing is not null && rebuildForeign && existing.Identity.Difference(options.Identity()) is not null) existing = null;
        existing?.EnsureMatches(options.Identity(), $"'{path}'");
        var table = Profile(space, existing, options, cancellationToken);
        if (!ReferenceEquals(table, existing)) table.Save(path);
        // A table from an earlier sitting carries that sitting's machine speed: time its reference networks again and scale.
        return existing is null ? table : Recalibrate(table, options, cancellationToken);
    }

    /// <summary>Default location of the table: the user's cache folder (XDG_CACHE_HOME on Linux), shared by all runs on this machine.</summary>
    public static string DefaultPath()
    {
        string root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg
            : OperatingSystem.IsWindows() ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "FBNetV2.MLNet", "latency-table.json");
    }

    /// <summary>Families <paramref name="space"/> needs that the table lacks or measured over a narrower width range.</summary>
    public static IReadOnlyList<string> Uncovered(LatencyTable table, ILatencyCoverage space) =>
        LatencyFragments.For(space, 2)
            .Where(p => !table.Families.TryGetValue(p.Key, out var f) || f.Axes.Length != p.Axes.Length
                || f.Axes.Zip(p.Axes).Any(a => a.First[0] > a.Second[0] || a.First[^1] < a.Second[^1]))
            .Select(p => p.Key).ToList();

    private static bool Covers(int[][] have, int[][] need) =>
        have.Length == need.Length && have.Zip(need).All(a => a.Second.All(w => a.First.Contains(w)));

}
