using System.Text.Json.Nodes;
using FBNetV2.MLNet.Latency;
using FBNetV2.MLNet.Search;
using FBNetV2.MLNet.Tests.Search;
using Xunit;

namespace FBNetV2.MLNet.Tests.Latency;

public class LatencyProfilerTests
{
    /// <summary>Quick timing settings: the tests check what is measured and kept, not how fast anything is.</summary>
    internal static LatencyProfileOptions Quick(List<LatencyProfileProgress>? progress = null) => new()
    {
        WarmupRuns = 1, Repeats = 3, Rounds = 1,
        Progress = progress is null ? null : new SyncProgress<LatencyProfileProgress>(progress.Add),
    };

    [Fact]
    public void ProfileCoversTheSpaceWithPositiveMedians()
    {
        var space = DMaskingSearchTests.TinySpace();
        var progress = new List<LatencyProfileProgress>();
        var table = LatencyProfiler.Profile(space, null, Quick(progress));
        Assert.Empty(LatencyProfiler.Uncovered(table, space));
        // Each layer's time against the median of the table's 8 calibration networks (whole networks of this space,
        // timed in the same passes), not against a wall-clock constant that only measures the load. Timings are noisy
        // by factors, so the spread is taken on log ratios. Measured, 5 runs of this scenario on 2 shared cores (load
        // 12-17): largest layer / reference 1.244, 1.075, 0.547, 1.009, 1.490 (ln: mean 0.019, sd 0.38 -> mean + 3 sd
        // = 1.16, a ratio of 3.2); smallest 0.172, 0.105, 0.063, 0.098, 0.101 (ln: mean -2.28, sd 0.35 -> -3.33, 0.036).
        double reference = Median(table.References.Select(r => r.Milliseconds));
        Assert.True(double.IsFinite(reference) && reference > 0, $"reference networks' median {reference} ms");
        Assert.All(table.Families.Values, f => Assert.All(f.Milliseconds, ms => Assert.True(ms >= 0.036 * reference && ms <= 3.2 * reference,
            $"{f.Key}: {ms} ms against the calibration networks' median {reference} ms (ratio {ms / reference:F4}; measured 0.063-1.49)")));
        // The per-call overhead is part of every whole network's time, so it cannot exceed them (the layers' bound above;
        // >= 0 alone could not fail: Overhead clamps at 0).
        Assert.True(table.OverheadMilliseconds <= 3.2 * reference, $"call overhead {table.OverheadMilliseconds} ms against the calibration networks' median {reference} ms");
        Assert.Equal(LatencyTableIdentity.Current("cpu", 1, 1), table.Identity);
        // Every grid point of every family was measured once, plus the 8 whole networks that fix the call overhead and,
        // timed again when the table is used, measure the machine's speed drift.
        int expected = table.Families.Values.Sum(f => f.Milliseconds.Length) + 8;
        Assert.Equal(8, table.References.Count);
        Assert.Equal(expected, progress[^1].Total);
        Assert.Equal(expected, progress[^1].Done);
        // Every architecture of the space gets a prediction (its size depends on timings, which a test cannot pin).
        var random = new Random(2);
        for (int i = 0; i < 10; i++) Assert.True(double.IsFinite(LatencyModel.Predict(table, ArchitectureChoice.Random(space, random).Derive(space))));
    }

