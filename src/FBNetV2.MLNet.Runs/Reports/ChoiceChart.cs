using FBNetV2.MLNet.Search;
using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Series;

namespace FBNetV2.MLNet.Reports;

/// <summary>
/// How the search made up its mind. Top: a heatmap, one row per decision, of the probability of the option that is
/// most likely at the end, per search epoch, so early and late convergence stand out. Bottom: the final distribution
/// over block types of each searched layer as stacked bars.
/// </summary>
internal static class ChoiceChart
{
    public const string FileName = "choice_probabilities.png";
    private const int HeatRow = 20, HeatMargin = 120, BarRow = 26, BarMargin = 120;

    /// <summary>Block-type decisions by their role; results saved before roles were recorded name them "stage S block B type".</summary>
    private static bool IsBlockType(DecisionDistribution d) =>
        d.Role is { } role ? role == DecisionRole.BlockOp : d.Name.EndsWith(" type", StringComparison.Ordinal);

    public static int HeatmapHeight(int decisions) => HeatMargin + HeatRow * decisions;
    public static int BarsHeight(int layers) => BarMargin + BarRow * layers;

    public static ReportChart Create(SearchResult search)
    {
        var panels = new List<ChartPanel> { new(Heatmap(search), HeatmapHeight(search.Distribution.Count)) };
        var types = search.Distribution.Where(IsBlockType).ToList();
        if (types.Count > 0)
            panels.Add(new ChartPanel(BlockTypes(types), BarsHeight(types.Count)));
        return new ReportChart(FileName, "Choice probabilities", PlotStyle.Width, panels);
    }

    private static PlotModel Heatmap(SearchResult search)
    {
        var final = search.Distribution;
        var chosen = final.Select(d => Array.IndexOf(d.Probabilities, d.Probabilities.Max())).ToArray();
        int epochs = search.DistributionHistory.Count;
        var model = PlotStyle.Model("Probability of the finally most likely option, per search epoch");
        model.Axes.Add(new LinearAxis
        {
            Position = AxisPosition.Bottom, Title = "search epoch", MinimumMajorStep = 1, MinimumMinorStep = 1,
            Minimum = 0.5, Maximum = epochs + 0.5,
        });
        model.Axes.Add(new CategoryAxis
        {
            Position = AxisPosition.Left, StartPosition = 1, EndPosition = 0, GapWidth = 0,
            ItemsSource = final.Select((d, i) => $"{d.Name} = {d.Options[chosen[i]]}").ToArray(),
        });
        model.Axes.Add(new LinearColorAxis
        {
            Position = AxisPosition.Right, Palette = OxyPalettes.Viridis(200), Minimum = 0, Maximum = 1, Title = "probability",
        });
        var data = new double[epochs, final.Count];
        for (int e = 0; e < epochs; e++)
        {
            // Match decisions by name: a history entry lists the same decisions in the same order, but names make it explicit.
            var byName = search.DistributionHistory[e].ToDictionary(d => d.Name);
            for (int i = 0; i < final.Count; i++)
                data[e, i] = byName.TryGetValue(final[i].Name, out var d) ? d.Probabilities[chosen[i]] : double.NaN;
        }
        model.Series.Add(new HeatMapSeries
        {
            // Edge coordinates give every cell a width even with a single epoch or a single decision.
            X0 = 0.5, X1 = epochs + 0.5, Y0 = -0.5, Y1 = final.Count - 0.5, Data = data,
            CoordinateDefinition = HeatMapCoordinateDefinition.Edge, Interpolate = false, RenderMethod = HeatMapRenderMethod.Rectangles,
        });
        return model;
    }

    private static PlotModel BlockTypes(IReadOnlyList<DecisionDistribution> types)
    {
        var model = PlotStyle.Model("Final block-type distribution per searched layer", legend: true);
        model.Axes.Add(new CategoryAxis
        {
            Position = AxisPosition.Left, Key = "layers", StartPosition = 1, EndPosition = 0, GapWidth = 0.3,
            ItemsSource = types.Select(d => d.Name[..^" type".Length]).ToArray(),
        });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "probability", Minimum = 0, Maximum = 1, MajorGridlineStyle = LineStyle.Dot });
        // One stacked series per option label (stages may offer different ops), so each op keeps its colour and legend entry.
        var options = types.SelectMany(d => d.Options).Distinct().ToList();
        for (int o = 0; o < options.Count; o++)
        {
            var series = new BarSeries
            {
                Title = options[o], IsStacked = true, FillColor = PlotStyle.Color(o), YAxisKey = "layers",
                StrokeColor = OxyColors.White, StrokeThickness = 1,
            };
            foreach (var d in types)
            {
                int k = Array.IndexOf(d.Options, options[o]);
                series.Items.Add(new BarItem(k >= 0 ? d.Probabilities[k] : 0));
            }
            model.Series.Add(series);
        }
        // Percentages on segments wide enough to hold them.
        for (int i = 0; i < types.Count; i++)
        {
            double left = 0;
            foreach (var option in options)
            {
                int k = Array.IndexOf(types[i].Options, option);
                double p = k >= 0 ? types[i].Probabilities[k] : 0;
                if (p >= 0.08)
                    model.Annotations.Add(new TextAnnotation
                    {
                        Text = $"{p * 100:F0}%", TextPosition = new DataPoint(left + p / 2, i), YAxisKey = "layers",
                        TextHorizontalAlignment = HorizontalAlignment.Center, TextVerticalAlignment = VerticalAlignment.Middle,
                        Stroke = OxyColors.Transparent, TextColor = OxyColors.Black, FontSize = 11,
                    });
                left += p;
            }
        }
        return model;
    }
}
