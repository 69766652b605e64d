using System.Text.Json.Nodes;
using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Latency;
using FBNetV2.MLNet.Search;
using FBNetV2.MLNet.Tests.Search;
using Xunit;

namespace FBNetV2.MLNet.Tests.Latency;

public class LatencyDriftTests
{
    private static readonly LatencyTableIdentity Elsewhere = new("m", "cpu", 2, "os", "onnxruntime x", "cpu", 1, 1);

    private static LatencyTable Table(IReadOnlyList<LatencyReference>? references, LatencyTableIdentity? identity = null) => new(
        identity ?? Elsewhere, 0.1, [new LatencyFamily("x", [[8, 16]], [1.0, 2.0])], references);

    private static List<LatencyReference> References(params double[] milliseconds) =>
        milliseconds.Select((ms, i) => new LatencyReference($"in_c1_s28|conv_k3_c{8 * (i + 1)}_s1|ir_k3_e2_c16_s2|head_c64_f0|cls10", ms)).ToList();

    [Fact]
    public void Predictions_scale_by_the_median_over_the_reference_networks_of_now_against_at_build()
    {
        var table = Table(References(0.5, 0.2, 1.0));
        Assert.Equal(1, table.DriftScale);
        // Ratios 1.4, 1.5 and 1.6: the machine runs 1.5x slower now.
        var now = table.WithReferencesNow([0.7, 0.3, 1.6]);
        Assert.Equal(1.5, now.DriftScale, 12);
        Assert.Equal(1.5, now.Families["x"].Milliseconds[0], 12);
        Assert.Equal(3.0, now.Families["x"].Milliseconds[1], 12);
        Assert.Equal(0.15, now.OverheadMilliseconds, 12);
        Assert.Equal(2.25, now.Family("x").At(12.0), 12);
        Assert.Equal([0.7, 0.3, 1.6], now.References.Select(r => r.NowMilliseconds!.Value));
    }

    [Fact]
    public void One_outlying_network_does_not_move_the_scale()
    {
        double[] built = [0.31, 0.18, 0.44, 0.27, 0.52, 0.22, 0.39, 0.35];
        var table = Table(References(built));
        var slower = built.Select(ms => 1.3 * ms).ToArray();
        Assert.Equal(1.3, table.WithReferencesNow(slower).DriftScale, 12);
        // One network hit by a burst of its own (5x slower) or a fast stretch (5x faster): the median stays at 1.3;
        // the mean of the ratios, or that network alone, would not.
        foreach (double outlier in new[] { 5.0, 0.2 })
        {
            var now = (double[])slower.Clone();
            now[3] = built[3] * outlier;
            Assert.Equal(1.3, table.WithReferencesNow(now).DriftScale, 12);
        }
        // So do three on the same side (of eight).
        var three = slower.Select((ms, i) => i < 3 ? ms * 4 : ms).ToArray();
        Assert.Equal(1.3, table.WithReferencesNow(three).DriftScale, 12);
    }

