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

    /// <summary>
    /// The default multiply-add budget under a time budget: the cost whose training step, interpolated linearly in the
    /// cost between the measured steps of the space's cheapest and largest members, lets the final training run its
    /// epochs in the time it has. Never below the geometric mean of <see cref="For"/> (a short time budget keeps that
    /// default) and never above half the largest member (at the largest the search has no choice left). Why: under a
    /// time budget the user asks for the best network the time can train; on a 5-class photo folder at 224 px the
    /// geometric mean (4.5 MFLOPs) gave a network working at 38 px that lost 10 points to MobileNetV3-Small trained in
    /// the same 15 minutes, and the same searched blocks at 16 MFLOPs (75 px) trained 4 points better than at 6.1 MFLOPs
    /// (45 px) in the same 8 minutes (docs/benchmarks.md, section 6).
    /// </summary>
    /// <param name="cheapest">Cost of the space's cheapest member.</param>
    /// <param name="largest">Cost of its largest member.</param>
    /// <param name="cheapestSeconds">Measured seconds per image of a training step of the cheapest member.</param>
    /// <param name="largestSeconds">The same for the largest member.</param>
    /// <param name="affordableSeconds">Seconds per image that the final training can afford.</param>
    public static double ForTime(double cheapest, double largest, double cheapestSeconds, double largestSeconds, double affordableSeconds)
    {
        double low = Math.Sqrt(cheapest * largest), high = largest / 2;
        if (!(largestSeconds > cheapestSeconds)) return affordableSeconds >= largestSeconds ? high : low;
        double share = (affordableSeconds - cheapestSeconds) / (largestSeconds - cheapestSeconds);
        return Math.Clamp(cheapest + share * (largest - cheapest), low, Math.Max(low, high));
    }
}
