using FBNetV2.MLNet.Search;

namespace FBNetV2.MLNet.Latency;

/// <summary>
/// Builds and refreshes latency tables: exports every layer family a search space needs at each point of its width
/// grid, times it in ONNX Runtime on this machine (<see cref="OnnxLatencyMeter"/>) and records the medians. Families
/// a table already holds at the needed widths are not measured again.
/// </summary>
public static class LatencyProfiler
{
    /// <summary>
    /// Measures what <paramref name="existing"/> lacks for <paramref name="space"/> (everything when it is null) and
    /// returns the completed table. An existing table must come from this configuration.
    /// </summary>
    public static LatencyTable Profile(SearchSpace space, LatencyTable? existing, LatencyProfileOptions options, CancellationToken cancellationToken = default) =>
        OnnxLatencyMeter.QuietTorch(() => ProfileQuietly(space, existing, options, cancellationToken));

    private static LatencyTable ProfileQuietly(SearchSpace space, LatencyTable? existing, LatencyProfileOptions options, CancellationToken cancellationToken)
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

        // Every model is built once, then all are timed in passes (see LatencyProfileOptions.Rounds).
        var pairs = existing is null ? LatencyFragments.OverheadPairs(options.Batch).ToList() : [];
        var models = pairs.SelectMany(p => new[] { p.A, p.B, p.Both }).ToList();
        var owners = new List<(int Plan, int Point)>();
        for (int i = 0; i < missing.Count; i++)
        {
            int point = 0;
            foreach (var widths in LatencyFamily.GridPoints(missing[i].Axes))
            {
                models.Add(missing[i].Build(widths, options.Batch));
                owners.Add((i, point++));
            }
        }
        var times = OnnxLatencyMeter.Fastest(models, options, (done, total, index, elapsed) =>
        {
            int job = index - pairs.Count * 3;
            options.Progress?.Report(new LatencyProfileProgress(done, total, job < 0 ? "call overhead" : missing[owners[job].Plan].Key, elapsed));
        }, cancellationToken);

        double overhead = existing?.OverheadMilliseconds ?? Overhead(times, pairs.Count);
        var measured = missing.Select((plan, i) => new LatencyFamily(plan.Key, plan.Axes,
            owners.Select((o, j) => (o, j)).Where(x => x.o.Plan == i).Select(x => times[pairs.Count * 3 + x.j]).ToArray())).ToList();
        return (existing ?? new LatencyTable(identity, overhead, [])).With(measured);
    }

    /// <summary>
    /// Loads the table at <paramref name="path"/>, measures whatever <paramref name="space"/> needs that it lacks and
    /// saves it back; creates it when missing. A table from another configuration is refused, or replaced when
    /// <paramref name="rebuildForeign"/> is set.
    /// </summary>
    public static LatencyTable LoadOrBuild(string path, SearchSpace space, LatencyProfileOptions options, bool rebuildForeign = false, CancellationToken cancellationToken = default)
    {
        options.Validate();
        LatencyTable? existing = File.Exists(path) ? LatencyTable.Load(path) : null;
        if (existing is not null && existing.Identity.Difference(options.Identity()) is not null)
        {
            if (!rebuildForeign) existing.EnsureMatches(options.Identity(), $"'{path}'");
            existing = null;
        }
        var table = Profile(space, existing, options, cancellationToken);
        if (!ReferenceEquals(table, existing)) table.Save(path);
        return table;
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
    public static IReadOnlyList<string> Uncovered(LatencyTable table, SearchSpace space) =>
        LatencyFragments.For(space, 2)
            .Where(p => !table.Families.TryGetValue(p.Key, out var f) || f.Axes.Length != p.Axes.Length
                || f.Axes.Zip(p.Axes).Any(a => a.First[0] > a.Second[0] || a.First[^1] < a.Second[^1]))
            .Select(p => p.Key).ToList();

    private static bool Covers(int[][] have, int[][] need) =>
        have.Length == need.Length && have.Zip(need).All(a => a.Second.All(w => a.First.Contains(w)));

    /// <summary>Median over layer pairs of t(A) + t(B) - t(A then B): the cost of one inference call beyond its layers' work.</summary>
    private static double Overhead(double[] times, int pairs)
    {
        var estimates = Enumerable.Range(0, pairs).Select(p => times[3 * p] + times[3 * p + 1] - times[3 * p + 2]).Order().ToList();
        return Math.Max(0, (estimates[(pairs - 1) / 2] + estimates[pairs / 2]) / 2);
    }
}
