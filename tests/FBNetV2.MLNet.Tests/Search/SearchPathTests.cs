using FBNetV2.MLNet.Search;
using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Tests.Search;

/// <summary>
/// The search's paths that only a whole run exercises: a FLOPs budget through the ML.NET estimator, WorkspacePath
/// resume through the estimator, TimeBudget / Deadline, hard sampling and per-sample noise. All on the tiny space and
/// data of <see cref="DMaskingSearchTests"/> (seconds each).
/// </summary>
public class SearchPathTests
{
    private static double Cheapest(SearchSpace space) =>
        BudgetedDerivation.CostOf(space, BudgetedDerivation.Cheapest(space, CostModel.Flops), CostModel.Flops);

    private static SearchOptions Options(double budget) => new()
    {
        Budget = budget, Epochs = 3, WarmupEpochs = 1, BatchSize = 16, SampledCandidates = 2, CalibrationBatches = 2, Seed = 3, Threads = 1,
    };

    [Fact]
    public void SearchFBNet_with_a_flops_budget_fits_a_model_under_the_budget_that_scores()
    {
        var space = DMaskingSearchTests.TinySpace();
        double budgetM = Cheapest(space) * 1.5 / 1e6;
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Rows(DMaskingSearchTests.TinyData(16)));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.SearchFBNet(Estimator(space, budgetM, workspace: null)));
        var model = pipeline.Fit(data);
        var fbnet = model.LastTransformer;
        Assert.True(fbnet.Architecture.Flops <= budgetM * 1e6, $"{fbnet.Architecture.Flops} multiply-adds > budget {budgetM * 1e6}");
        Assert.NotNull(fbnet.Search);
        Assert.All(fbnet.Search!.Candidates, c => Assert.True(c.Cost <= budgetM * 1e6));
        var scores = model.Transform(data).GetColumn<float[]>("Score").ToArray();
        Assert.Equal(48, scores.Length);
        Assert.All(scores, s => Assert.Equal(1, s.Sum(), 3));
    }

    [Fact]
    public void WorkspacePath_resumes_an_interrupted_estimator_search()
    {
        var space = DMaskingSearchTests.TinySpace();
        double budgetM = Cheapest(space) * 2 / 1e6;
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Rows(DMaskingSearchTests.TinyData(16)));
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
        using var dir = new TempDirectory();
        var full = ml.MulticlassClassification.Trainers.SearchFBNet(Estimator(space, budgetM, workspace: null)).Fit(keyed);

        using var cancel = new CancellationTokenSource();
        var interrupted = Estimator(space, budgetM, dir.Path);
        interrupted.CancellationToken = cancel.Token;
        interrupted.SearchProgress = new SyncProgress<SearchProgress>(p => { if (p.Epoch == 2) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => ml.MulticlassClassification.Trainers.SearchFBNet(interrupted).Fit(keyed));
        Assert.True(File.Exists(Path.Combine(dir.Path, SearchCheckpoint.FileName)), "no checkpoint in the workspace");

        var resumedEpochs = new List<int>();
        var resume = Estimator(space, budgetM, dir.Path);
        resume.SearchProgress = new SyncProgress<SearchProgress>(p => resumedEpochs.Add(p.Epoch));
        var resumed = ml.MulticlassClassification.Trainers.SearchFBNet(resume).Fit(keyed);
        Assert.Equal([3], resumedEpochs); // epochs 1 and 2 came from the checkpoint
        Assert.Equal(full.Search!.History.Select(h => h.WeightLoss), resumed.Search!.History.Select(h => h.WeightLoss));
        Assert.Equal(full.Architecture.ToString(), resumed.Architecture.ToString());
    }

    [Fact]
    public void A_passed_deadline_stops_after_one_epoch_and_still_derives_under_budget()
    {
        var space = DMaskingSearchTests.TinySpace();
        double budget = Cheapest(space) * 1.5;
        var o = Options(budget);
        o.Epochs = 5;
        o.Deadline = DateTime.UtcNow; // already passed: the epoch in progress finishes, no new one starts
        var result = DMaskingSearch.Run(space, DMaskingSearchTests.TinyData(), o);
        Assert.Single(result.History);
        Assert.True(result.Architecture.Flops <= budget);
    }

    [Fact]
    public void TimeBudget_through_the_estimator_ends_the_search_early()
    {
        var space = DMaskingSearchTests.TinySpace();
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Rows(DMaskingSearchTests.TinyData(16)));
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
        var o = Estimator(space, Cheapest(space) * 2 / 1e6, workspace: null);
        o.SearchEpochs = 50;          // far more than a 1 ms budget allows
        o.TimeBudget = TimeSpan.FromMilliseconds(1);
        var model = ml.MulticlassClassification.Trainers.SearchFBNet(o).Fit(keyed);
        Assert.InRange(model.Search!.History.Count, 1, 1);
        Assert.InRange(model.TrainingHistory.Count, 1, 1);
    }

    /// <summary>
    /// Without a Budget, a TimeBudget sets the default from what the final training can afford: with an hour for a
    /// few dozen tiny images every member fits, so the budget is the upper bound (half the largest member); with a
    /// millisecond nothing fits and it is the geometric mean, the default without a time budget. The value is in the
    /// search's result either way.
    /// </summary>
    [Theory]
    [InlineData(3_600_000.0, true)]
    [InlineData(1.0, false)]
    public void Without_a_budget_a_TimeBudget_sets_the_default_from_what_training_can_afford(double milliseconds, bool ample)
    {
        var space = DMaskingSearchTests.TinySpace();
        var (geometric, _, largest) = DefaultBudget.For(space, CostModel.Flops);
        Assert.True(largest / 2 > geometric * 1.1, "the tiny space's two bounds must differ for this test to tell them apart");
        var ml = new MLContext(1);
        var data = ml.Data.LoadFromEnumerable(Rows(DMaskingSearchTests.TinyData(16)));
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
        var o = Estimator(space, 1, workspace: null);
        o.Budget = null;
        o.SearchEpochs = 2;
        o.TimeBudget = TimeSpan.FromMilliseconds(milliseconds);
        var model = ml.MulticlassClassification.Trainers.SearchFBNet(o).Fit(keyed);
        Assert.Equal(ample ? largest / 2 : geometric, model.Search!.Budget, 6);
        Assert.True(model.Architecture.Flops <= model.Search.Budget);
    }

    [Fact]
    public void Hard_sampling_is_one_hot_forward_with_soft_gradients_and_searches_under_budget()
    {
        using (var scope = NewDisposeScope())
        {
            manual_seed(1);
            var alpha = tensor(new float[] { 0.5f, -0.2f, 1.0f }).requires_grad_();
            var w = GumbelSoftmax.Sample(alpha, 1.0, rows: 6, hard: true);
            var values = w.detach().data<float>().ToArray();
            for (int r = 0; r < 6; r++)
            {
                var row = values.Skip(3 * r).Take(3).ToArray();
                Assert.Equal(1, row.Count(v => Math.Abs(v - 1) < 1e-6));
                Assert.Equal(2, row.Count(v => Math.Abs(v) < 1e-6));
            }
            (w * tensor(new float[] { 1, 2, 3 })).sum().backward();
            Assert.True(alpha.grad!.abs().sum().item<float>() > 0, "straight-through: the soft weights must carry a gradient");
        }
        SearchesReproduciblyUnderBudgetAndUnlikeTheDefault(o => o.HardSampling = true);
    }

    /// <summary>
    /// Single-path weight steps draw each option with its softmax probability (Gumbel-max; 6000 draws from logits
    /// 0, 1, 2 against 0.090, 0.245, 0.665, within 4 binomial standard deviations), carry no gradient to the logits,
    /// and a search with them is reproducible, under budget, and differs from the soft one.
    /// </summary>
    [Fact]
    public void Single_path_weight_steps_sample_the_distribution_and_search_under_budget()
    {
        using (var scope = NewDisposeScope())
        {
            manual_seed(4);
            var alpha = tensor(new float[] { 0, 1, 2 }).requires_grad_();
            var expected = nn.functional.softmax(alpha.detach(), 0).data<float>().ToArray();
            var counts = new int[3];
            const int draws = 6000;
            for (int i = 0; i < draws; i++)
            {
                var row = GumbelSoftmax.SampleOneHot(alpha).data<float>().ToArray();
                Assert.Equal(1, row.Sum());
                Assert.Equal(1, row.Count(v => v == 1));
                counts[Array.IndexOf(row, 1f)]++;
            }
            for (int k = 0; k < 3; k++)
            {
                double sd = Math.Sqrt(draws * expected[k] * (1 - expected[k]));
                Assert.True(Math.Abs(counts[k] - draws * expected[k]) < 4 * sd, $"option {k}: {counts[k]} draws, expected {draws * expected[k]:F0} +- {sd:F0}");
            }
            Assert.False(GumbelSoftmax.SampleOneHot(alpha).requires_grad);
        }
        SearchesReproduciblyUnderBudgetAndUnlikeTheDefault(o => o.SinglePathWeightSteps = true);
    }

    /// <summary>
    /// Sandwich weight steps add a widest-width pass to every weight step (what that pass computes is checked by
    /// SupernetTests.WidestWidthsRunsEveryWidthDecisionAtItsWidestOption): the search stays reproducible and under
    /// budget, and its weight losses differ from the default search's, so the extra pass trained the shared weights.
    /// </summary>
    [Fact]
    public void Sandwich_weight_steps_search_reproducibly_under_budget() =>
        SearchesReproduciblyUnderBudgetAndUnlikeTheDefault(o => o.SandwichWeightSteps = true);

    /// <summary>A search variant on the tiny space: two runs agree step for step, the result is under budget, and the
    /// weight losses differ from the default search's (so the variant changed what was computed).</summary>
    private static void SearchesReproduciblyUnderBudgetAndUnlikeTheDefault(Action<SearchOptions> variant)
    {
        var space = DMaskingSearchTests.TinySpace();
        double budget = Cheapest(space) * 1.5;
        var o = Options(budget);
        variant(o);
        var a = DMaskingSearch.Run(space, DMaskingSearchTests.TinyData(), o);
        var b = DMaskingSearch.Run(space, DMaskingSearchTests.TinyData(), o);
        Assert.True(a.Architecture.Flops <= budget);
        Assert.Equal(a.History.Select(h => h.WeightLoss), b.History.Select(h => h.WeightLoss));
        Assert.NotEqual(a.History.Select(h => h.WeightLoss), DMaskingSearch.Run(space, DMaskingSearchTests.TinyData(), Options(budget)).History.Select(h => h.WeightLoss));
    }

    [Fact]
    public void Per_sample_noise_draws_one_sample_per_image_and_searches_under_budget()
    {
        using (var scope = NewDisposeScope())
        {
            manual_seed(2);
            var alpha = zeros(4);
            var shared = GumbelSoftmax.Sample(alpha, 1.0);
            var perSample = GumbelSoftmax.Sample(alpha, 1.0, rows: 8);
            Assert.Equal(new long[] { 1, 4 }, shared.shape);
            Assert.Equal(new long[] { 8, 4 }, perSample.shape);
            var rows = Enumerable.Range(0, 8).Select(r => perSample[r].data<float>().ToArray()).ToList();
            Assert.Equal(8, rows.Select(r => string.Join(",", r.Select(v => v.ToString("F5")))).Distinct().Count());
            Assert.All(rows, r => Assert.Equal(1, r.Sum(), 4));
        }
        var space = DMaskingSearchTests.TinySpace();
        double budget = Cheapest(space) * 1.5;
        var o = Options(budget);
        o.PerSampleNoise = true;
        var a = DMaskingSearch.Run(space, DMaskingSearchTests.TinyData(), o);
        Assert.True(a.Architecture.Flops <= budget);
        Assert.NotEqual(a.History.Select(h => h.WeightLoss), DMaskingSearch.Run(space, DMaskingSearchTests.TinyData(), Options(budget)).History.Select(h => h.WeightLoss));
    }

    internal static SearchFBNetOptions Estimator(SearchSpace space, double budgetM, string? workspace) => new()
    {
        LabelColumnName = "Label", FeatureColumnName = "Features", CustomSearchSpace = space, Budget = budgetM,
        SearchEpochs = 3, SearchWarmupEpochs = 1, SearchBatchSize = 16, SampledCandidates = 2, MaxEpochs = 1, BatchSize = 16,
        ValidationSetFraction = 0, Seed = 3, WorkspacePath = workspace,
    };

    internal static IEnumerable<Row> Rows(FBNetV2.MLNet.Data.LabeledImages data) =>
        Enumerable.Range(0, data.Count).Select(i => new Row
        {
            Label = data.ClassNames[data.Labels[i]],
            Features = data.Pixels.AsSpan(i * 144, 144).ToArray(),
        }).ToList();

    internal sealed class Row
    {
        public string Label { get; set; } = "";
        [VectorType(1, 12, 12)] public float[] Features { get; set; } = [];
    }
}
