namespace FBNetV2.MLNet.Search;

/// <summary>
/// How a cost target's figures read: what is counted, the symbol shown, and the scale between the raw count the search
/// works in and the unit budgets are given in (millions for counts, milliseconds for latency).
/// </summary>
/// <param name="Quantity">What is counted, e.g. <c>multiply-adds</c>.</param>
/// <param name="Symbol">Shown after a figure in budget units, e.g. <c>MFLOPs</c>, <c>M parameters</c>, <c>ms</c>.</param>
/// <param name="BudgetScale">Raw units per budget unit: 1e6 when budgets are in millions, 1 for milliseconds.</param>
/// <param name="BudgetUnit">Budget unit in words, for messages, e.g. <c>millions of multiply-adds</c>.</param>
/// <param name="Digits">Decimals shown.</param>
internal sealed record CostUnit(string Quantity, string Symbol, double BudgetScale, string BudgetUnit, int Digits)
{
    /// <summary>A raw cost (as <see cref="CostModel.Of"/> returns it) in budget units with its symbol, e.g. <c>4.213 MFLOPs</c>.</summary>
    public string Format(double rawCost) => $"{InBudgetUnits(rawCost).ToString($"F{Digits}")} {Symbol}";

    /// <summary>A raw cost in budget units (millions, or milliseconds).</summary>
    public double InBudgetUnits(double rawCost) => rawCost / BudgetScale;

    /// <summary>A budget given in budget units as a raw cost, which the search compares with <see cref="CostModel.Of"/>.</summary>
    public double FromBudgetUnits(double budget) => budget * BudgetScale;
}
