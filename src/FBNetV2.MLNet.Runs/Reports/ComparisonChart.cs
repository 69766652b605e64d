using System.Globalization;
using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Series;

namespace FBNetV2.MLNet.Reports;

/// <summary>Accuracy versus MFLOPs of the searched model and the baselines: where the search landed on the trade-off.</summary>
internal static class ComparisonChart
{
    public const string FileName = "accuracy_vs_flops.png";
    public const int Height = 600;

    public static ReportChart Create(IReadOnlyList<ModelPoint> points)
    {
        var model = PlotStyle.Model("Test accuracy vs. multiply-adds", legend: true);
        double min = points.Min(p => p.MFlops), max = points.Max(p => p.MFlops);
        // A log axis only pays off when the models span more than a decade; otherwise it squeezes them together.
        Axis x = min > 0 && max / min > 10
            ? new LogarithmicAxis { Title = "MFLOPs (multiply-adds, log scale)", Minimum = min / 1.6, Maximum = max * 1.6 }
            : new LinearAxis { Title = "MFLOPs (multiply-adds)", Minimum = Math.Max(0, min - Pad(min, max)), Maximum = max + Pad(min, max) };
        x.Position = AxisPosition.Bottom;
        x.MajorGridlineStyle = LineStyle.Dot;
        model.Axes.Add(x);
        double lo = points.Min(p => p.Accuracy) * 100, hi = points.Max(p => p.Accuracy) * 100, span = Math.Max(hi - lo, 1);
        model.Axes.Add(new LinearAxis
        {
            Position = AxisPosition.Left, Title = "accuracy (%)", MajorGridlineStyle = LineStyle.Dot,
            Minimum = lo - 0.15 * span, Maximum = Math.Min(100, hi + 0.2 * span) + 0.05 * span,
        });

        var baselines = new ScatterSeries { Title = "baselines", MarkerType = MarkerType.Circle, MarkerSize = 6, MarkerFill = PlotStyle.Color(0) };
        var searched = new ScatterSeries
        {
            Title = "searched", MarkerType = MarkerType.Diamond, MarkerSize = 10, MarkerFill = PlotStyle.Highlight,
            MarkerStroke = OxyColors.Black, MarkerStrokeThickness = 1,
        };
        foreach (var p in points)
        {
            (p.IsSearched ? searched : baselines).Points.Add(new ScatterPoint(p.MFlops, p.Accuracy * 100));
            model.Annotations.Add(new TextAnnotation
            {
                Text = string.Create(CultureInfo.InvariantCulture, $"{p.Name} ({p.Accuracy * 100:F1} %)"),
                TextPosition = new DataPoint(p.MFlops, p.Accuracy * 100),
                Offset = new ScreenVector(0, -10),
                TextVerticalAlignment = VerticalAlignment.Bottom,
                Stroke = OxyColors.Transparent,
                Background = OxyColor.FromAColor(200, OxyColors.White),
                TextColor = p.IsSearched ? PlotStyle.Highlight : OxyColors.Black,
                FontWeight = p.IsSearched ? FontWeights.Bold : FontWeights.Normal,
            });
        }
        if (baselines.Points.Count > 0) model.Series.Add(baselines);
        if (searched.Points.Count > 0) model.Series.Add(searched);
        return new ReportChart(FileName, "Accuracy versus MFLOPs", PlotStyle.Width, [new ChartPanel(model, Height)]);
    }

    private static double Pad(double min, double max) => Math.Max((max - min) * 0.15, Math.Max(max * 0.05, 0.01));
}
