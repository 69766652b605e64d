using OxyPlot;
using OxyPlot.SkiaSharp;
using SkiaSharp;

namespace FBNetV2.MLNet.Reports;

/// <summary>One plot panel and the pixel height it gets in its image.</summary>
internal sealed record ChartPanel(PlotModel Model, int Height);

/// <summary>
/// One PNG of the report: one or more panels stacked vertically at a common width. Stacking lets related plots with
/// different axes (e.g. a heatmap and stacked bars) share one file without fighting over one plot's axes.
/// </summary>
internal sealed record ReportChart(string FileName, string Caption, int Width, IReadOnlyList<ChartPanel> Panels)
{
    public int Height => Panels.Sum(p => p.Height);

    /// <summary>Renders every panel with OxyPlot's PNG exporter and writes the stacked image.</summary>
    public string Save(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (Panels.Count == 1)
        {
            using var file = File.Create(path);
            PngExporter.Export(Panels[0].Model, file, Width, Panels[0].Height);
            return path;
        }
        using var bitmap = new SKBitmap(Width, Height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            int y = 0;
            foreach (var panel in Panels)
            {
                using var png = new MemoryStream();
                PngExporter.Export(panel.Model, png, Width, panel.Height);
                png.Position = 0;
                using var image = SKBitmap.Decode(png);
                canvas.DrawBitmap(image, 0, y);
                y += panel.Height;
            }
        }
        using (var file = File.Create(path))
            bitmap.Encode(file, SKEncodedImageFormat.Png, 100);
        return path;
    }
}
