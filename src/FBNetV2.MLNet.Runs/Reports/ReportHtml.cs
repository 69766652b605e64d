using System.Globalization;
using System.Net;
using System.Text;
using FBNetV2.MLNet.Search;

namespace FBNetV2.MLNet.Reports;

/// <summary>
/// The report page: one self-contained HTML file with inline CSS and no scripts, fonts or links to the network, so it
/// opens offline and from an archive. Images are referenced by file name next to the page. Every string is escaped.
/// </summary>
internal static class ReportHtml
{
    private const string Style = """
        body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; margin: 2em auto; max-width: 1160px; color: #222; padding: 0 1em; }
        h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; }
        table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.92em; }
        th, td { border: 1px solid #ddd; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
        th { background: #f4f4f4; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
        tr.chosen td { background: #fff3e0; font-weight: 600; }
        code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 0.9em; word-break: break-all; }
        figure { margin: 1em 0; } img { max-width: 100%; height: auto; border: 1px solid #eee; }
        """;

    public static string Render(RunReport report, IReadOnlyList<ReportChart> charts)
    {
        var a = report.Architecture;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<title>").Append(E(report.Title)).Append("</title>\n<style>\n").Append(Style).Append("</style>\n</head>\n<body>\n")
            .Append("<h1>").Append(E(report.Title)).Append("</h1>\n");

        var summary = new List<(string, string)>();
        if (report.DataDescription is { } data) summary.Add(("Data", E(data)));
        summary.Add(("Architecture", $"<code>{E(a.ToString())}</code>"));
        summary.Add(("MFLOPs", F(a.Flops / 1e6, "F3")));
        summary.Add(("Parameters", a.Parameters.ToString("N0", CultureInfo.InvariantCulture)));
        summary.Add(("Input", E($"{a.InputChannels}x{a.InputSize}x{a.InputSize}, network resolution {a.Resolution} px, {a.NumClasses} classes")));
        if (report.TestAccuracy is { } acc) summary.Add(("Test accuracy", F(acc * 100, "F2") + " %"));
        if (report.Training.Count > 0 && report.Training[^1].ValidationAccuracy is { } val)
            summary.Add(("Final validation accuracy", F(val * 100, "F2") + " %"));
        if (report.Budget is { } budget) summary.Add(("Budget", E(budget)));
        foreach (var (name, time) in report.Timings) summary.Add(("Time: " + E(name), E(Duration(time))));
        foreach (var (key, value) in report.Facts) summary.Add((E(key), E(value)));
        html.Append("<h2>Summary</h2>\n<table>\n");
        foreach (var (key, value) in summary) html.Append("<tr><th>").Append(key).Append("</th><td>").Append(value).Append("</td></tr>\n");
        html.Append("</table>\n");

        void Facts(string heading, IEnumerable<KeyValuePair<string, string>> facts)
        {
            html.Append("<h2>").Append(E(heading)).Append("</h2>\n<table>\n");
            foreach (var (key, value) in facts) html.Append("<tr><th>").Append(E(key)).Append("</th><td>").Append(E(value)).Append("</td></tr>\n");
            html.Append("</table>\n");
        }
        if (report.Search?.Recipe is { } searchRecipe) Facts("Search settings", searchRecipe.Facts());
        if (report.Recipe is { } recipe) Facts("Training recipe", recipe.Facts());

        foreach (var chart in charts)
            html.Append("<h2>").Append(E(chart.Caption)).Append("</h2>\n<figure><img src=\"").Append(E(chart.FileName))
                .Append("\" alt=\"").Append(E(chart.Caption)).Append("\" width=\"").Append(chart.Width).Append("\"></figure>\n");

        if (report.Comparison.Count > 0)
        {
            html.Append("<h2>Models compared</h2>\n<table>\n<tr><th>Model</th><th>MFLOPs</th><th>Accuracy (%)</th></tr>\n");
            foreach (var p in report.Comparison.OrderBy(p => p.MFlops))
                html.Append(p.IsSearched ? "<tr class=\"chosen\">" : "<tr>").Append("<td>").Append(E(p.Name)).Append("</td>")
                    .Append(Num(F(p.MFlops, "F3"))).Append(Num(F(p.Accuracy * 100, "F2"))).Append("</tr>\n");
            html.Append("</table>\n");
        }

        if (report.Search is { } search)
        {
            // Candidates' costs are raw counts or milliseconds of the search's own target: show them in its budget unit.
            var unit = CostModel.UnitOf(search.History.FirstOrDefault()?.CostTarget ?? CostTarget.Flops);
            html.Append("<h2>Search candidates</h2>\n<p>Candidates derived from the final distribution, scored with inherited supernet weights; ")
                .Append("the highlighted row is the one chosen. Cost is the search target's, in ").Append(E(unit.BudgetUnit)).Append(".</p>\n<table>\n")
                .Append("<tr><th>Origin</th><th>Architecture</th><th>Cost (").Append(E(unit.Symbol)).Append(")</th><th>MFLOPs</th><th>Parameters</th><th>Inherited accuracy (%)</th><th>log p</th></tr>\n");
            foreach (var c in search.Candidates)
                html.Append(c.Architecture.Equals(search.Architecture) ? "<tr class=\"chosen\">" : "<tr>")
                    .Append("<td>").Append(E(c.Origin)).Append("</td><td><code>").Append(E(c.Architecture.ToString())).Append("</code></td>")
                    .Append(Num(F(unit.InBudgetUnits(c.Cost), $"F{unit.Digits}"))).Append(Num(F(c.Architecture.Flops / 1e6, "F3")))
                    .Append(Num(c.Architecture.Parameters.ToString("N0", CultureInfo.InvariantCulture)))
                    .Append(Num(F(c.InheritedAccuracy * 100, "F2"))).Append(Num(F(c.LogProbability, "F3"))).Append("</tr>\n");
            html.Append("</table>\n");
        }

        html.Append("<h2>Layers</h2>\n<table>\n<tr><th>Layer</th><th>Block</th><th>Channels</th><th>Map (px)</th><th>MFLOPs</th><th>Share</th><th>Parameters</th></tr>\n");
        double total = Math.Max(1, a.Flops);
        foreach (var r in LayerRow.Of(a))
            html.Append("<tr><td>").Append(E(r.Name)).Append("</td><td><code>").Append(E(r.Description)).Append("</code></td>")
                .Append(Num($"{r.InChannels} \u2192 {r.OutChannels}")).Append(Num($"{r.InSize} \u2192 {r.OutSize}"))
                .Append(Num(F(r.Flops / 1e6, "F3"))).Append(Num(F(r.Flops / total * 100, "F1") + " %"))
                .Append(Num(r.Parameters.ToString("N0", CultureInfo.InvariantCulture))).Append("</tr>\n");
        html.Append("</table>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
    private static string Num(string text) => $"<td class=\"num\">{text}</td>";
    private static string Duration(TimeSpan t) => $"{(int)t.TotalHours}:{t:mm\\:ss} (h:mm:ss)";
}
