namespace FBNetV2.MLNet.Reports;

/// <summary>
/// Writes the run report: PNG plots and an offline <c>report.html</c> that shows them with the summary, the search
/// candidates and the per-layer costs. Shared by the main job and the CLI so both produce the same page.
/// </summary>
public static class ReportWriter
{
    /// <summary>File name of the report page inside the report folder.</summary>
    public const string HtmlFile = "report.html";

    /// <summary>
    /// Writes <c>report.html</c> and its images into <paramref name="directory"/> (created if missing; files of an
    /// earlier report there are overwritten) and returns the path of <c>report.html</c>. Plots whose data the report
    /// lacks (no search, no training history, no comparison points) are left out.
    /// </summary>
    public static string Write(RunReport report, string directory)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        var charts = Charts(report);
        foreach (var chart in charts) chart.Save(directory);
        string path = Path.Combine(directory, HtmlFile);
        File.WriteAllText(path, ReportHtml.Render(report, charts));
        return path;
    }

    /// <summary>The images the report has data for, in page order.</summary>
    internal static IReadOnlyList<ReportChart> Charts(RunReport report)
    {
        var charts = new List<ReportChart>();
        if (report.Comparison.Count > 0) charts.Add(ComparisonChart.Create(report.Comparison));
        charts.Add(ArchitectureChart.Create(report.Architecture));
        if (report.Training.Count > 0) charts.Add(CurveCharts.Training(report.Training));
        if (report.Search is { } search)
        {
            if (search.History.Count > 0) charts.Add(CurveCharts.Search(search.History, search.Distribution.Count > 0 ? search.Distribution.Average(d => Math.Log(d.Options.Length)) : 1));
            if (search.Distribution.Count > 0 && search.DistributionHistory.Count > 0) charts.Add(ChoiceChart.Create(search));
        }
        return charts;
    }
}
