using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Search;
using Xunit;

namespace FBNetV2.MLNet.Tests.Search;

/// <summary>
/// The default budget lies inside the searched space: <see cref="BudgetedDerivation.Largest"/> is checked against an
/// exhaustive enumeration of a small space (and <see cref="BudgetedDerivation.Cheapest"/> with it), and on the presets
/// against random members; the Photo preset's working resolution follows its stated rule.
/// </summary>
public class DefaultBudgetTests
{
    private static readonly CandidateOp[] Ops = [new(3, false, Activation.Relu), new(5, true, Activation.HSwish)];

    private static SearchSpace Small() => new(3, 32, 5, [1, 2], [8, 16], 2,
        [
            new StageSpace([8, 16], 1, 2, [16, 32], Ops),
            new StageSpace([16, 24], 2, 2, [32, 64], Ops),
        ],
        new HeadSpec(64, 0, Activation.HSwish));

    private static IEnumerable<int[]> All(int[] counts)
    {
        var current = new int[counts.Length];
        while (true)
        {
            yield return (int[])current.Clone();
            int d = 0;
            while (d < counts.Length && ++current[d] == counts[d]) current[d++] = 0;
            if (d == counts.Length) yield break;
        }
    }

    [Theory]
    [InlineData(CostTarget.Flops)]
    [InlineData(CostTarget.Parameters)]
    public void LargestAndCheapestAreTheExtremesOfAnExhaustiveEnumeration(CostTarget target)
    {
        var space = Small();
        var cost = CostModel.For(target, null);
        var costs = All(ArchitectureChoice.OptionCounts(space)).Select(f => cost.Of(ArchitectureChoice.FromFlat(space, f).Derive(space))).ToList();
        Assert.True(costs.Count > 1000, $"only {costs.Count} architectures enumerated");
        var (budget, cheapest, largest) = DefaultBudget.For(space, cost);
        Assert.Equal(costs.Max(), largest);
        Assert.Equal(costs.Min(), cheapest);
        Assert.Equal(Math.Sqrt(costs.Min() * costs.Max()), budget, 6);
        Assert.Equal(costs.Max(), cost.Of(BudgetedDerivation.Largest(space, cost).Derive(space)));
    }

    public static TheoryData<string> Presets => new() { "Compact", "Photo", "ImageNet" };

    [Theory]
    [MemberData(nameof(Presets))]
    public void PresetBudgetIsBetweenCheapestAndLargestAndLargestBeatsRandomMembers(string preset)
    {
        var space = new SearchFBNetOptions { SearchSpace = Enum.Parse<SearchSpacePreset>(preset) }.ResolveSpace(preset == "Compact" ? 1 : 3, preset == "Compact" ? 28 : 224, 10);
        var cost = CostModel.Flops;
        var (budget, cheapest, largest) = DefaultBudget.For(space, cost);
        Assert.True(cheapest < budget && budget < largest, $"{preset}: {cheapest} < {budget} < {largest}");
        var random = new Random(5);
        for (int i = 0; i < 200; i++)
        {
            double c = cost.Of(ArchitectureChoice.Random(space, random).Derive(space));
            Assert.InRange(c, cheapest, largest);
        }
    }

    [Theory]
    [InlineData(96, 1, 96)]
    [InlineData(128, 2, 64)]
    [InlineData(160, 2, 80)]
    [InlineData(224, 3, 75)]
    [InlineData(256, 3, 86)]
    public void PhotoSpaceWorksAtMost96PxFromAnyInput(int input, int factor, int working)
    {
        var space = SearchSpace.Auto(3, input, 5);
        Assert.Equal(new[] { factor, 2 * factor }, space.Subsamples);
        Assert.Equal(2, space.StemStride);
        Assert.Equal(working, FBNetArchitecture.ConvOut(input, factor));
        Assert.True(working <= PhotoSearchSpace.MaxWorkingSize);
    }

    /// <summary>
    /// Under a time budget the default is the cost whose interpolated step time the training can afford, kept between
    /// the geometric mean and half the largest member. Space 1 .. 100 (geometric mean 10, half the largest 50), steps
    /// 1 ms (cheapest) .. 11 ms (largest): 0.1 ms per cost unit above the cheapest.
    /// </summary>
    [Theory]
    [InlineData(3.0, 20.8)]    // (3 - 1) / 10 of the way: 1 + 0.2 * 99
    [InlineData(4.5, 35.65)]   // 1 + 0.35 * 99
    [InlineData(1.5, 10.0)]    // 5.95 would be below the geometric mean: kept at it
    [InlineData(0.1, 10.0)]    // not even the cheapest fits: the geometric mean, as without a time budget
    [InlineData(9.0, 50.0)]    // 80.2 would leave the search no choice: half the largest
    [InlineData(100.0, 50.0)]
    public void TimedDefaultInterpolatesTheMeasuredStepsBetweenItsBounds(double affordableMs, double expected) =>
        Assert.Equal(expected, DefaultBudget.ForTime(1, 100, 1e-3, 11e-3, affordableMs * 1e-3), 9);

    [Fact]
    public void TimedDefaultWithoutATimeSpreadFallsToABound()
    {
        // Cheapest and largest measured equally fast (noise on a tiny space): all of it fits or none of it does.
        Assert.Equal(50.0, DefaultBudget.ForTime(1, 100, 2e-3, 2e-3, 3e-3));
        Assert.Equal(10.0, DefaultBudget.ForTime(1, 100, 2e-3, 2e-3, 1e-3), 9);
    }

    [Fact]
    public void AutoKeepsTheCompactSpaceBelow96Px()
    {
        var space = SearchSpace.Auto(1, 64, 10);
        Assert.Equal(1, space.StemStride);
        Assert.Equal(new[] { 1, 2 }, space.Subsamples);
    }

    /// <summary>
    /// Half resolution only where its last stage keeps at least a 4x4 map, counted by hand (ceil halving: stride-1 stem
    /// and first stage, three stride-2 stages): 28 px halves to 14, 7, 4, 2; 48 px to 24, 12, 6, 3; 49 px to 25, 13,
    /// 7, 4; 64 px to 32, 16, 8, 4.
    /// </summary>
    [Theory]
    [InlineData(28, new[] { 1 })]
    [InlineData(32, new[] { 1 })]
    [InlineData(48, new[] { 1 })]
    [InlineData(49, new[] { 1, 2 })]
    [InlineData(64, new[] { 1, 2 })]
    [InlineData(95, new[] { 1, 2 })]
    public void CompactSpaceOffersHalfResolutionOnlyWhereItsLastStageKeeps4x4(int size, int[] expected)
    {
        var space = SearchSpace.Auto(1, size, 10);
        Assert.Equal(expected, space.Subsamples);
        Assert.Equal(expected.Length, space.Decisions.Find(DecisionRole.Resolution).Options.Count);
    }
}
