namespace FBNetV2.MLNet.Search;

/// <summary>
/// Turns the learned distribution into architectures that use the budget. The search's cost term only pulls the
/// distribution towards the budget; the guarantee comes from here, in three steps:
/// <list type="number">
/// <item>The resolution is decided first (the most likely one at which the budget can be met and mostly used), and
/// kept: it is the decision with the largest effect on the cost, and changing it to save cost throws away far more
/// than the excess (a half-resolution network costs about a quarter).</item>
/// <item>Trim: while the exact cost is over budget, make the change that gives up the least log-probability per unit
/// of the saving that is still needed (a saving beyond the excess earns nothing), preferring the smallest overshoot.</item>
/// <item>Grow: while an upgrade fits, take the one with the best log-probability per added cost: first every upgrade
/// that is at least as likely, then, while the cost is under the fill share of the budget (<see cref="DefaultFill"/>
/// unless the caller says otherwise), the upgrade that gives up the least probability per added cost.</item>
/// </list>
/// Costs are monotone in each decision's options, so trimming ends, at worst at the cheapest architecture of the kept
/// resolution, whose cost is checked before the search starts.
/// </summary>
internal static class BudgetedDerivation
{
    /// <summary>
    /// The least share of the budget every derived architecture reaches when the space allows (issue 14's 90-100 %);
    /// the resolution is chosen so that its largest member reaches it.
    /// </summary>
    public const double FillFraction = 0.9;

    /// <summary>
    /// The share of the budget the grow step aims for by default (<see cref="SearchOptions.DerivationFill"/>): the
    /// granularity of the compact space's options lets it reach 98 % at 0.5-12 M; what the step can not reach, it leaves.
    /// </summary>
    public const double DefaultFill = 0.98;

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

    /// <summary>
    /// The member's log-probability under the distribution: the sum over the decisions that shape it. A skipped block's
    /// hidden width is left out: every option of it gives the same network, so counting it charged a member with skips
    /// for a placeholder (measured in session 31: members with more skips looked less likely than they were).
    /// </summary>
    public static double LogProbability(SearchSpace space, ArchitectureChoice choice, double[][] probabilities)
    {
        var flat = choice.ToFlat(space);
        return Shaping(space, flat).Sum(i => Math.Log(Math.Max(1e-300, probabilities[i][flat[i]])));
    }

    /// <summary>The decisions that shape the member: all but the hidden widths of its skipped blocks.</summary>
    public static List<int> Shaping(SearchSpace space, int[] flat) => space.Decisions
        .Where(d => !(d.Role == DecisionRole.BlockHidden && IsSkip(space, flat, d.Stage, d.Block)))
        .Select(d => d.Index).ToList();

    private static bool IsSkip(SearchSpace space, int[] flat, int stage, int block) =>
        space.Decisions.TryIndexOf(DecisionRole.BlockOp, stage, block) is int op and >= 0 && space.Decisions[op].Options[flat[op]] == "skip";

    /// <summary>
    /// The most likely member (budget aside): each decision's most likely option, except that a block with a skip
    /// option is skipped where skip is likelier than its best layer (best layer type times best hidden width, since
    /// a layer needs both and a skip neither).
    /// </summary>
    public static ArchitectureChoice MostLikely(SearchSpace space, double[][] probabilities)
    {
        var flat = probabilities.Select(q => Array.IndexOf(q, q.Max())).ToArray();
        foreach (var d in space.Decisions.Where(d => d.Role == DecisionRole.BlockOp))
        {
            int skip = d.Options.ToList().IndexOf("skip");
            if (skip < 0) continue;
            int hidden = space.Decisions.IndexOf(DecisionRole.BlockHidden, d.Stage, d.Block);
            int layer = Enumerable.Range(0, d.Count).Where(i => i != skip).MaxBy(i => probabilities[d.Index][i]);
            flat[d.Index] = probabilities[d.Index][skip] > probabilities[d.Index][layer] * probabilities[hidden].Max() ? skip : layer;
        }
        return ArchitectureChoice.FromFlat(space, flat);
    }

    /// <summary>The cheapest architecture of the space for the target.</summary>
    public static ArchitectureChoice Cheapest(SearchSpace space, CostModel target) => Extreme(space, target, cheapest: true, fixedResolution: null);

    /// <summary>The most expensive architecture of the space for the target.</summary>
    public static ArchitectureChoice Largest(SearchSpace space, CostModel target) => Extreme(space, target, cheapest: false, fixedResolution: null);

