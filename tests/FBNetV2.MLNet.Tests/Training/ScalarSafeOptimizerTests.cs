using FBNetV2.MLNet.Training;
using FBNetV2.MLNet.Network;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

// The references are TorchSharp's own optimizers, which the library may not use (RS0030: their temporary Scalars).
#pragma warning disable RS0030

namespace FBNetV2.MLNet.Tests.Training;

/// <summary>
/// The library's optimizers replace only TorchSharp's step (whose temporary Scalars a concurrent garbage collection can
/// free mid-call); the reference is TorchSharp's own SGD, Adam and AdamW run on a copy of the same parameters with the
/// same gradients: the same operations in the same order, so the weights must agree bit for bit.
/// </summary>
public class ScalarSafeOptimizerTests
{
    private const int Steps = 6;

    /// <summary>Two parameter sets with equal values: a weight matrix (decayed in grouped runs) and a bias.</summary>
    private static (Parameter[] A, Parameter[] B) Twins(int seed)
    {
        var g = new Generator((ulong)seed);
        var w = randn([4, 3], generator: g);
        var b = randn([3], generator: g);
        return ([new Parameter(w.clone()), new Parameter(b.clone())], [new Parameter(w.clone()), new Parameter(b.clone())]);
    }

    /// <summary>Runs both optimizers over the same sequence of gradients (a fixed loss of the parameters, so it changes as they move).</summary>
    private static void RunSideBySide(Parameter[] a, optim.Optimizer optA, Parameter[] b, optim.Optimizer optB)
    {
        var start = a[0].detach().clone();
        var target = new Generator(7);
        for (int step = 0; step < Steps; step++)
        {
            var x = randn([5, 4], generator: target);
            foreach (var (ps, opt) in new[] { (a, optA), (b, optB) })
            {
                opt.zero_grad();
                var loss = (x.matmul(ps[0]).tanh() * ps[1]).Power(2).sum();
                loss.backward();
                opt.step();
            }
            for (int i = 0; i < a.Length; i++)
                Assert.True(a[i].allclose(b[i], rtol: 0, atol: 0), $"step {step}, parameter {i}: [{string.Join(", ", a[i].data<float>().ToArray())}] vs [{string.Join(", ", b[i].data<float>().ToArray())}]");
        }
        Assert.False(a[0].allclose(start, rtol: 0, atol: 1e-4), "the parameters did not move");
    }

    [Theory]
    [InlineData(0.9, 0.0, true)]
    [InlineData(0.9, 5e-3, true)]
    [InlineData(0.5, 5e-3, false)]
    [InlineData(0.0, 1e-2, false)]
    public void SgdStepEqualsTorchSharps(double momentum, double weightDecay, bool nesterov)
    {
        var (a, b) = Twins(1);
        using var mine = new ScalarSafeSgd([new SGD.ParamGroup([a[0]], new SGD.Options { weight_decay = weightDecay, momentum = momentum, nesterov = nesterov }),
            new SGD.ParamGroup([a[1]], new SGD.Options { weight_decay = 0, momentum = momentum, nesterov = nesterov })], 0.05);
        using var theirs = optim.SGD([new SGD.ParamGroup([b[0]], new SGD.Options { weight_decay = weightDecay, momentum = momentum, nesterov = nesterov }),
            new SGD.ParamGroup([b[1]], new SGD.Options { weight_decay = 0, momentum = momentum, nesterov = nesterov })], 0.05);
        RunSideBySide(a, mine, b, theirs);
    }

    [Fact]
    public void SgdWithOneGroupEqualsTorchSharps()
    {
        var (a, b) = Twins(2);
        using var mine = new ScalarSafeSgd(a, 0.1, 0.9, weight_decay: 1e-3);
        using var theirs = optim.SGD(b, 0.1, 0.9, weight_decay: 1e-3);
        RunSideBySide(a, mine, b, theirs);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1e-2)]
    public void AdamStepEqualsTorchSharps(double weightDecay)
    {
        var (a, b) = Twins(3);
        using var mine = new ScalarSafeAdam(a, 0.05, weight_decay: weightDecay);
        using var theirs = optim.Adam(b, 0.05, weight_decay: weightDecay);
        RunSideBySide(a, mine, b, theirs);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(5e-2)]
    public void AdamWStepEqualsTorchSharps(double weightDecay)
    {
        var (a, b) = Twins(4);
        using var mine = new ScalarSafeAdamW([new AdamW.ParamGroup([a[0]], new AdamW.Options { weight_decay = weightDecay }),
            new AdamW.ParamGroup([a[1]], new AdamW.Options { weight_decay = 0 })], 0.05);
        using var theirs = optim.AdamW([new AdamW.ParamGroup([b[0]], new AdamW.Options { weight_decay = weightDecay }),
            new AdamW.ParamGroup([b[1]], new AdamW.Options { weight_decay = 0 })], 0.05);
        RunSideBySide(a, mine, b, theirs);
    }

    [Fact]
    public void AmsGradIsRefusedRatherThanIgnored()
    {
        var (a, _) = Twins(5);
        using var adam = new ScalarSafeAdamW([new AdamW.ParamGroup(a, new AdamW.Options { amsgrad = true })], 0.05);
        a[0].sum().Plus(a[1].sum()).backward();
        Assert.Throws<NotSupportedException>(() => adam.step());
    }
}
