namespace FBNetV2.MLNet.Search;

/// <summary>
/// The budget a search gets when none is given: the geometric mean of the cheapest and the largest architecture of
/// the space being searched, so that it always lies inside the space (a fixed figure is below the cheapest member of
/// one space and above the largest of another) and sits as many times above the cheapest as below the largest.
/// </summary>
internal static class DefaultBudget
{
    /// <summary>The default budget, with the two costs it comes from.</summary>
    public static (double Budget, double Cheapest, double Largest) For(SearchSpace space, CostModel cost)
    {
        double cheapest = BudgetedDerivation.CostOf(space, BudgetedDerivation.Cheapest(space, cost), cost);
        double largest = BudgetedDerivation.CostOf(space, BudgetedDerivation.Largest(space, cost), cost);
        return (Math.Sqrt(cheapest * largest), cheapest, largest);
    }
}
