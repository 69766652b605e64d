using SkiaSharp;

namespace FBNetV2.MLNet.Data;

/// <summary>
/// Decodes the images of an <see cref="ImageFolder"/> with SkiaSharp into a <see cref="LabeledImages"/>: planar CHW
/// floats in [0, 1], gray (1 channel) or RGB (3 channels). Transparent pixels come out composited on black.
/// </summary>
internal static class ImageDecoder
{
    // JPEG rounding can leave gray pixels a level or two off R = G = B; that is not colour.
    private const int ColourTolerance = 2;

    /// <summary>Images sampled by <see cref="GuessChannels"/>.</summary>
    private const int GuessSample = 32;

    /// <summary>
    /// Decodes every image of <paramref name="folder"/>. RGB is converted to gray as 0.299 R + 0.587 G + 0.114 B;
    /// gray is replicated to RGB. With <paramref name="height"/> and <paramref name="width"/> every image is resized
    /// to that size (high quality); without them all images must already share one size.
    /// </summary>
    /// <param name="folder">The images and their classes; class indices follow <see cref="ImageFolder.ClassNames"/>.</param>
    /// <param name="channels">1 for gray, 3 for RGB.</param>
    /// <param name="height">Target height, or null to keep the images' own size (then also give no width).</param>
    /// <param name="width">Target width, or null to keep the images' own size (then also give no height).</param>
    /// <exception cref="DataFormatException">A file cannot be decoded, or sizes differ and no size was set.</exception>
    public static LabeledImages Load(ImageFolder folder, int channels, int? height, int? width)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (channels is not (1 or 3))
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "Channels must be 1 (gray) or 3 (RGB).");
        if (height.HasValue != width.HasValue)
            throw new ArgumentException("Give both height and width to resize, or neither to keep the images' own size.", height.HasValue ? nameof(width) : nameof(height));
        if (height <= 0 || width <= 0)
            throw new ArgumentOutOfRangeException(height <= 0 ? nameof(height) : nameof(width), "Height and width must be positive.");

        var classIndex = folder.ClassNames.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        int count = folder.Items.Count;
        var labels = new int[count];
        float[]? pixels = null;
        int h = height ?? 0, w = width ?? 0;
        string firstPath = "";
        for (int i = 0; i < count; i++)
        {
            var (path, label) = folder.Items[i];
            using var decoded = Decode(path);
            if (pixels is null)
            {
                if (!height.HasValue)
                    (h, w, firstPath) = (decoded.Height, decoded.Width, path);
                long total = (long)count * channels * h * w;
                if (total > Array.MaxLength)
                    throw new DataFormatException($"Image folder '{folder.Root}': {count} images of {channels} x {h} x {w} need {total} values, more than one array can hold. Set a smaller height and width.");
                pixels = new float[total];
            }
            else if (!height.HasValue && (decoded.Height != h || decoded.Width != w))
            {
                throw new DataFormatException($"Image '{path}' is {decoded.Width} x {decoded.Height} (width x height) but '{firstPath}' and the images before it are {w} x {h}. Images of different sizes need a common size: set a height and width to resize them all.");
            }

            using var sized = decoded.Width == w && decoded.Height == h
                ? null
                : decoded.Resize(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul), SKFilterQuality.High)
                  ?? throw new DataFormatException($"Image '{path}' ({decoded.Width} x {decoded.Height}) could not be resized to {w} x {h}.");
            int size = channels * h * w;
            WritePlanar(sized ?? decoded, channels, pixels.AsSpan(i * size, size));
            labels[i] = classIndex[label];
        }
        return new LabeledImages(pixels!, labels, channels, h, w, folder.ClassNames.ToArray());
    }

    /// <summary>
    /// 3 if any of up to 32 images, spread evenly over the folder so that every class gets a say, has colour
    /// (R, G and B differ), else 1.
    /// </summary>
    /// <exception cref="DataFormatException">A sampled file cannot be decoded.</exception>
    public static int GuessChannels(ImageFolder folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        int count = folder.Items.Count;
        int sample = Math.Min(GuessSample, count);
        for (int k = 0; k < sample; k++)
        {
            using var bitmap = Decode(folder.Items[(int)((long)k * count / sample)].ImagePath);
            if (HasColour(bitmap))
                return 3;
        }
        return 1;
    }

    /// <summary>Decodes to RGBA 8888 premultiplied; fails on anything short of a complete decode.</summary>
    private static SKBitmap Decode(string path)
    {
        byte[] bytes;
        try
        {
            // Read by us so that a missing or unreadable file says why rather than "cannot decode".
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException($"Image '{path}' cannot be read: {e.Message}", e);
        }
        using var data = SKData.CreateCopy(bytes);
        var codec = SKCodec.Create(data)
            ?? throw new DataFormatException($"Image '{path}' is not a readable image. Replace or remove the file; supported formats are PNG, JPEG, BMP, GIF and WebP.");
        using (codec)
        {
            var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
            var bitmap = new SKBitmap(info);
            // SKBitmap.Decode would accept IncompleteInput, which silently yields a partly blank image.
            var result = codec.GetPixels(info, bitmap.GetPixels());
            if (result != SKCodecResult.Success)
            {
                bitmap.Dispose();
                throw new DataFormatException($"Image '{path}' could not be decoded completely ({result}); the file is probably truncated or corrupt. Replace or remove it.");
            }
            return bitmap;
        }
    }

    private static bool HasColour(SKBitmap bitmap)
    {
        var bytes = bitmap.GetPixelSpan();
        for (int y = 0; y < bitmap.Height; y++)
        {
            var row = bytes.Slice(y * bitmap.RowBytes, bitmap.Width * 4);
            for (int x = 0; x < row.Length; x += 4)
            {
                if (Math.Abs(row[x] - row[x + 1]) > ColourTolerance || Math.Abs(row[x + 1] - row[x + 2]) > ColourTolerance)
                    return true;
            }
        }
        return false;
    }

    /// <summary>Writes an RGBA 8888 bitmap as planar gray or RGB floats in [0, 1].</summary>
    private static void WritePlanar(SKBitmap bitmap, int channels, Span<float> target)
    {
        var bytes = bitmap.GetPixelSpan();
        int plane = bitmap.Width * bitmap.Height;
        for (int y = 0; y < bitmap.Height; y++)
        {
            var row = bytes.Slice(y * bitmap.RowBytes, bitmap.Width * 4);
            for (int x = 0; x < bitmap.Width; x++)
            {
                byte r = row[4 * x], g = row[4 * x + 1], b = row[4 * x + 2];
                int at = y * bitmap.Width + x;
                if (channels == 1)
                {
                    // Gray input is copied exactly (the weighted sum is off by a rounding error), so a gray PNG
                    // gives the same values as the IDX file it came from.
                    target[at] = r == g && g == b ? r / 255f : Math.Min(1f, (0.299f * r + 0.587f * g + 0.114f * b) / 255f);
                }
                else
                {
                    target[at] = r / 255f;
                    target[plane + at] = g / 255f;
                    target[2 * plane + at] = b / 255f;
                }
            }
        }
    }
}
