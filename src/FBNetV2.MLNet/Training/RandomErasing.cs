using FBNetV2.MLNet.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Training;

/// <summary>
/// Random erasing (Zhong et al. 2017) with timm's semantics: each image, with probability <see cref="Probability"/>,
/// gets one rectangle of a random share of its area (uniform in [<see cref="MinArea"/>, <see cref="MaxArea"/>]) and a
/// log-uniform aspect ratio in [0.3, 1/0.3], placed uniformly where it fits (up to 10 tries), filled per pixel with
/// normal noise of the data's own per-channel mean and standard deviation. That is timm's "pixel" mode, N(0, 1) after
/// normalisation, written in the [0, 1] pixel space the batches are in here (the network normalises inside).
/// </summary>
internal sealed class RandomErasing(double probability, double minArea, double maxArea, float[] mean, float[] std)
{
    private const double MinAspect = 0.3;
    private const int Attempts = 10;

    public double Probability { get; } = probability;
    public double MinArea { get; } = minArea;
    public double MaxArea { get; } = maxArea;

    /// <summary>Erases in place in <paramref name="images"/> [N, C, H, W]; positions and sizes come from <paramref name="random"/>, fill noise from torch's generator.</summary>
    public void Apply(Tensor images, Random random)
    {
        if (Probability <= 0) return;
        long n = images.shape[0], c = images.shape[1], h = images.shape[2], w = images.shape[3];
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var meanT = tensor(mean, [c, 1, 1], device: images.device);
        var stdT = tensor(std, [c, 1, 1], device: images.device);
        for (int i = 0; i < n; i++)
        {
            if (random.NextDouble() >= Probability) continue;
            if (Rectangle(random, (int)h, (int)w) is not var (top, left, eh, ew)) continue;
            var fill = randn([c, eh, ew], device: images.device).mul_(stdT).add_(meanT, TorchScalars.One);
            images[i].narrow(1, top, eh).narrow(2, left, ew).copy_(fill);
        }
    }

    /// <summary>timm's draw: target area and log-uniform aspect, rounded sides, accepted when strictly inside the image.</summary>
    internal (int Top, int Left, int Height, int Width)? Rectangle(Random random, int height, int width)
    {
        double area = (double)height * width;
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            double target = (MinArea + random.NextDouble() * (MaxArea - MinArea)) * area;
            double aspect = Math.Exp(Math.Log(MinAspect) + random.NextDouble() * (Math.Log(1 / MinAspect) - Math.Log(MinAspect)));
            int eh = (int)Math.Round(Math.Sqrt(target * aspect)), ew = (int)Math.Round(Math.Sqrt(target / aspect));
            if (eh < 1 || ew < 1 || eh >= height || ew >= width) continue;
            return (random.Next(height - eh + 1), random.Next(width - ew + 1), eh, ew);
        }
        return null;
    }
}
