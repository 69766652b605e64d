using FBNetV2.MLNet.Search;
using Xunit;

namespace FBNetV2.MLNet.Tests.Search;

/// <summary>
/// A member's log-probability under a learned distribution (the candidates' "log p" in progress, report and CLI) is the
/// log of the chance that a sample from the distribution derives that network. A skipped block's hidden width is a
/// placeholder: every option of it derives the same network, so its options' probabilities add up to 1 and it must not
/// count (session 31 found members with skips charged for it).
/// </summary>
public class LogProbabilityTests
{
    private static double[][] RandomDistribution(SearchSpace space, Random random) =>
        space.Decisions.OptionCounts().Select(n =>
        {
            var w = Enumerable.Range(0, n).Select(_ => -Math.Log(1 - random.NextDouble())).ToArray(); // Dirichlet(1)
            return w.Select(x => x / w.Sum()).ToArray();
        }).ToArray();

    /// <summary>The plain sum of every decision's log-probability, the placeholder included.</summary>
    private static double NaiveLogP(int[] flat, double[][] p) => flat.Select((o, i) => Math.Log(p[i][o])).Sum();

    [Fact]
    public void AMembersLogProbabilityIsTheChanceOfSamplingItsNetwork()
    {
        var space = SearchSpace.Compact(1, 28, 10);
        var random = new Random(3);
        var p = RandomDistribution(space, random);
        var op = space.Decisions.Find(DecisionRole.BlockOp, 2, 1);
        var hidden = space.Decisions.Find(DecisionRole.BlockHidden, 2, 1);
        int skip = op.Options.ToList().IndexOf("skip");
        Assert.True(skip >= 0, "stage 3 block 2 offers skip in the compact space");
        for (int trial = 0; trial < 20; trial++)
        {
            var flat = ArchitectureChoice.Random(space, random).ToFlat(space);
            // No skip anywhere: every decision shapes the network, the log p is the plain sum.
            foreach (var d in space.Decisions.Where(d => d.Role == DecisionRole.BlockOp && d.Options.Contains("skip")))
                if (flat[d.Index] == d.Options.ToList().IndexOf("skip")) flat[d.Index] = 0;
            Assert.Equal(NaiveLogP(flat, p), BudgetedDerivation.LogProbability(space, ArchitectureChoice.FromFlat(space, flat), p), 9);

            // Skip one block: the chance of sampling that network sums the plain probability over the block's hidden
            // options (all derive it), and every one of those members reports that same log p.
            flat[op.Index] = skip;
            double marginal = Math.Log(Enumerable.Range(0, hidden.Count).Sum(h =>
            {
                var f = (int[])flat.Clone();
                f[hidden.Index] = h;
                return Math.Exp(NaiveLogP(f, p));
            }));
            for (int h = 0; h < hidden.Count; h++)
            {
                flat[hidden.Index] = h;
                Assert.Equal(marginal, BudgetedDerivation.LogProbability(space, ArchitectureChoice.FromFlat(space, flat), p), 9);
            }
        }
    }

    [Fact]
    public void TheMostLikelyMemberSkipsWhereASkipBeatsTheBestLayerAndBeatsEverySample()
    {
        var space = SearchSpace.Compact(1, 28, 10);
        var p = RandomDistribution(space, new Random(4));
        var op = space.Decisions.Find(DecisionRole.BlockOp, 2, 1);
        var hidden = space.Decisions.Find(DecisionRole.BlockHidden, 2, 1);
        int skip = op.Options.ToList().IndexOf("skip");
        // Every other block keeps its layer (skip at 0.1 %), so this block alone tells the two members apart.
        foreach (var d in space.Decisions.Where(d => d.Role == DecisionRole.BlockOp && d.Index != op.Index && d.Options.Contains("skip")))
        {
            int s = d.Options.ToList().IndexOf("skip");
            p[d.Index] = p[d.Index].Select((x, i) => i == s ? 1e-3 : x / (1 - p[d.Index][s]) * (1 - 1e-3)).ToArray();
        }
        // Skip 0.3 is not the most likely type (two layers at 0.35), but a layer also needs a hidden width, at best 0.5:
        // 0.35 x 0.5 = 0.175 < 0.3, so the most likely network skips the block, which the per-decision argmax does not.
        p[op.Index] = Enumerable.Range(0, op.Count).Select(i => i == skip ? 0.3 : i < 2 ? 0.35 : 0.0).ToArray();
        p[hidden.Index] = Enumerable.Range(0, hidden.Count).Select(i => i == 0 ? 0.5 : 0.5 / (hidden.Count - 1)).ToArray();

        var best = BudgetedDerivation.MostLikely(space, p);
        var argmax = BudgetedDerivation.Argmax(space, p);
        Assert.Equal(skip, best.ToFlat(space)[op.Index]);
        Assert.NotEqual(skip, argmax.ToFlat(space)[op.Index]);
        double bestLogP = BudgetedDerivation.LogProbability(space, best, p);
        Assert.Equal(Math.Log(0.3) - Math.Log(0.35 * 0.5), bestLogP - BudgetedDerivation.LogProbability(space, argmax, p), 9);
        var random = new Random(5);
        for (int i = 0; i < 2000; i++)
            Assert.True(BudgetedDerivation.LogProbability(space, BudgetedDerivation.Sample(space, p, random), p) <= bestLogP + 1e-12);
    }
}