    [Fact]
    public void The_median_of_eight_networks_is_steadier_than_one_network()
    {
        // Each timing moves by a factor exp(N(0, 0.15)) (one network moved by about 15 % between two timings a minute
        // apart on the shared machine, docs/benchmarks.md section 5); the true drift is 1.3. Over 2000 seeded trials the
        // median of 8 networks' ratios misses 1.3 by far less than one network's ratio does.
        var random = new Random(18);
        double Noise() => Math.Exp(0.15 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        var single = new List<double>();
        var median = new List<double>();
        for (int trial = 0; trial < 2000; trial++)
        {
            var refs = Enumerable.Range(0, 8).Select(i => new LatencyReference("a", 0.2 * Noise(), 1.3 * 0.2 * Noise())).ToList();
            single.Add(Math.Abs(Math.Log(refs[0].NowMilliseconds!.Value / refs[0].Milliseconds / 1.3)));
            median.Add(Math.Abs(Math.Log(LatencyTable.Drift(refs) / 1.3)));
        }
        double P90(List<double> v) => v.Order().ElementAt(v.Count * 9 / 10);
        Assert.True(P90(median) < 0.6 * P90(single), $"90th percentile of |log error|: median of 8 {P90(median):F3}, one network {P90(single):F3}");
        Assert.True(P90(median) < 0.15, $"median of 8: 90th percentile of |log error| {P90(median):F3}");
    }

    [Fact]
    public void A_synthetic_slow_down_of_the_machine_is_recovered_by_recalibration()
    {
        // A fake machine: every model takes a time of its own (from its size); at use it runs 1.3x slower.
        var space = DMaskingSearchTests.TinySpace();
        double speed = 1.0;
        int calls = 0;
        LatencyProfiler.Meter machine = (models, _, _, _) =>
        {
            calls++;
            return models.Select(m => speed * (0.05 + m.Model.Length * 1e-6)).ToArray();
        };
        var options = LatencyProfilerTests.Quick();
        var table = LatencyProfiler.Profile(space, null, options, machine);

        // The 8 calibration networks, timed in the table's own pass, are its references.
        var calibration = space.CalibrationNetworks().ToList();
        Assert.Equal(1, calls);
        Assert.Equal(calibration.Select(ArchitectureString.Format), table.References.Select(r => r.Architecture));
        Assert.All(table.References, r => Assert.True(r.Milliseconds > 0.05 && r.NowMilliseconds is null));
        Assert.Equal(1, table.DriftScale);

        speed = 1.3;
        var now = LatencyProfiler.Recalibrate(table, options, machine);
        Assert.Equal(2, calls);
        Assert.Equal(1.3, now.DriftScale, 9);
        var arch = calibration[0];
        Assert.Equal(1.3 * LatencyModel.Predict(table, arch), LatencyModel.Predict(now, arch), 9);
        Assert.Equal(1.3 * table.OverheadMilliseconds, now.OverheadMilliseconds, 9);
    }

    /// <summary>
    /// A table built at one speed and extended at another stores the new layers at the build's speed (its references
    /// are timed again in the extension's passes): the extended table equals one built at the first speed, so a
    /// later drift correction scales every family once. Stored at the extension's speed, the new families came out
    /// 2x here on every use.
    /// </summary>
    [Fact]
    public void An_extension_at_another_speed_stores_the_new_layers_at_the_speed_of_the_build()
    {
        var space = DMaskingSearchTests.TinySpace();
        var wider = new SearchSpace(1, 12, 3, [1, 2], [8, 16], 1,
            [space.Stages[0], space.Stages[1] with { Widths = [16, 24, 40] }], space.Head);
        double speed = 1.0;
        LatencyProfiler.Meter machine = (models, _, _, _) => models.Select(m => speed * (0.05 + m.Model.Length * 1e-6)).ToArray();
        var options = LatencyProfilerTests.Quick();
        var built = LatencyProfiler.Profile(space, null, options, machine);
        speed = 2.0;
        var extended = LatencyProfiler.Profile(wider, built, options, machine);
        speed = 1.0;
        var direct = LatencyProfiler.Profile(wider, LatencyProfiler.Profile(space, null, options, machine), options, machine);
        Assert.Contains(extended.Families.Keys, k => !built.Families.ContainsKey(k) || built.Families[k].Milliseconds.Length != extended.Families[k].Milliseconds.Length);
        Assert.Equal(direct.Families.Keys.Order(), extended.Families.Keys.Order());
        foreach (var (key, family) in extended.Families)
            Assert.All(family.Milliseconds.Zip(direct.Families[key].Milliseconds), p => Assert.Equal(p.Second, p.First, 12));
        Assert.Equal(built.References.Select(r => r.Milliseconds), extended.References.Select(r => r.Milliseconds));
    }

    [Fact]
    public void Recalibration_times_the_reference_networks_in_onnx_runtime()
    {
        // The real meter on two small references: a positive, finite scale (its size depends on the machine).
        var table = Table(References(0.2, 0.3), LatencyTableIdentity.Current("cpu", 1, 1));
        var now = LatencyProfiler.Recalibrate(table, LatencyProfilerTests.Quick());
        Assert.All(now.References, r => Assert.True(r.NowMilliseconds is > 0 and < 1000, $"{r.Architecture}: {r.NowMilliseconds}"));
        Assert.True(now.DriftScale > 0 && double.IsFinite(now.DriftScale));
        Assert.Equal(LatencyTable.Drift(now.References), now.DriftScale);
    }

    [Fact]
    public void A_saved_table_keeps_what_was_measured_and_its_references()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "table.json");
        Table(References(0.5, 0.25)).WithReferencesNow([1.0, 0.5]).Save(path);
        var loaded = LatencyTable.Load(path);
        Assert.Equal([1.0, 2.0], loaded.Families["x"].Milliseconds); // not the drift-scaled view
        Assert.Equal(0.1, loaded.OverheadMilliseconds, 12);
        Assert.Equal(References(0.5, 0.25), loaded.References); // the times at build; none "now"
        Assert.Equal(1, loaded.DriftScale);
        Assert.DoesNotContain("\"reference\"", File.ReadAllText(path));
    }

    [Fact]
    public void A_table_saved_with_the_single_reference_network_of_before_loads_and_recalibrates_with_it()
    {
        // Tables saved by the first drift correction hold one fixed network under "reference".
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "table.json");
        Table(null).Save(path);
        const string single = "in_c1_s28|conv_k3_c16_s1_hs|ir_k3_e4_c24_s2|ir_k5_e4_c24_se|ir_k3_e6_c40_s2_hs|head_c128_f0|cls10";
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        json.Remove("references");
        json["reference"] = new JsonObject { ["architecture"] = single, ["milliseconds"] = 0.25, ["nowMilliseconds"] = null };
        File.WriteAllText(path, json.ToJsonString());

        var old = LatencyTable.Load(path);
        Assert.Equal([new LatencyReference(single, 0.25)], old.References);
        Assert.Equal(1.2, old.WithReferencesNow([0.3]).DriftScale, 12);
        // Saved again, it is written in the current form.
        old.Save(path);
        Assert.Equal([new LatencyReference(single, 0.25)], LatencyTable.Load(path).References);
    }

    [Fact]
    public void A_table_without_references_is_used_unscaled_and_cannot_take_times_now()
    {
        var table = Table(null, LatencyTableIdentity.Current("cpu", 1, 1));
        Assert.Empty(table.References);
        Assert.Same(table, LatencyProfiler.Recalibrate(table, LatencyProfilerTests.Quick()));
        var e = Assert.Throws<InvalidOperationException>(() => table.WithReferencesNow([1.0]));
        Assert.Contains("profile again", e.Message);
    }

    [Fact]
    public void Bad_times_and_bad_references_are_refused()
    {
        var table = Table(References(0.5, 0.25));
        Assert.Throws<ArgumentOutOfRangeException>(() => table.WithReferencesNow([1.0, double.NaN]));
        Assert.Throws<ArgumentOutOfRangeException>(() => table.WithReferencesNow([0, 1.0]));
        Assert.Contains("2 reference networks, got 1", Assert.Throws<ArgumentException>(() => table.WithReferencesNow([1.0])).Message);

        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "table.json");
        table.Save(path);
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        json["references"]![1]!["architecture"] = "in_c1_s28|not_a_block|cls10";
        File.WriteAllText(path, json.ToJsonString());
        Assert.Contains("reference network this library cannot build", Assert.Throws<FormatException>(() => LatencyTable.Load(path)).Message);
        json["references"]![1]!["architecture"] = References(1, 1)[1].Architecture;
        json["references"]![0]!["milliseconds"] = -1;
        File.WriteAllText(path, json.ToJsonString());
        Assert.Contains("malformed reference network", Assert.Throws<FormatException>(() => LatencyTable.Load(path)).Message);
    }

    [Fact]
    public void Recalibration_refuses_options_of_another_configuration()
    {
        var table = Table(References(0.5), LatencyTableIdentity.Current("cpu", 1, 1));
        var twoThreads = LatencyProfilerTests.Quick();
        twoThreads.Threads = 2;
        Assert.Throws<LatencyTableMismatchException>(() => LatencyProfiler.Recalibrate(table, twoThreads));
    }
}
