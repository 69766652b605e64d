using FBNetV2.MLNet.Latency;
using FBNetV2.MLNet.Search;
using FBNetV2.MLNet.Tests.Search;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit;

namespace FBNetV2.MLNet.Tests.Latency;

public class LatencySearchTests
{
    private static SearchOptions Options(LatencyTable? table, double budget) => new()
    {
        CostTarget = CostTarget.Latency, LatencyTable = table, Budget = budget,
        Epochs = 3, WarmupEpochs = 1, BatchSize = 16, SampledCandidates = 2, CalibrationBatches = 2, Seed = 5, Threads = 1,
    };

    private static double Cheapest(SearchSpace space, LatencyTable table)
    {
        var cost = CostModel.Latency(table);
        return BudgetedDerivation.CostOf(space, BudgetedDerivation.Cheapest(space, cost), cost);
    }

    [Fact]
    public void LatencyBudgetedSearchEndsAtOrUnderItsBudget()
    {
        var space = DMaskingSearchTests.TinySpace();
        var table = ExpectedLatencyTests.SyntheticTable(space);
        double budget = Cheapest(space, table) * 1.2;
        var result = DMaskingSearch.Run(space, DMaskingSearchTests.TinyData(), Options(table, budget));
        Assert.True(result.Cost <= budget, $"{result.Cost} > {budget}");
        Assert.Equal(LatencyModel.Predict(table, result.Architecture), result.Cost, 12);
        Assert.All(result.Candidates, c => Assert.True(c.Cost <= budget));
        Assert.All(result.History, h => Assert.True(h.ExpectedCost > 0));
    }

    [Fact]
    public void LatencyTargetWithoutTableUncoveredSpaceOrTooSmallBudgetAreClearErrors()
    {
        var space = DMaskingSearchTests.TinySpace();
        var data = DMaskingSearchTests.TinyData();
        var none = Assert.Throws<ArgumentOutOfRangeException>(() => DMaskingSearch.Run(space, data, Options(null, 1)));
        Assert.Contains("LatencyTable", none.Message);

        var full = ExpectedLatencyTests.SyntheticTable(space);
        var partial = new LatencyTable(full.Identity, full.OverheadMilliseconds, full.Families.Values.Where(f => !f.Key.StartsWith("stem")));
        var uncovered = Assert.Throws<ArgumentException>(() => DMaskingSearch.Run(space, data, Options(partial, 1)));
        Assert.Contains("does not cover", uncovered.Message);
        Assert.Contains("stem|", uncovered.Message);

        double cheapest = Cheapest(space, full);
        var low = Assert.Throws<ArgumentOutOfRangeException>(() => DMaskingSearch.Run(space, data, Options(full, cheapest / 2)));
        Assert.Contains($"{cheapest:F4} ms", low.Message);
    }

    [Fact]
    public void SearchFBNetWithALatencyBudgetBuildsTheTableAndMeetsTheBudget()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "latency.json");
        var space = DMaskingSearchTests.TinySpace();
        var table = LatencyProfiler.LoadOrBuild(path, space, LatencyProfilerTests.Quick());
        // A table with reference networks is recalibrated when the trainer loads it, with a drift scale this test
        // cannot know beforehand (on the loaded 2-core machine it reached 1.9 between the quick build here and the
        // trainer's load, which put 1.3x the cheapest below the cheapest). Without its references the table is used as
        // measured, so the budget below is the one the search sees. (Recalibration itself: LatencyDriftTests.)
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Assert.True(json.Remove("references"));
        File.WriteAllText(path, json.ToJsonString());
        double budget = Cheapest(space, table) * 1.3 + 0.001;
        var ml = new MLContext(seed: 1);
        var tiny = DMaskingSearchTests.TinyData();
        var rows = Enumerable.Range(0, tiny.Count).Select(i => new Row
        {
            Features = tiny.Pixels.AsSpan(i * 144, 144).ToArray().Select(p => p * 255f).ToArray(),
            Label = tiny.ClassNames[tiny.Labels[i]],
        }).ToArray();
        var data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(rows)).Transform(ml.Data.LoadFromEnumerable(rows));
        var model = ml.MulticlassClassification.Trainers.SearchFBNet(new SearchFBNetOptions
        {
            CustomSearchSpace = space, CostTarget = CostTarget.Latency, Budget = budget, LatencyTablePath = path,
            SearchEpochs = 2, SearchWarmupEpochs = 1, SearchBatchSize = 16, SampledCandidates = 1, MaxEpochs = 1, BatchSize = 16,
        }).Fit(data);
        // The table on disk was reused (same space, same machine) as measured: the chosen network is under budget by
        // its prediction, and every candidate was predicted from that table, unscaled.
        Assert.True(model.Search!.Cost <= budget, $"{model.Search.Cost} ms over {budget} ms");
        var onDisk = LatencyTable.Load(path);
        Assert.Empty(onDisk.References);
        var scales = model.Search.Candidates.Select(c => c.Cost / LatencyModel.Predict(onDisk, c.Architecture)).ToArray();
        Assert.All(scales, s => Assert.Equal(1, s, 9));
        model.Dispose();
    }

    private sealed class Row
    {
        [VectorType(1, 12, 12)] public float[] Features { get; set; } = [];
        public string Label { get; set; } = "";
    }
}
