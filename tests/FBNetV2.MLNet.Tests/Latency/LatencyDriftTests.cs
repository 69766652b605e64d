using FBNetV2.MLNet.Latency;
using Xunit;

namespace FBNetV2.MLNet.Tests.Latency;

public class LatencyDriftTests
{
    private static LatencyTable Table(LatencyReference? reference) => new(
        new LatencyTableIdentity("m", "cpu", 2, "os", "onnxruntime x", "cpu", 1, 1), 0.1,
        [new LatencyFamily("x", [[8, 16]], [1.0, 2.0])], reference);

    [Fact]
    public void Predictions_scale_by_the_reference_network_now_against_at_build()
    {
        var table = Table(new LatencyReference(LatencyReference.DefaultArchitecture, 0.5));
        Assert.Equal(1, table.DriftScale);
        var now = table.WithReferenceNow(0.75); // the machine runs 1.5x slower now
        Assert.Equal(1.5, now.DriftScale, 12);
        Assert.Equal([1.5, 3.0], now.Families["x"].Milliseconds);
        Assert.Equal(0.15, now.OverheadMilliseconds, 12);
        Assert.Equal(2.25, now.Family("x").At(12.0), 12);
        Assert.Equal(1.5, table.Families["x"].Milliseconds[0] * now.DriftScale, 12);
    }

    [Fact]
    public void A_saved_table_keeps_what_was_measured_and_its_reference()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "table.json");
        Table(new LatencyReference(LatencyReference.DefaultArchitecture, 0.5)).WithReferenceNow(1.0).Save(path);
        var loaded = LatencyTable.Load(path);
        Assert.Equal([1.0, 2.0], loaded.Families["x"].Milliseconds); // not the drift-scaled view
        Assert.Equal(0.1, loaded.OverheadMilliseconds, 12);
        Assert.Equal(new LatencyReference(LatencyReference.DefaultArchitecture, 0.5), loaded.Reference);
    }

    [Fact]
    public void A_table_without_a_reference_cannot_be_recalibrated_and_says_how_to_fix_it()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Table(null).WithReferenceNow(1.0));
        Assert.Contains("rebuild it", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Table(new LatencyReference("a", 0.5)).WithReferenceNow(double.NaN));
    }

    [Fact]
    public void The_reference_architecture_parses_and_exports()
    {
        var (model, shape) = LatencyProfiler.ReferenceModel(batch: 1);
        Assert.Equal(new long[] { 1, 1, 28, 28 }, shape);
        Assert.True(model.Length > 1000);
    }
}
