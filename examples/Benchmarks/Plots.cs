using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;
using OxyPlot.SkiaSharp;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// The plots of docs/benchmarks.md, drawn from the CSVs the benchmark commands write with --csv (docs/data), so that a
/// rerun of a benchmark and of this command refreshes a plot without hand work.
/// </summary>
internal static class Plots
{
    public static void Run(Dictionary<string, string> a)
    {
        string data = a.GetValueOrDefault("data", Path.Combine("docs", "data"));
        string output = a.GetValueOrDefault("out", Path.Combine("docs", "plots"));
        if (!Directory.Exists(data)) throw new DirectoryNotFoundException($"--data {data}: no such folder; run from the repository root or pass the folder of the benchmark CSVs.");
        Directory.CreateDirectory(output);
        var plots = new (string Csv, string Png, Func<List<Dictionary<string, string>>, PlotModel> Draw)[]
        {
            ("scaling.csv", "scaling.png", Scaling),
            ("fashion.csv", "fashion.png", Fashion),
            ("latency.csv", "latency.png", Latency),
        };
        foreach (var (csv, png, draw) in plots)
        {
            string source = Path.Combine(data, csv);
            if (!File.Exists(source)) { Console.WriteLine($"skipped {png}: {source} not found"); continue; }
            string target = Path.Combine(output, png);
            using (var file = File.Create(target)) PngExporter.Export(draw(ResultCsv.Read(source)), file, 800, 500);
            Console.WriteLine($"wrote {target} from {source}");
        }
    }

    /// <summary>Step time and peak memory relative to the plain network, against the number of channel options.</summary>
    private static PlotModel Scaling(List<Dictionary<string, string>> rows)
    {
        var model = Model("Supernet cost relative to the plain network (1 resolution option)");
        model.Axes.Add(new LogarithmicAxis { Position = AxisPosition.Bottom, Base = 2, Title = "channel options per layer" });
        model.Axes.Add(new LogarithmicAxis { Position = AxisPosition.Left, Title = "x plain network", MajorGridlineStyle = LineStyle.Dot });
        foreach (var (title, column, baseline, color, dash) in new[]
        {
            ("masked (DMaskingNAS): step time", "masked_ms", "plain_ms", OxyColors.SteelBlue, LineStyle.Solid),
            ("masked (DMaskingNAS): peak memory", "masked_mb", "plain_mb", OxyColors.SteelBlue, LineStyle.Dash),
            ("one conv per option (DNAS): step time", "explicit_ms", "plain_ms", OxyColors.OrangeRed, LineStyle.Solid),
            ("one conv per option (DNAS): peak memory", "explicit_mb", "plain_mb", OxyColors.OrangeRed, LineStyle.Dash),
        })
        {
            var series = new LineSeries { Title = title, Color = color, LineStyle = dash, MarkerType = MarkerType.Circle };
            foreach (var r in rows.Where(r => r["resolution_options"] == "1"))
                series.Points.Add(new DataPoint(r.Number("channel_options"), r.Number(column) / r.Number(baseline)));
            model.Series.Add(series);
        }
        return model;
    }

    /// <summary>Test accuracy against multiply-adds, one point per trained network and seed, with the target corner.</summary>
    private static PlotModel Fashion(List<Dictionary<string, string>> rows)
    {
        var model = Model("Fashion-MNIST test accuracy against multiply-adds (full data, same recipe)");
        // Axes reach past the target corner (94 % at 5 M) so the distance to it shows.
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "MFLOPs (multiply-adds)", Minimum = 0, Maximum = Math.Max(6, rows.Max(r => r.Number("mflops")) + 0.5), MajorGridlineStyle = LineStyle.Dot });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = "test accuracy (%)", Minimum = Math.Floor(rows.Min(r => 100 * r.Number("test_accuracy"))) - 0.5, Maximum = 95, MajorGridlineStyle = LineStyle.Dot });
        var markers = new[] { MarkerType.Circle, MarkerType.Square, MarkerType.Triangle, MarkerType.Diamond, MarkerType.Cross, MarkerType.Star };
        foreach (var (group, i) in rows.Select(r => r["group"]).Distinct().Select((g, i) => (g, i)))
        {
            var series = new ScatterSeries { Title = group, MarkerType = markers[i % markers.Length], MarkerSize = 5 };
            foreach (var r in rows.Where(r => r["group"] == group))
                series.Points.Add(new ScatterPoint(r.Number("mflops"), 100 * r.Number("test_accuracy")));
            model.Series.Add(series);
        }
        model.Annotations.Add(new LineAnnotation { Type = LineAnnotationType.Horizontal, Y = 94, Text = "target 94 %", Color = OxyColors.Gray, LineStyle = LineStyle.Dash });
        model.Annotations.Add(new LineAnnotation { Type = LineAnnotationType.Vertical, X = 5, Text = "budget 5 M", Color = OxyColors.Gray, LineStyle = LineStyle.Dash });
        return model;
    }

    /// <summary>Predicted against measured whole-network latency, with the second measurement as the noise floor.</summary>
    private static PlotModel Latency(List<Dictionary<string, string>> rows)
    {
        var model = Model("Latency table against ONNX Runtime (1 thread, batch 1)");
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Bottom, Title = "measured ms (first timing)", Minimum = 0, MajorGridlineStyle = LineStyle.Dot });
        model.Axes.Add(new LinearAxis { Position = AxisPosition.Left, Title = "ms", Minimum = 0, MajorGridlineStyle = LineStyle.Dot });
        var predicted = new ScatterSeries { Title = "predicted by the table", MarkerType = MarkerType.Circle, MarkerSize = 5 };
        var again = new ScatterSeries { Title = "measured again", MarkerType = MarkerType.Cross, MarkerSize = 5, MarkerStroke = OxyColors.OrangeRed };
        foreach (var r in rows)
        {
            predicted.Points.Add(new ScatterPoint(r.Number("measured_ms"), r.Number("predicted_ms")));
            again.Points.Add(new ScatterPoint(r.Number("measured_ms"), r.Number("measured_again_ms")));
        }
        model.Series.Add(predicted);
        model.Series.Add(again);
        model.Annotations.Add(new FunctionAnnotation { Equation = x => x, Text = "y = x", Color = OxyColors.Gray, LineStyle = LineStyle.Dash });
        return model;
    }

    private static PlotModel Model(string title)
    {
        var model = new PlotModel { Title = title, Background = OxyColors.White };
        model.Legends.Add(new Legend { LegendPosition = LegendPosition.TopLeft, LegendBackground = OxyColor.FromAColor(220, OxyColors.White) });
        return model;
    }
}
