using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Data;
using FBNetV2.MLNet.Search;
using Xunit;
using Xunit.Abstractions;

namespace FBNetV2.MLNet.Tests.Search;

/// <summary>
/// The search on a task whose answer is known by construction, and the derivation's use of the budget.
/// </summary>
public class SearchLearnsTests(ITestOutputHelper output)
{
    private static readonly CandidateOp[] Ops = [new(3, false, Activation.Relu)];

    /// <summary>Two resolutions, one stride-2 stage; nothing else to choose but widths.</summary>
    private static SearchSpace StripeSpace() => new(1, 12, 2, [1, 2], [8], 1,
        [new StageSpace([8, 16], 2, 1, [16, 32], Ops)], new HeadSpec(0));

    /// <summary>
    /// Vertical against horizontal stripes of period 2 with a random phase and noise. At half resolution every 2x2
    /// average holds one bright and one dark line, so both classes become flat grey images: only the full resolution
    /// can tell them apart, although the half resolution is four times cheaper.
    /// </summary>
    internal static LabeledImages Stripes(int perClass, int seed)
    {
        var random = new Random(seed);
        int n = perClass * 2;
        var pixels = new float[n * 144];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            int c = i % 2; labels[i] = c;
            int phase = random.Next(2);
            float contrast = 0.3f + 0.4f * random.NextSingle();
            for (int y = 0; y < 12; y++)
                for (int x = 0; x < 12; x++)
                {
                    int t = c == 0 ? x : y;
                    pixels[i * 144 + y * 12 + x] = Math.Clamp(0.5f + ((t + phase) % 2 == 0 ? contrast : -contrast) / 2 + (random.NextSingle() - 0.5f) * 0.2f, 0, 1);
                }
        }
        return new LabeledImages(pixels, labels, 1, 12, 12, ["vertical", "horizontal"]);
    }

    /// <summary>
    /// The budget is the largest member's cost and the cost term one-sided (FBNet's): flat for every member, so only the
    /// accuracy can move the resolution's logits. (The default two-sided term would pull towards the budget, which is
    /// full resolution here, whatever the accuracy; and at this budget the derivation can only pick full resolution, so
    /// the derived network alone would prove nothing: the learned probability is what is asserted.)
    /// </summary>
    [Fact]
    public void SearchLearnsThatOnlyTheFullResolutionSolvesTheTask()
    {
        var space = StripeSpace();
        double budget = DMaskingSearchTests.LargestCost(space);
        int full = 0;
        for (int seed = 1; seed <= 3; seed++)
        {
            var result = DMaskingSearch.Run(space, Stripes(60, seed), new SearchOptions
            {
                Budget = budget, Epochs = 6, WarmupEpochs = 2, BatchSize = 16, SampledCandidates = 1, CalibrationBatches = 2,
                ProxyCandidates = 0, Seed = seed, Threads = 1, TwoSidedCost = false,
            });
            var resolution = result.Distribution[0];
            output.WriteLine($"seed {seed}: P(resolution) = [{string.Join(", ", resolution.Probabilities.Select(p => p.ToString("F3")))}], chosen {result.Architecture}");
            if (result.Architecture.Subsample == 1 && resolution.Probabilities[0] > 0.6) full++;
        }
        Assert.True(full >= 2, $"the search learned the full resolution in {full} of 3 seeds");
    }

    /// <summary>Budgets between the cheapest and the largest member of the compact space.</summary>
    public static TheoryData<double> Budgets => new() { 0.5e6, 1e6, 2e6, 5e6, 12e6 };

    [Theory]
    [MemberData(nameof(Budgets))]
    public void DerivationGrowsToTheFillShareOfTheBudget(double budget)
    {
        var space = SearchSpace.CompactWithResolutions(1, 28, 10, [1, 2]);
        var random = new Random(7);
        for (int trial = 0; trial < 5; trial++)
        {
            // Random distributions, peaked and flat, as a search could leave them.
            var probabilities = ArchitectureChoice.OptionCounts(space).Select(n =>
            {
                var logits = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 4 * trial / 4.0).ToArray();
                double z = logits.Sum(Math.Exp);
                return logits.Select(l => Math.Exp(l) / z).ToArray();
            }).ToArray();
            int resolution = BudgetedDerivation.Resolution(space, probabilities[0], CostModel.Flops, budget);
            var start = BudgetedDerivation.Sample(space, probabilities, random) with { Resolution = resolution };
            var fitted = BudgetedDerivation.Fit(space, start, probabilities, CostModel.Flops, budget);
            double cost = BudgetedDerivation.CostOf(space, fitted, CostModel.Flops);
            Assert.True(cost <= budget, $"{cost} over {budget}");
            Assert.True(cost >= BudgetedDerivation.FillFraction * budget, $"budget {budget / 1e6} M, trial {trial}: derived {cost / 1e6:F3} M ({cost / budget:P0})");
            // Below the default fill share only when no single option change at the kept resolution fits the budget
            // (checked here by trying every one, not by the derivation's own loop).
            if (cost < BudgetedDerivation.DefaultFill * budget)
            {
                var flat = fitted.ToFlat(space);
                var counts = ArchitectureChoice.OptionCounts(space);
                int resolutionDecision = space.Decisions.IndexOf(DecisionRole.Resolution);
                for (int d = 0; d < counts.Length; d++)
                    for (int o = 0; d != resolutionDecision && o < counts[d]; o++)
                    {
                        var moved = (int[])flat.Clone();
                        moved[d] = o;
                        double c = BudgetedDerivation.CostOf(space, ArchitectureChoice.FromFlat(space, moved), CostModel.Flops);
                        Assert.False(c > cost && c <= budget, $"budget {budget / 1e6} M, trial {trial}: derived {cost / budget:P1}, but option {o} of decision {d} fits at {c / budget:P1}");
                    }
            }
            Assert.Equal(resolution, fitted.Resolution);
        }
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(1.01)]
    public void DerivationFillOutsideNinetyToHundredPercentIsRefused(double fill)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SearchOptions { DerivationFill = fill }.Validate());
        Assert.Equal(nameof(SearchOptions.DerivationFill), e.ParamName);
        Assert.Contains("must be in [0.9, 1]", e.Message);
    }

    [Fact]
    public void TrimmingKeepsTheResolutionWhenTheBudgetCanBeMetAtIt()
    {
        var space = SearchSpace.CompactWithResolutions(1, 28, 10, [1, 2]);
        var uniform = ArchitectureChoice.OptionCounts(space).Select(n => Enumerable.Repeat(1.0 / n, n).ToArray()).ToArray();
        var largest = BudgetedDerivation.Largest(space, CostModel.Flops);
        Assert.Equal(0, largest.Resolution);
        // The largest member costs far more than 5 M; a half-resolution switch would save most of it at no probability.
        var fitted = BudgetedDerivation.Fit(space, largest, uniform, CostModel.Flops, 5e6);
        Assert.Equal(0, fitted.Resolution);
        Assert.InRange(BudgetedDerivation.CostOf(space, fitted, CostModel.Flops), 0.9 * 5e6, 5e6);
    }

    [Fact]
    public void CheapestAndLargestAreTheExtremesOfSampledMembers()
    {
        var space = SearchSpace.CompactWithResolutions(1, 28, 10, [1, 2]);
        double min = BudgetedDerivation.CostOf(space, BudgetedDerivation.Cheapest(space, CostModel.Flops), CostModel.Flops);
        double max = BudgetedDerivation.CostOf(space, BudgetedDerivation.Largest(space, CostModel.Flops), CostModel.Flops);
        var random = new Random(3);
        for (int i = 0; i < 200; i++)
        {
            double c = BudgetedDerivation.CostOf(space, ArchitectureChoice.Random(space, random), CostModel.Flops);
            Assert.InRange(c, min, max);
        }
    }

    [Fact]
    public void BudgetAboveTheLargestMemberIsRefusedWithTheRange()
    {
        var space = DMaskingSearchTests.TinySpace();
        double max = DMaskingSearchTests.LargestCost(space);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => DMaskingSearch.Run(space, DMaskingSearchTests.TinyData(), new SearchOptions { Budget = max * 3 }));
        Assert.Contains("above the largest architecture", e.Message);
        Assert.Contains($"{max / 1e6:F3} MFLOPs", e.Message);
    }

    [Fact]
    public void DataTooSmallForTheSplitsNamesTheMinimum()
    {
        var space = DMaskingSearchTests.TinySpace();
        var tiny = DMaskingSearchTests.TinyData(perClass: 1);
        var e = Assert.Throws<ArgumentException>(() => DMaskingSearch.Run(space, tiny, new SearchOptions { Budget = DMaskingSearchTests.LargestCost(space) }));
        Assert.Contains("at least 10 images", e.Message);
    }
}
