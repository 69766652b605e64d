using System.Globalization;
using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Reports;
using FBNetV2.MLNet.Search;
using Xunit;

namespace FBNetV2.MLNet.Tests.Search;

public class CostModelTests
{
    [Fact]
    public void EachTargetCarriesItsUnitAndFormatting()
    {
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try
        {
            Assert.Equal("4.213 MFLOPs", CostModel.Flops.Format(4_213_000));
            Assert.Equal("0.125 M parameters", CostModel.Parameters.Format(125_000));
            Assert.Equal("0.0123 ms", CostModel.Format(0.01234, CostTarget.Latency));
        }
        finally { CultureInfo.CurrentCulture = culture; }
        Assert.Equal(5e6, CostModel.UnitOf(CostTarget.Flops).FromBudgetUnits(5));
        Assert.Equal(2.5, CostModel.UnitOf(CostTarget.Latency).FromBudgetUnits(2.5));
        Assert.Equal("millions of parameters", CostModel.UnitOf(CostTarget.Parameters).BudgetUnit);
        var arch = PredefinedArchitectures.Get("Compact-S");
        Assert.Equal(arch.Flops, CostModel.For(CostTarget.Flops, null).Of(arch));
        Assert.Equal(arch.Parameters, CostModel.For(CostTarget.Parameters, null).Of(arch));
    }

    [Fact]
    public void UnknownTargetOrMissingTableIsAnErrorNotAFallback()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => CostModel.For((CostTarget)7, null));
        Assert.Contains("Unknown cost target 7", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => CostModel.UnitOf((CostTarget)7));
        Assert.Contains("needs a latency table", Assert.Throws<ArgumentException>(() => CostModel.For(CostTarget.Latency, null)).Message);
    }

    [Fact]
    public void ReportShowsLatencyCandidatesInMilliseconds()
    {
        // The report used to divide every candidate's cost by 1e6, so latency candidates read 0.000.
        var arch = PredefinedArchitectures.Get("Compact-S");
        var history = new List<SearchProgress> { new(1, 1, 1, 0.5, null, 0.8, 1, 1, TimeSpan.Zero, TimeSpan.Zero) { CostTarget = CostTarget.Latency } };
        var search = new SearchResult(arch, 0.4321, [new CandidateScore("argmax", arch, 0.4321, 0.9, -1)], history, [], []);
        var html = ReportHtml.Render(new RunReport("latency", arch) { Search = search }, []);
        Assert.Contains("<td class=\"num\">0.4321</td>", html);
        Assert.Contains("Cost (ms)", html);
    }
}
