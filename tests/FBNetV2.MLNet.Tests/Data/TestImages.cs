using SkiaSharp;

namespace FBNetV2.MLNet.Tests.Data;

/// <summary>Writes small image files for the tests.</summary>
internal static class TestImages
{
    /// <summary>An 8-bit grayscale PNG whose pixel (x, y) is <paramref name="value"/>(x, y).</summary>
    public static void GrayPng(string path, int width, int height, Func<int, int, byte> value)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                byte v = value(x, y);
                bitmap.SetPixel(x, y, new SKColor(v, v, v));
            }
        Save(bitmap, path, SKEncodedImageFormat.Png);
    }

    /// <summary>An image of one colour in the given format.</summary>
    public static void Solid(string path, int width, int height, SKColor colour, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        bitmap.Erase(colour);
        Save(bitmap, path, format);
    }

    private static void Save(SKBitmap bitmap, string path, SKEncodedImageFormat format)
    {
        using var data = bitmap.Encode(format, 100);
        File.WriteAllBytes(path, data.ToArray());
    }
}
