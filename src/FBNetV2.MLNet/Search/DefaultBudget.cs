namespace FBNetV2.MLNet.Search;

/// <summary>
/// The budget a search gets when none is given: the geometric mean of the cheapest and the largest architecture of
/// the space being searched, so that it always lies inside the space (a fixed figure is below the cheapest member of
/// one space and above the largest of another) and sits as many times above the cheapest as below the largest.
/// </summary>
public static class DefaultBudget
{
    /// <summary>The default budget, with the two costs it comes from.</summary>
    public static (double Budget, double Cheapest, double Largest) For(SearchSpace space, CostModel cost)
    {
        double cheapest = BudgetedDerivation.CostOf(space, BudgetedDerivation.Cheapest(space, cost), cost);
        double largest = BudgetedDerivation.CostOf(space, Largest(space, cost), cost);
        return (Math.Sqrt(cheapest * largest), cheapest, largest);
    }

    /// <summary>
    /// The most expensive architecture of the space for the target: coordinate ascent (each decision in turn moved to
    /// its costliest option, repeated until nothing changes). Costs are monotone in each decision, so every decision's
    /// costliest option does not depend on the others and the ascent ends at the maximum.
    /// </summary>
    public static ArchitectureChoice Largest(SearchSpace space, CostModel cost)
    {
        var counts = ArchitectureChoice.OptionCounts(space);
        var current = new int[counts.Length];
        double best = BudgetedDerivation.CostOf(space, ArchitectureChoice.FromFlat(space, current), cost);
        for (bool changed = true; changed;)
        {
            changed = false;
            for (int d = 0; d < counts.Length; d++)
                for (int o = 0; o < counts[d]; o++)
                {
                    if (o == current[d]) continue;
                    var candidate = (int[])current.Clone();
                    candidate[d] = o;
                    double c = BudgetedDerivation.CostOf(space, ArchitectureChoice.FromFlat(space, candidate), cost);
                    if (c > best) { best = c; current = candidate; changed = true; }
                }
        }
        return ArchitectureChoice.FromFlat(space, current);
    }
}
