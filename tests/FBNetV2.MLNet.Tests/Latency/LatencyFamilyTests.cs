using FBNetV2.MLNet.Latency;
using Xunit;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Tests.Latency;

public class LatencyFamilyTests
{
    // f(x, y, z) = 1 + 2x + 3y + 0.5z + 0.25xy + 0.125xyz is multilinear, so multilinear interpolation of its grid
    // values must reproduce it everywhere, between and beyond the grid points.
    private static double F(double x, double y, double z) => 1 + 2 * x + 3 * y + 0.5 * z + 0.25 * x * y + 0.125 * x * y * z;

    private static LatencyFamily Family()
    {
        int[][] axes = [[8, 16, 32], [16, 48], [8, 24, 40, 56]];
        return new LatencyFamily("test", axes, LatencyFamily.GridPoints(axes).Select(p => F(p[0], p[1], p[2])).ToArray());
    }

    [Fact]
    public void GridPointsAreRowMajorOverTheAxes()
    {
        var points = LatencyFamily.GridPoints([[1, 2], [10, 20, 30]]).Select(p => $"{p[0]},{p[1]}").ToArray();
        Assert.Equal(["1,10", "1,20", "1,30", "2,10", "2,20", "2,30"], points);
    }

    [Theory]
    [InlineData(8, 16, 8)]
    [InlineData(32, 48, 56)]
    [InlineData(12, 20, 30)]
    [InlineData(20.5, 40.25, 47.125)]
    [InlineData(40, 64, 64)]
    [InlineData(4, 8, 4)]
    public void MultilinearFunctionsAreReproducedExactly(double x, double y, double z)
    {
        Assert.Equal(F(x, y, z), Family().At(x, y, z), 9);
    }

    [Fact]
    public void TensorVersionEqualsDoubleVersionAndItsGradientIsTheSlope()
    {
        var family = Family();
        using var scope = NewDisposeScope();
        var x = tensor(20.5, ScalarType.Float64).requires_grad_();
        var y = tensor(40.0, ScalarType.Float64).requires_grad_();
        var z = tensor(30.0, ScalarType.Float64).requires_grad_();
        var value = family.At(x, y, z);
        Assert.Equal(family.At(20.5, 40, 30), value.item<double>(), 12);
        value.backward();
        // dF/dx = 2 + 0.25y + 0.125yz, exact because F is linear in x within the cell.
        Assert.Equal(2 + 0.25 * 40 + 0.125 * 40 * 30, x.grad!.item<double>(), 9);
        Assert.Equal(3 + 0.25 * 20.5 + 0.125 * 20.5 * 30, y.grad!.item<double>(), 9);
        Assert.Equal(0.5 + 0.125 * 20.5 * 40, z.grad!.item<double>(), 9);
    }

    [Fact]
    public void WrongNumberOfWidthsIsAClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => Family().At(8, 16));
        Assert.Contains("3 width axes", e.Message);
    }
}
