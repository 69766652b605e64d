using System.Net;
using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Reports;
using FBNetV2.MLNet.Search;
using FBNetV2.MLNet.Training;
using SkiaSharp;
using Xunit;

namespace FBNetV2.MLNet.Tests.Reports;

public class ReportWriterTests
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public void SearchReportWritesEveryPlotAndAnOfflinePage()
    {
        using var dir = new TempDirectory();
        var report = Synthetic(withSearch: true);
        string html = ReportWriter.Write(report, dir.Path);

        var expected = new[] { "accuracy_vs_flops.png", "training_curves.png", "search_curves.png", "architecture.png", "choice_probabilities.png" };
        var charts = ReportWriter.Charts(report);
        Assert.Equal(expected.Order(), charts.Select(c => c.FileName).Order());
        foreach (var chart in charts)
            AssertPng(Path.Combine(dir.Path, chart.FileName), chart.Width, chart.Height);
        // The architecture image grows with the network: stem, 6 blocks, head conv and classifier of Compact-S.
        Assert.Equal(ArchitectureChart.HeightFor(9), charts.Single(c => c.FileName == "architecture.png").Height);

        Assert.Equal(Path.Combine(dir.Path, "report.html"), html);
        string page = File.ReadAllText(html);
        foreach (var name in expected) Assert.Contains($"src=\"{name}\"", page);
        AssertOfflineAndEscaped(page, report);
        Assert.Contains("Search candidates", page);
        Assert.Contains("Test accuracy", page);
        Assert.Contains(WebUtility.HtmlEncode(report.Search!.Candidates[1].Architecture.ToString()), page);
    }

    [Fact]
    public void TrainOnlyReportLeavesOutTheSearchAndMissingAccuracy()
    {
        using var dir = new TempDirectory();
        var report = Synthetic(withSearch: false) with { TestAccuracy = null, Comparison = [] };
        string page = File.ReadAllText(ReportWriter.Write(report, dir.Path));

        var files = Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(new[] { "architecture.png", "report.html", "training_curves.png" }, files);
        foreach (var chart in ReportWriter.Charts(report))
            AssertPng(Path.Combine(dir.Path, chart.FileName), chart.Width, chart.Height);
        Assert.Contains("src=\"architecture.png\"", page);
        Assert.Contains("src=\"training_curves.png\"", page);
        Assert.DoesNotContain("search_curves.png", page);
        Assert.DoesNotContain("choice_probabilities.png", page);
        Assert.DoesNotContain("Search candidates", page);
        Assert.DoesNotContain("Test accuracy", page);
        AssertOfflineAndEscaped(page, report);
    }

    private static void AssertOfflineAndEscaped(string page, RunReport report)
    {
        Assert.Contains(WebUtility.HtmlEncode(report.Architecture.ToString()), page);
        Assert.Contains("&lt;b&gt;", page);
        Assert.DoesNotContain("<b>", page);
        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", page, StringComparison.OrdinalIgnoreCase);
    }

    private static void AssertPng(string path, int width, int height)
    {
        Assert.True(File.Exists(path), $"{path} was not written");
        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal(PngSignature, bytes.Take(8));
        using var bitmap = SKBitmap.Decode(bytes);
        Assert.NotNull(bitmap);
        Assert.Equal((width, height), (bitmap.Width, bitmap.Height));
        // A blank or single-colour image would mean nothing was drawn (e.g. missing native text or a failed render).
        var colours = new HashSet<uint>();
        for (int y = 0; y < bitmap.Height; y += 2)
            for (int x = 0; x < bitmap.Width; x += 2)
                colours.Add((uint)bitmap.GetPixel(x, y));
        Assert.True(colours.Count > 8, $"{Path.GetFileName(path)} has only {colours.Count} colours");
    }

    /// <summary>A report with a plausible 8-epoch search over 3 stages of 2 blocks and 6 training epochs.</summary>
    private static RunReport Synthetic(bool withSearch)
    {
        var arch = PredefinedArchitectures.Get("Compact-S");
        var training = Enumerable.Range(1, 6).Select(e => new TrainingProgress(e, 6, 1.2 / e + 0.2, 0.7 + 0.035 * e,
            e % 2 == 0 ? 0.68 + 0.03 * e : null, 0.05 * (7 - e) / 6, 5000, TimeSpan.FromSeconds(30 * e), TimeSpan.FromSeconds(30 * (6 - e)))).ToList();
        var report = new RunReport("Fashion-MNIST <b>search</b> & train", arch)
        {
            DataDescription = "Fashion-MNIST, 60000 train / 10000 test, 28x28 gray",
            TestAccuracy = 0.9012,
            Training = training,
            Comparison =
            [
                new("searched", arch.Flops / 1e6, 0.9012, true),
                new("Compact-M", PredefinedArchitectures.Get("Compact-M").Flops / 1e6, 0.9105, false),
                new("Compact-L", PredefinedArchitectures.Get("Compact-L").Flops / 1e6, 0.9188, false),
                new("tiny <b>", 0.5, 0.84, false),
            ],
            Budget = "5 MFLOPs",
            Timings = [new("search", TimeSpan.FromMinutes(12.5)), new("training", TimeSpan.FromHours(1.25))],
            Facts = [new("seed", "42"), new("device", "cpu")],
        };
        if (!withSearch) return report;

        const int epochs = 8;
        var history = Enumerable.Range(1, epochs).Select(e => new SearchProgress(e, epochs, 1.5 / e + 0.3, 0.6 + 0.04 * e,
            e <= 2 ? null : 1.0 / e + 0.4, (6 - 0.2 * e) * 1e6, 5.0 * Math.Pow(0.8, e), 1.0 / e, TimeSpan.FromSeconds(60 * e),
            TimeSpan.FromSeconds(60 * (epochs - e)))).ToList();
        var decisions = new List<(string Name, string[] Options, int Winner)>
        {
            ("resolution", ["28px", "14px"], 0),
            ("stem width", ["8", "16"], 0),
        };
        for (int s = 1; s <= 3; s++)
        {
            decisions.Add(($"stage {s} width", ["16", "24", "32"], s % 3));
            for (int b = 1; b <= 2; b++)
            {
                string[] ops = b == 1 ? ["ir_k3", "ir_k5", "ir_k3_se_hs"] : ["ir_k3", "ir_k5", "ir_k3_se_hs", "skip"];
                decisions.Add(($"stage {s} block {b} type", ops, (s + b) % ops.Length));
                decisions.Add(($"stage {s} block {b} hidden", ["24", "48", "72"], b));
            }
        }
        // Probabilities sharpen from uniform towards each decision's winner, at a pace that differs per decision.
        IReadOnlyList<DecisionDistribution> At(int epoch) => decisions.Select((d, i) =>
        {
            double sharp = epoch * (0.3 + 0.1 * (i % 4));
            var logits = d.Options.Select((_, k) => k == d.Winner ? sharp : 0.15 * k).ToArray();
            double z = logits.Sum(Math.Exp);
            return new DecisionDistribution(d.Name, d.Options, logits.Select(l => Math.Exp(l) / z).ToArray());
        }).ToList();
        var distributionHistory = Enumerable.Range(1, epochs).Select(At).ToList();
        var other = PredefinedArchitectures.Get("Compact-M");
        var candidates = new List<CandidateScore>
        {
            new("argmax", arch, arch.Flops, 0.83, -4.2),
            new("sample 1", other, other.Flops, 0.85, -6.9),
        };
        return report with { Search = new SearchResult(arch, arch.Flops, candidates, history, distributionHistory[^1], distributionHistory) };
    }
}