    [Fact]
    public void LoadOrBuildSavesReusesAndExtendsWithoutMeasuringAgain()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "sub", "latency.json");
        var space = DMaskingSearchTests.TinySpace();
        var first = LatencyProfiler.LoadOrBuild(path, space, Quick());
        Assert.True(File.Exists(path));
        var bytes = File.ReadAllBytes(path);

        var progress = new List<LatencyProfileProgress>();
        var again = LatencyProfiler.LoadOrBuild(path, space, Quick(progress));
        Assert.Empty(progress); // nothing measured
        Assert.Equal(bytes, File.ReadAllBytes(path)); // nothing rewritten
        Assert.Equal(first.Families.Keys.Order(), again.Families.Keys.Order());
        // A table in use is scaled by the drift of a re-timed reference network; the measurements themselves are kept.
        Assert.Equal(1, first.DriftScale);
        AssertSameMeasurements(first.Families["add|s6"].Milliseconds, again.Families["add|s6"].Milliseconds, again.DriftScale);

        // A space with a wider last stage: only the families it changes are measured; the others keep their values.
        var wider = new SearchSpace(1, 12, 3, [1, 2], [8, 16], 1,
            [space.Stages[0], space.Stages[1] with { Widths = [16, 24, 40] }], space.Head);
        var extended = LatencyProfiler.LoadOrBuild(path, wider, Quick(progress));
        Assert.Empty(LatencyProfiler.Uncovered(extended, wider));
        Assert.Empty(LatencyProfiler.Uncovered(extended, space));
        AssertSameMeasurements(first.Families["stem|c1|s12|k3|st1|hs"].Milliseconds, extended.Families["stem|c1|s12|k3|st1|hs"].Milliseconds, extended.DriftScale);
        Assert.Equal(first.MeasuredOverheadMilliseconds, extended.MeasuredOverheadMilliseconds);
        bool Changed(LatencyFamily f) => !first.Families.TryGetValue(f.Key, out var old) || !old.Axes.SelectMany(a => a).SequenceEqual(f.Axes.SelectMany(a => a));
        // The changed families' grid points, and the table's 8 reference networks again in the same passes.
        Assert.Equal(extended.Families.Values.Where(Changed).Sum(f => f.Milliseconds.Length) + 8, progress[^1].Total);
        Assert.Contains(extended.Families.Values, f => !Changed(f));
        Assert.Equal(new[] { 16, 24, 40 }, LatencyTable.Load(path).Families.Values.First(f => f.Key.StartsWith("head")).Axes[0]);
    }

    [Fact]
    public void TableFromTheStridedSliceInputIsNotReusedForThePooledInput()
    {
        // Tables measured when the half-resolution input was a strided Slice keyed it "input|...|r2"; the input is now
        // an AveragePool under "input|...|avg2", so such a table lacks that family and only it is measured again.
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "latency.json");
        var space = DMaskingSearchTests.TinySpace();
        string pooled = LatencyKeys.Input(1, 12, 2), sliced = "input|c1|s12|r2";
        Assert.Equal("input|c1|s12|avg2", pooled);
        Assert.Equal("input|c1|s12|r1", LatencyKeys.Input(1, 12, 1));
        LatencyProfiler.LoadOrBuild(path, space, Quick());
        File.WriteAllText(path, File.ReadAllText(path).Replace(pooled, sliced));
        var old = LatencyTable.Load(path);
        Assert.Contains(sliced, old.Families.Keys);
        Assert.Contains(pooled, LatencyProfiler.Uncovered(old, space));

        var progress = new List<LatencyProfileProgress>();
        var refreshed = LatencyProfiler.LoadOrBuild(path, space, Quick(progress));
        Assert.Equal(1 + 8, progress[^1].Total); // the pooled input's one grid point, and the 8 references for its speed
        Assert.Empty(LatencyProfiler.Uncovered(refreshed, space));
        Assert.Contains(pooled, LatencyTable.Load(path).Families.Keys);
    }

    private static void AssertSameMeasurements(double[] measured, double[] scaled, double scale)
    {
        Assert.Equal(measured.Length, scaled.Length);
        for (int i = 0; i < measured.Length; i++) Assert.Equal(measured[i], scaled[i] / scale, 9);
    }

    [Fact]
    public void ForeignTableIsRefusedUntouchedOrRebuiltWhenAsked()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "latency.json");
        var space = DMaskingSearchTests.TinySpace();
        LatencyProfiler.LoadOrBuild(path, space, Quick());
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        json["identity"]!["machine"] = "some-other-host";
        File.WriteAllText(path, json.ToJsonString());
        var foreign = File.ReadAllBytes(path);

        var e = Assert.Throws<LatencyTableMismatchException>(() => LatencyProfiler.LoadOrBuild(path, space, Quick()));
        Assert.Contains("machine is 'some-other-host' in the table", e.Message);
        Assert.Contains("--rebuild", e.Message);
        Assert.Equal(foreign, File.ReadAllBytes(path));

        // Other thread counts are other configurations too.
        var threads = Quick();
        threads.Threads = 2;
        var valid = LatencyProfiler.Profile(space, null, Quick());
        Assert.Throws<LatencyTableMismatchException>(() => LatencyProfiler.Profile(space, valid, threads));

        var rebuilt = LatencyProfiler.LoadOrBuild(path, space, Quick(), rebuildForeign: true);
        Assert.Equal(Environment.MachineName, rebuilt.Identity.Machine);
        Assert.Equal(Environment.MachineName, LatencyTable.Load(path).Identity.Machine);
    }

    [Theory]
    [InlineData("{ not json", "not valid JSON")]
    [InlineData("{\"formatVersion\": 1}", "lacks 'identity' or 'families'")]
    [InlineData("{\"formatVersion\": 9, \"identity\": {}, \"families\": []}", "format version 9")]
    [InlineData("{\"formatVersion\": 1, \"identity\": {}, \"families\": [{\"key\": \"add|s4\", \"axes\": [[16, 8]], \"milliseconds\": [1, 2]}]}", "strictly increasing")]
    [InlineData("{\"formatVersion\": 1, \"identity\": {}, \"families\": [{\"key\": \"add|s4\", \"axes\": [[8, 16]], \"milliseconds\": [1]}]}", "needs 2 finite")]
    [InlineData("{\"formatVersion\": 1, \"identity\": {}, \"families\": [{\"key\": \"add|s4\", \"axes\": [[8]], \"milliseconds\": [1]}, {\"key\": \"add|s4\", \"axes\": [[8]], \"milliseconds\": [2]}]}", "twice")]
    public void MalformedTableIsAClearError(string content, string expected)
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "latency.json");
        File.WriteAllText(path, content);
        var e = Assert.Throws<FormatException>(() => LatencyTable.Load(path));
        Assert.Contains(expected, e.Message);
        Assert.Contains(path, e.Message);
        Assert.Contains("fbnet profile --rebuild", e.Message);
    }

    /// <summary>The malformed-table errors say to rebuild: without the flag the file stays as it was, with it it is replaced.</summary>
    [Fact]
    public void UnreadableTableIsKeptUnlessRebuildIsAsked()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "latency.json");
        File.WriteAllText(path, "{ not json");
        var space = DMaskingSearchTests.TinySpace();
        Assert.Throws<FormatException>(() => LatencyProfiler.LoadOrBuild(path, space, Quick()));
        Assert.Equal("{ not json", File.ReadAllText(path));
        var rebuilt = LatencyProfiler.LoadOrBuild(path, space, Quick(), rebuildForeign: true);
        Assert.Empty(LatencyProfiler.Uncovered(rebuilt, space));
        Assert.Equal(rebuilt.Families.Count, LatencyTable.Load(path).Families.Count);
    }

    [Fact]
    public void BadProfileOptionsAreClearErrors()
    {
        var space = DMaskingSearchTests.TinySpace();
        Assert.Contains("Threads", Assert.Throws<ArgumentOutOfRangeException>(() => LatencyProfiler.Profile(space, null, new LatencyProfileOptions { Threads = 0 })).Message);
        Assert.Contains("GridPoints", Assert.Throws<ArgumentOutOfRangeException>(() => LatencyProfiler.Profile(space, null, new LatencyProfileOptions { GridPoints = 1 })).Message);
        Assert.Contains("ExecutionProvider must be Cpu or Cuda, got 7", Assert.Throws<ArgumentOutOfRangeException>(() => LatencyProfiler.Profile(space, null, new LatencyProfileOptions { ExecutionProvider = (LatencyDevice)7 })).Message);
    }

    [Fact]
    public void CudaWithoutTheGpuRuntimeIsAClearError()
    {
        // The tests reference the CPU ONNX Runtime package, so the CUDA provider cannot be appended.
        var e = Assert.Throws<InvalidOperationException>(() => LatencyProfiler.Profile(DMaskingSearchTests.TinySpace(), null, new LatencyProfileOptions { ExecutionProvider = LatencyDevice.Cuda, Repeats = 1, Rounds = 1 }));
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu", e.Message);
    }

    [Fact]
    public void ProfilingCanBeCancelled()
    {
        using var cts = new CancellationTokenSource();
        var options = Quick();
        options.Progress = new SyncProgress<LatencyProfileProgress>(_ => cts.Cancel());
        Assert.ThrowsAny<OperationCanceledException>(() => LatencyProfiler.Profile(DMaskingSearchTests.TinySpace(), null, options, cts.Token));
    }

    private static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }
}
