using FBNetV2.MLNet.Data;
using SkiaSharp;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// Writes a photo-like image folder (train/ and test/, a subfolder per class, RGB PNGs) from Fashion-MNIST: each
/// 28 px garment is coloured with a random colour, scaled with cubic resampling to a random size and placed at a
/// random position on a random two-colour gradient, with pixel noise. Colours, size and position are independent of
/// the class, so only the shape tells the classes apart. The classes default to the five upper-body garments, the
/// pairs that 28 px networks confuse most, so that accuracies leave room between networks.
/// </summary>
public static class PhotoFolder
{
    public static void Run(Dictionary<string, string> o)
    {
        string output = o.GetValueOrDefault("out") ?? throw new BadFlagValueException("--out DIR is required.");
        int size = int.Parse(o.GetValueOrDefault("size", "160"));
        int perClassTrain = int.Parse(o.GetValueOrDefault("train", "400"));
        int perClassTest = int.Parse(o.GetValueOrDefault("test", "120"));
        int seed = int.Parse(o.GetValueOrDefault("seed", "1"));
        var classes = o.GetValueOrDefault("classes", "0,2,3,4,6").Split(',').Select(int.Parse).ToArray();
        string source = o.GetValueOrDefault("data", FashionMnist.DefaultDirectory);
        var random = new Random(seed);
        foreach (var (split, train, perClass) in new[] { ("train", true, perClassTrain), ("test", false, perClassTest) })
        {
            var images = FashionMnist.Load(source, train);
            foreach (int c in classes)
            {
                string name = string.Concat(FashionMnist.ClassNames[c].Select(ch => char.IsLetterOrDigit(ch) ? ch : '_'));
                string folder = Path.Combine(output, split, name);
                Directory.CreateDirectory(folder);
                int written = 0;
                for (int i = 0; i < images.Count && written < perClass; i++)
                {
                    if (images.Labels[i] != c) continue;
                    using var photo = Render(images.Pixels.AsSpan(i * 784, 784), size, random);
                    using var png = photo.Encode(SKEncodedImageFormat.Png, 100);
                    File.WriteAllBytes(Path.Combine(folder, $"{i:D5}.png"), png.ToArray());
                    written++;
                }
            }
            Console.WriteLine($"{split}: {classes.Length} classes x {perClass} images of {size}x{size} RGB in {Path.Combine(output, split)}");
        }
    }

    private static SKColor RandomColor(Random r) =>
        SKColor.FromHsv((float)(r.NextDouble() * 360), (float)(20 + r.NextDouble() * 80), (float)(25 + r.NextDouble() * 75));

    private static SKBitmap Render(ReadOnlySpan<float> gray, int size, Random r)
    {
        // The garment: a random colour, shaded by the original intensity, opaque where the garment is.
        var fg = RandomColor(r);
        using var garment = new SKBitmap(new SKImageInfo(28, 28, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
            {
                float v = gray[y * 28 + x];
                float shade = 0.45f + 0.55f * v;
                garment.SetPixel(x, y, new SKColor((byte)(fg.Red * shade), (byte)(fg.Green * shade), (byte)(fg.Blue * shade), (byte)Math.Round(Math.Min(1, v * 1.6) * 255)));
            }
        using var garmentImage = SKImage.FromBitmap(garment);

        var photo = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(photo))
        {
            using var background = new SKPaint
            {
                Shader = SKShader.CreateLinearGradient(new SKPoint((float)(r.NextDouble() * size), 0), new SKPoint((float)(r.NextDouble() * size), size),
                    [RandomColor(r), RandomColor(r)], SKShaderTileMode.Clamp),
            };
            canvas.DrawRect(0, 0, size, size, background);
            float side = size * (float)(0.65 + r.NextDouble() * 0.35);
            float left = (float)(r.NextDouble() * (size - side)), top = (float)(r.NextDouble() * (size - side));
            using var paint = new SKPaint { FilterQuality = SKFilterQuality.High, IsAntialias = true };
            canvas.DrawImage(garmentImage, new SKRect(left, top, left + side, top + side), paint);
        }
        // Sensor-like noise, so that no two pixels of a flat area are equal.
        var pixels = photo.Pixels;
        for (int p = 0; p < pixels.Length; p++)
        {
            int n = r.Next(-10, 11);
            var c = pixels[p];
            pixels[p] = new SKColor(Clamp(c.Red + n), Clamp(c.Green + n), Clamp(c.Blue + n), 255);
        }
        photo.Pixels = pixels;
        return photo;
    }

    private static byte Clamp(int v) => (byte)Math.Clamp(v, 0, 255);
}
