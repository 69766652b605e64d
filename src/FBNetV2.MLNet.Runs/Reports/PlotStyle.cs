using System.Globalization;
using OxyPlot;
using OxyPlot.Legends;

namespace FBNetV2.MLNet.Reports;

/// <summary>The shared look of the report plots: white background (PNGs are viewed outside the page too), one font, one palette.</summary>
internal static class PlotStyle
{
    /// <summary>Pixel width of every image; wide enough for long layer labels, narrow enough for a laptop screen.</summary>
    public const int Width = 1100;

    /// <summary>Distinct, colour-blind-friendly colours (Okabe-Ito), cycled when a plot needs more.</summary>
    private static readonly OxyColor[] Palette =
    [
        OxyColor.FromRgb(0, 114, 178), OxyColor.FromRgb(230, 159, 0), OxyColor.FromRgb(0, 158, 115),
        OxyColor.FromRgb(204, 121, 167), OxyColor.FromRgb(86, 180, 233), OxyColor.FromRgb(213, 94, 0),
        OxyColor.FromRgb(240, 228, 66), OxyColor.FromRgb(120, 120, 120),
    ];

    public static OxyColor Color(int index) => Palette[((index % Palette.Length) + Palette.Length) % Palette.Length];

    public static readonly OxyColor Highlight = OxyColor.FromRgb(213, 0, 50);

    public static PlotModel Model(string title, bool legend = false)
    {
        // DejaVu Sans ships with nearly every Linux; elsewhere Skia falls back to the system default font.
        var model = new PlotModel
        {
            Title = title,
            // Reports are shared; tick labels should not switch to decimal commas with the machine's locale.
            Culture = CultureInfo.InvariantCulture,
            TitleFontSize = 16,
            DefaultFont = "DejaVu Sans",
            DefaultFontSize = 12,
            Background = OxyColors.White,
            PlotAreaBorderColor = OxyColor.FromRgb(180, 180, 180),
        };
        if (legend)
            model.Legends.Add(new Legend
            {
                LegendPosition = LegendPosition.RightTop,
                LegendPlacement = LegendPlacement.Outside,
                LegendBackground = OxyColor.FromAColor(230, OxyColors.White),
                LegendBorder = OxyColor.FromRgb(200, 200, 200),
            });
        return model;
    }
}
