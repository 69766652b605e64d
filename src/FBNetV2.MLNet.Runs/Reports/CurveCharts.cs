using FBNetV2.MLNet.Search;
using FBNetV2.MLNet.Training;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Series;

namespace FBNetV2.MLNet.Reports;

/// <summary>Per-epoch curves of the final training and of the search, each loss on the left axis and accuracy on the right.</summary>
internal static class CurveCharts
{
    public const string TrainingFile = "training_curves.png";
    public const string SearchFile = "search_curves.png";
    public const int PanelHeight = 420;

    public static ReportChart Training(IReadOnlyList<TrainingProgress> history)
    {
        var model = TwoAxes("Final training", "loss", "accuracy (%)");
        model.Series.Add(Line("train loss", PlotStyle.Color(0), "left", history.Select(h => (h.Epoch, h.TrainLoss))));
        model.Series.Add(Line("train accuracy", PlotStyle.Color(1), "right", history.Select(h => (h.Epoch, h.TrainAccuracy * 100))));
        var validated = history.Where(h => h.ValidationAccuracy is not null).ToList();
        if (validated.Count > 0)
            model.Series.Add(Line("validation accuracy", PlotStyle.Color(2), "right", validated.Select(h => (h.Epoch, h.ValidationAccuracy!.Value * 100))));
        return new ReportChart(TrainingFile, "Final training", PlotStyle.Width, [new ChartPanel(model, PanelHeight)]);
    }

    /// <summary>
    /// Top: supernet weight loss and accuracy (and architecture loss once it is trained). Middle: expected cost and
    /// temperature. Bottom: mean entropy of the distribution against <paramref name="uniformEntropy"/>, the mean of
    /// log(options) over the decisions.
    /// </summary>
    public static ReportChart Search(IReadOnlyList<SearchProgress> history, double uniformEntropy)
    {
        var weights = TwoAxes("Search: supernet training", "loss", "accuracy (%)");
        weights.Series.Add(Line("weight loss", PlotStyle.Color(0), "left", history.Select(h => (h.Epoch, h.WeightLoss))));
        var arch = history.Where(h => h.ArchitectureLoss is not null).ToList();
        if (arch.Count > 0)
        {
            var line = Line("architecture loss", PlotStyle.Color(5), "left", arch.Select(h => (h.Epoch, h.ArchitectureLoss!.Value)));
            line.LineStyle = LineStyle.Dash;
            weights.Series.Add(line);
        }
        weights.Series.Add(Line("weight accuracy", PlotStyle.Color(1), "right", history.Select(h => (h.Epoch, h.WeightAccuracy * 100))));

        // The cost is shown in the search target's budget unit: millions of FLOPs or parameters, or milliseconds.
        var unit = CostModel.UnitOf(history.Count > 0 ? history[0].CostTarget : CostTarget.Flops);
        var cost = TwoAxes("Search: expected cost and Gumbel temperature", $"expected {unit.Quantity} ({unit.Symbol})", "temperature");
        cost.Series.Add(Line("expected cost", PlotStyle.Color(2), "left", history.Select(h => (h.Epoch, unit.InBudgetUnits(h.ExpectedCost)))));
        cost.Series.Add(Line("temperature", PlotStyle.Color(3), "right", history.Select(h => (h.Epoch, h.Temperature))));

        // Whether the distribution learns: mean entropy per decision as a share of the uniform distribution's (100 %:
        // nothing learned; 0 %: every decision made).
        var decided = TwoAxes("Search: mean entropy of the architecture distribution", "% of uniform", "nats");
        decided.Series.Add(Line("entropy, % of uniform", PlotStyle.Color(4), "left", history.Select(h => (h.Epoch, 100 * h.MeanEntropy / uniformEntropy))));
        decided.Series.Add(Line("entropy (nats)", PlotStyle.Color(6), "right", history.Select(h => (h.Epoch, h.MeanEntropy))));
        return new ReportChart(SearchFile, "Search", PlotStyle.Width,
            [new ChartPanel(weights, PanelHeight), new ChartPanel(cost, PanelHeight), new ChartPanel(decided, PanelHeight)]);
    }

    private static PlotModel TwoAxes(string title, string left, string right)
    {
        var model = PlotStyle.Model(title, legend: true);
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "epoch", MinimumMajorStep = 1, MinimumMinorStep = 1, MajorGridlineStyle = LineStyle.Dot });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Key = "left", Title = left, MajorGridlineStyle = LineStyle.Dot, MinimumPadding = 0.05, MaximumPadding = 0.05 });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Right, Key = "right", Title = right, MinimumPadding = 0.05, MaximumPadding = 0.05 });
        return model;
    }

    private static LineSeries Line(string title, OxyColor color, string axis, IEnumerable<(int Epoch, double Value)> points)
    {
        var series = new LineSeries { Title = title, Color = color, YAxisKey = axis, StrokeThickness = 2, MarkerType = MarkerType.Circle, MarkerSize = 3, MarkerFill = color };
        series.Points.AddRange(points.Select(p => new DataPoint(p.Epoch, p.Value)));
        return series;
    }
}
