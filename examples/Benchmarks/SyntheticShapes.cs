using FBNetV2.MLNet.Data;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// A second 28x28 gray data set for recipe choices that should not be fitted to Fashion-MNIST alone (only
/// Fashion-MNIST ships on this machine): ten outline and filled shapes drawn at random position, size and stroke,
/// with background noise and distractor strokes so that a small network does not score 100 %. Same seed, same images.
/// </summary>
internal static class SyntheticShapes
{
    public static readonly string[] ClassNames =
        ["disc", "ring", "square", "frame", "triangle", "plus", "cross", "diamond", "hbars", "vbars"];

    public static LabeledImages Generate(int count, int seed)
    {
        const int S = 28;
        var random = new Random(seed);
        var pixels = new float[count * S * S];
        var labels = new int[count];
        var img = new float[S * S];
        for (int n = 0; n < count; n++)
        {
            int c = n % ClassNames.Length;
            labels[n] = c;
            double cx = 14 + (random.NextDouble() - 0.5) * 10, cy = 14 + (random.NextDouble() - 0.5) * 10;
            double r = 4 + random.NextDouble() * 6, t = 1 + random.NextDouble() * 1.8, angle = (random.NextDouble() - 0.5) * 0.7;
            float ink = 0.45f + 0.55f * (float)random.NextDouble();
            double cos = Math.Cos(angle), sin = Math.Sin(angle);
            for (int y = 0; y < S; y++)
                for (int x = 0; x < S; x++)
                {
                    // Coordinates in the shape's rotated frame.
                    double dx = x - cx, dy = y - cy, u = cos * dx + sin * dy, v = -sin * dx + cos * dy;
                    double d = Math.Sqrt(u * u + v * v), m = Math.Max(Math.Abs(u), Math.Abs(v)), l1 = Math.Abs(u) + Math.Abs(v);
                    bool on = c switch
                    {
                        0 => d <= r,
                        1 => Math.Abs(d - r) <= t,
                        2 => m <= r * 0.85,
                        3 => Math.Abs(m - r * 0.85) <= t * 0.8,
                        4 => v <= r * 0.6 && v >= -r * 0.8 && Math.Abs(u) <= (r * 0.6 - v) * 0.65,
                        5 => (Math.Abs(u) <= t && Math.Abs(v) <= r) || (Math.Abs(v) <= t && Math.Abs(u) <= r),
                        6 => (Math.Abs(u - v) <= t * 1.4 || Math.Abs(u + v) <= t * 1.4) && m <= r * 0.8,
                        7 => l1 <= r,
                        8 => Math.Abs(u) <= r && (Math.Abs(v - r * 0.45) <= t * 0.8 || Math.Abs(v + r * 0.45) <= t * 0.8),
                        9 => Math.Abs(v) <= r && (Math.Abs(u - r * 0.45) <= t * 0.8 || Math.Abs(u + r * 0.45) <= t * 0.8),
                        _ => throw new InvalidOperationException($"class {c}"),
                    };
                    img[y * S + x] = on ? ink : 0f;
                }
            // Two distractor strokes and noise: the shape must be told from clutter.
            for (int k = 0; k < 2; k++)
            {
                double x0 = random.NextDouble() * S, y0 = random.NextDouble() * S, a = random.NextDouble() * Math.PI, len = 4 + random.NextDouble() * 8;
                float inkK = 0.3f + 0.5f * (float)random.NextDouble();
                for (double s = 0; s < len; s += 0.5)
                {
                    int x = (int)(x0 + Math.Cos(a) * s), y = (int)(y0 + Math.Sin(a) * s);
                    if (x >= 0 && x < S && y >= 0 && y < S) img[y * S + x] = Math.Max(img[y * S + x], inkK);
                }
            }
            for (int p = 0; p < S * S; p++)
            {
                double noise = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()) * 0.22;
                pixels[n * S * S + p] = (float)Math.Clamp(img[p] + noise, 0, 1);
            }
        }
        return new LabeledImages(pixels, labels, 1, S, S, ClassNames);
    }
}
