using FBNetV2.MLNet.Network;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

// The reference is the module's own forward, which the library may not call (RS0030: its temporary Scalar).
#pragma warning disable RS0030

namespace FBNetV2.MLNet.Tests.Network;

/// <summary>
/// BatchNorms.Forward replaces BatchNorm2d.forward (whose batch count passes a temporary Scalar to libtorch); the
/// reference is TorchSharp's module itself, on a twin with the same parameters and statistics.
/// </summary>
public class BatchNormsTests
{
    [Theory]
    [InlineData(0.1)]
    [InlineData(null)] // cumulative average, as the supernet re-estimates candidates' statistics
    public void TrainingAndEvalPassesEqualTheModules(double? momentum)
    {
        var g = new Generator(3);
        using var mine = nn.BatchNorm2d(4);
        using var theirs = nn.BatchNorm2d(4);
        mine.momentum = momentum;
        theirs.momentum = momentum;
        using (no_grad())
        {
            mine.weight!.copy_(rand([4], generator: g).Plus(0.5));
            mine.bias!.copy_(randn([4], generator: g));
            theirs.weight!.copy_(mine.weight);
            theirs.bias!.copy_(mine.bias);
        }
        for (int step = 0; step < 4; step++)
        {
            var x = randn([3, 4, 5, 5], generator: g).Times(step + 1);
            Assert.True(BatchNorms.Forward(mine, x).allclose(theirs.forward(x), rtol: 0, atol: 0), $"training step {step}");
        }
        Assert.Equal(4, mine.num_batches_tracked!.item<long>());
        Assert.Equal(theirs.num_batches_tracked!.item<long>(), mine.num_batches_tracked.item<long>());
        Assert.True(mine.running_mean!.allclose(theirs.running_mean!, rtol: 0, atol: 0));
        Assert.True(mine.running_var!.allclose(theirs.running_var!, rtol: 0, atol: 0));
        // The statistics moved away from their initial values, so the comparison above compared something.
        Assert.False(mine.running_var.allclose(ones(4)));
        mine.eval();
        theirs.eval();
        var y = randn([2, 4, 5, 5], generator: g);
        Assert.True(BatchNorms.Forward(mine, y).allclose(theirs.forward(y), rtol: 0, atol: 0));
        Assert.Equal(4, mine.num_batches_tracked.item<long>());
    }
}
