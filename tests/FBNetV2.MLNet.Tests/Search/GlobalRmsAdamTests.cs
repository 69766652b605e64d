using FBNetV2.MLNet.Search;
using FBNetV2.MLNet.Training;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Tests.Search;

/// <summary>
/// The architecture optimizer with one shared second moment, against Adam's update written out in doubles with the
/// mean square of the whole gradient in place of each coordinate's square; and the property it exists for: under a
/// gradient whose sign never changes, Adam moves a small and a large coordinate alike, this one in proportion.
/// </summary>
public class GlobalRmsAdamTests
{
    private const double Lr = 0.05, Beta1 = 0.9, Beta2 = 0.999, Eps = 1e-8;

    /// <summary>Two logit vectors and a fixed sequence of gradients per step (float32, as the supernet's logits).</summary>
    private static readonly double[][][] Gradients =
    [
        [[0.5, -0.25, 0.01], [2.0, -1.0]],
        [[0.4, 0.3, -0.02], [1.5, -0.5]],
        [[-0.1, 0.2, 0.03], [1.0, 0.25]],
    ];

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.01)]
    public void StepEqualsAdamWithTheWholeGradientsMeanSquare(double weightDecay)
    {
        double[][] start = [[0.1, -0.2, 0.3], [0.0, 0.5]];
        var ps = start.Select(v => new Parameter(tensor(v.Select(x => (float)x).ToArray()))).ToArray();
        using var opt = new GlobalRmsAdam(ps, Lr, weight_decay: weightDecay);

        // The reference in doubles.
        var theta = start.Select(v => v.Select(x => (double)(float)x).ToArray()).ToArray();
        var m = start.Select(v => new double[v.Length]).ToArray();
        double shared = 0;
        for (int t = 1; t <= Gradients.Length; t++)
        {
            var g = Gradients[t - 1].Select((v, i) => v.Select((x, j) => (double)(float)x + weightDecay * theta[i][j]).ToArray()).ToArray();
            double meanSq = g.SelectMany(v => v).Average(x => x * x);
            shared = Beta2 * shared + (1 - Beta2) * meanSq;
            double scale = Lr / (1 - Math.Pow(Beta1, t)) / (Math.Sqrt(shared / (1 - Math.Pow(Beta2, t))) + Eps);
            for (int i = 0; i < theta.Length; i++)
                for (int j = 0; j < theta[i].Length; j++)
                {
                    m[i][j] = Beta1 * m[i][j] + (1 - Beta1) * g[i][j];
                    theta[i][j] -= scale * m[i][j];
                }

            opt.zero_grad();
            for (int i = 0; i < ps.Length; i++) ps[i].grad = tensor(Gradients[t - 1][i].Select(x => (float)x).ToArray());
            opt.step();
            for (int i = 0; i < ps.Length; i++)
            {
                var got = ps[i].data<float>().ToArray();
                for (int j = 0; j < got.Length; j++) Assert.Equal(theta[i][j], got[j], 5);
            }
        }
    }

    [Fact]
    public void MovesCoordinatesInProportionToASteadyGradientWhereAdamMovesThemAlike()
    {
        float[] gradient = [0.01f, 0.1f, 1.0f];
        var mine = new Parameter(zeros(3));
        var adam = new Parameter(zeros(3));
        using var global = new GlobalRmsAdam([mine], Lr);
        using var perLogit = new ScalarSafeAdam([adam], Lr);
        for (int step = 0; step < 20; step++)
        {
            foreach (var (p, o) in new (Parameter, Adam)[] { (mine, global), (adam, perLogit) })
            {
                o.zero_grad();
                p.grad = tensor(gradient);
                o.step();
            }
        }
        var a = adam.data<float>().ToArray();
        var g = mine.data<float>().ToArray();
        // Adam: each coordinate about -lr per step whatever its gradient (within 1 %).
        Assert.All(a, x => Assert.InRange(x, -20 * Lr * 1.01, -20 * Lr * 0.99));
        // Shared moment: in the gradient's proportions, the step's root mean square about lr.
        Assert.InRange(g[1] / g[2], 0.0999, 0.1001);
        Assert.InRange(g[0] / g[2], 0.00999, 0.01001);
        double rms = Math.Sqrt(g.Average(x => (double)x * x)) / 20;
        Assert.InRange(rms, Lr * 0.99, Lr * 1.01);
    }
}
