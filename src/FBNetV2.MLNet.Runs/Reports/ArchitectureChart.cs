using System.Globalization;
using FBNetV2.MLNet.Architecture;
using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Series;

namespace FBNetV2.MLNet.Reports;

/// <summary>
/// The network drawn layer by layer, stem at the top: one horizontal bar per layer whose length is its MFLOPs,
/// coloured by stage, labelled with the block and the widths and map sizes it maps between. It shows at a glance
/// where the compute goes.
/// </summary>
internal static class ArchitectureChart
{
    public const string FileName = "architecture.png";
    private const int RowHeight = 30, Margin = 130;

    public static int HeightFor(int layers) => Margin + RowHeight * layers;

    public static ReportChart Create(FBNetArchitecture architecture)
    {
        var rows = LayerRow.Of(architecture);
        var model = PlotStyle.Model(string.Create(CultureInfo.InvariantCulture,
            $"Architecture: {architecture.Flops / 1e6:F2} MFLOPs, {Count(architecture.Parameters)} parameters"), legend: true);
        model.Axes.Add(new CategoryAxis
        {
            Position = AxisPosition.Left, Key = "layers", GapWidth = 0.25,
            // Stem first, at the top, as the data flows.
            StartPosition = 1, EndPosition = 0,
            ItemsSource = rows.Select(r => $"{r.Name}  {r.Description}").ToArray(),
        });
        double max = rows.Max(r => r.Flops) / 1e6;
        model.Axes.Add(new LinearAxis
        {
            Position = AxisPosition.Bottom, Title = "MFLOPs (multiply-adds)", Minimum = 0,
            // Room to the right of the longest bar for its label.
            Maximum = Math.Max(max, 1e-6) * 1.45, MajorGridlineStyle = LineStyle.Dot,
        });

        // One stacked series per stage, zero elsewhere: each row shows only its own stage's bar, and the legend names the colours.
        int stages = architecture.Stages.Count;
        for (int stage = 0; stage <= stages + 1; stage++)
        {
            var series = new BarSeries
            {
                Title = stage == 0 ? "stem" : stage > stages ? "head" : $"stage {stage}",
                IsStacked = true, FillColor = Colour(stage, stages), StrokeColor = OxyColor.FromRgb(60, 60, 60), StrokeThickness = 0.5,
                YAxisKey = "layers",
            };
            foreach (var row in rows)
                series.Items.Add(new BarItem(row.Stage == stage ? row.Flops / 1e6 : 0));
            model.Series.Add(series);
        }
        for (int i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            model.Annotations.Add(new TextAnnotation
            {
                Text = string.Create(CultureInfo.InvariantCulture,
                    $"{r.Flops / 1e6:F3} M   {r.InChannels}\u2192{r.OutChannels} ch   {r.InSize}\u2192{r.OutSize} px"),
                TextPosition = new DataPoint(r.Flops / 1e6, i), YAxisKey = "layers",
                Offset = new ScreenVector(6, 0),
                TextHorizontalAlignment = HorizontalAlignment.Left, TextVerticalAlignment = VerticalAlignment.Middle,
                Stroke = OxyColors.Transparent, FontSize = 11,
            });
        }
        return new ReportChart(FileName, "Architecture", PlotStyle.Width, [new ChartPanel(model, HeightFor(rows.Count))]);
    }

    /// <summary>Grey for the head, so it never shares a colour with the stem or a stage.</summary>
    private static OxyColor Colour(int stage, int stages) => stage > stages ? PlotStyle.Color(7) : PlotStyle.Color(stage % 7);

    private static string Count(long n) => n >= 1_000_000
        ? string.Create(CultureInfo.InvariantCulture, $"{n / 1e6:F2} M") : string.Create(CultureInfo.InvariantCulture, $"{n / 1e3:F1} k");
}
