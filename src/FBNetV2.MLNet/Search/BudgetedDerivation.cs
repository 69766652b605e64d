namespace FBNetV2.MLNet.Search;

/// <summary>
/// Turns the learned distribution into architectures that fit the budget. The search's cost term only pulls the
/// distribution towards the budget; the guarantee comes from here: while the exact cost of the derived architecture
/// is over budget, change the one decision that saves the most cost per unit of log-probability given up. Every
/// decision's cost is monotone in its options, so this always ends, at worst at the cheapest architecture, which is
/// checked against the budget before the search starts.
/// </summary>
public static class BudgetedDerivation
{
    public static double CostOf(SearchSpace space, ArchitectureChoice choice, CostModel cost) => cost.Of(choice.Derive(space));

    public static ArchitectureChoice Argmax(SearchSpace space, double[][] probabilities) =>
        ArchitectureChoice.FromFlat(space, probabilities.Select(p => Array.IndexOf(p, p.Max())).ToArray());

    public static ArchitectureChoice Sample(SearchSpace space, double[][] probabilities, Random random) =>
        ArchitectureChoice.FromFlat(space, probabilities.Select(p =>
        {
            double u = random.NextDouble(), acc = 0;
            for (int i = 0; i < p.Length; i++) { acc += p[i]; if (u < acc) return i; }
            return p.Length - 1;
        }).ToArray());

    public static double LogProbability(SearchSpace space, ArchitectureChoice choice, double[][] probabilities) =>
        choice.ToFlat(space).Select((o, i) => Math.Log(Math.Max(1e-12, probabilities[i][o]))).Sum();

    /// <summary>The cheapest architecture of the space for the target.</summary>
    public static ArchitectureChoice Cheapest(SearchSpace space, CostModel target)
    {
        var uniform = ArchitectureChoice.OptionCounts(space).Select(n => Enumerable.Repeat(1.0 / n, n).ToArray()).ToArray();
        return Fit(space, Argmax(space, uniform), uniform, target, 0);
    }

    /// <summary>Moves <paramref name="start"/> under the budget (no change if it already fits).</summary>
    public static ArchitectureChoice Fit(SearchSpace space, ArchitectureChoice start, double[][] probabilities, CostModel target, double budget)
    {
        var counts = ArchitectureChoice.OptionCounts(space);
        var current = start.ToFlat(space);
        double cost = CostOf(space, start, target);
        while (cost > budget)
        {
            (int Decision, int Option, double Cost, double Score)? best = null;
            for (int d = 0; d < counts.Length; d++)
                for (int o = 0; o < counts[d]; o++)
                {
                    if (o == current[d]) continue;
                    var candidate = (int[])current.Clone();
                    candidate[d] = o;
                    double c = CostOf(space, ArchitectureChoice.FromFlat(space, candidate), target);
                    if (c >= cost) continue;
                    double lost = Math.Max(0, Math.Log(Math.Max(1e-12, probabilities[d][current[d]])) - Math.Log(Math.Max(1e-12, probabilities[d][o])));
                    double score = (cost - c) / (lost + 1e-3);
                    if (best is null || score > best.Value.Score) best = (d, o, c, score);
                }
            if (best is null) break; // a local minimum of every decision: the cheapest architecture
            current[best.Value.Decision] = best.Value.Option;
            cost = best.Value.Cost;
        }
        return ArchitectureChoice.FromFlat(space, current);
    }
}