    /// <summary>
    /// Cheapest or largest by coordinate descent: each decision's cost is monotone in its options whatever the others
    /// are, so moving every decision to its cheapest (largest) option, repeated until nothing changes, reaches the
    /// extreme.
    /// </summary>
    private static ArchitectureChoice Extreme(SearchSpace space, CostModel target, bool cheapest, int? fixedResolution)
    {
        var counts = space.Decisions.OptionCounts();
        int resolutionDecision = space.Decisions.IndexOf(DecisionRole.Resolution);
        var current = new int[counts.Length];
        if (fixedResolution is { } r) current[resolutionDecision] = r;
        double cost = Cost(space, current, target);
        for (bool changed = true; changed;)
        {
            changed = false;
            for (int d = 0; d < counts.Length; d++)
            {
                if (d == resolutionDecision && fixedResolution is not null) continue;
                for (int o = 0; o < counts[d]; o++)
                {
                    if (o == current[d]) continue;
                    int keep = current[d];
                    current[d] = o;
                    double c = Cost(space, current, target);
                    if (cheapest ? c < cost : c > cost) { cost = c; changed = true; }
                    else current[d] = keep;
                }
            }
        }
        return ArchitectureChoice.FromFlat(space, current);
    }

    /// <summary>
    /// The resolution option to derive at: the most likely one whose cheapest member fits the budget and whose largest
    /// member reaches <see cref="FillFraction"/> of it; failing that, the most likely that fits.
    /// </summary>
    public static int Resolution(SearchSpace space, double[] probabilities, CostModel target, double budget)
    {
        var order = Enumerable.Range(0, probabilities.Length).OrderByDescending(i => probabilities[i]).ThenBy(i => i).ToArray();
        var fits = order.Where(r => CostOf(space, Extreme(space, target, true, r), target) <= budget).ToArray();
        if (fits.Length == 0) return order[0];
        foreach (var r in fits)
            if (CostOf(space, Extreme(space, target, false, r), target) >= FillFraction * budget) return r;
        return fits[0];
    }

    /// <summary>
    /// Moves <paramref name="start"/> under the budget, then grows it towards the budget (see the class summary). The
    /// start's resolution is kept when the budget can be met at it.
    /// </summary>
    public static ArchitectureChoice Fit(SearchSpace space, ArchitectureChoice start, double[][] probabilities, CostModel target, double budget, double fill = DefaultFill)
    {
        var counts = space.Decisions.OptionCounts();
        var current = start.ToFlat(space);
        bool keepResolution = CostOf(space, Extreme(space, target, true, current[space.Decisions.IndexOf(DecisionRole.Resolution)]), target) <= budget;
        double LogP(int d, int o) => Math.Log(Math.Max(1e-12, probabilities[d][o]));
        double cost = Cost(space, current, target);

        // Trim.
        while (cost > budget)
        {
            double excess = cost - budget;
            (int Decision, int Option, double Cost, double Score, double Overshoot)? best = null;
            foreach (var (d, o, c) in Moves(space, current, counts, target, keepResolution))
            {
                if (c >= cost) continue;
                double saving = cost - c;
                double lost = Math.Max(0, LogP(d, current[d]) - LogP(d, o));
                double score = lost / Math.Min(saving, excess);
                double overshoot = Math.Max(0, saving - excess);
                if (best is null || score < best.Value.Score - 1e-12 || (Math.Abs(score - best.Value.Score) <= 1e-12 && overshoot < best.Value.Overshoot))
                    best = (d, o, c, score, overshoot);
            }
            if (best is null) break; // nothing cheaper: the cheapest architecture (checked against the budget before the search)
            current[best.Value.Decision] = best.Value.Option;
            cost = best.Value.Cost;
        }
        if (cost > budget) return ArchitectureChoice.FromFlat(space, current);

        // Grow: upgrades that are at least as likely, then, below the fill share of the budget, the least costly in
        // probability per added cost.
        while (true)
        {
            (int Decision, int Option, double Cost, double Score)? best = null;
            foreach (var (d, o, c) in Moves(space, current, counts, target, keepResolution: true))
            {
                if (c <= cost || c > budget) continue;
                double gain = LogP(d, o) - LogP(d, current[d]);
                if (gain < 0 && cost >= fill * budget) continue;
                double score = gain / (c - cost);
                if (best is null || score > best.Value.Score) best = (d, o, c, score);
            }
            if (best is null) break;
            current[best.Value.Decision] = best.Value.Option;
            cost = best.Value.Cost;
        }
        return ArchitectureChoice.FromFlat(space, current);
    }

    private static IEnumerable<(int Decision, int Option, double Cost)> Moves(SearchSpace space, int[] current, int[] counts, CostModel target, bool keepResolution)
    {
        int resolutionDecision = space.Decisions.IndexOf(DecisionRole.Resolution);
        for (int d = 0; d < counts.Length; d++)
        {
            if (d == resolutionDecision && keepResolution) continue;
            for (int o = 0; o < counts[d]; o++)
            {
                if (o == current[d]) continue;
                var candidate = (int[])current.Clone();
                candidate[d] = o;
                yield return (d, o, Cost(space, candidate, target));
            }
        }
    }

    private static double Cost(SearchSpace space, int[] flat, CostModel target) => CostOf(space, ArchitectureChoice.FromFlat(space, flat), target);
}
