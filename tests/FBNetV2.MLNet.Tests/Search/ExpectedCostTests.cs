using FBNetV2.MLNet.Search;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Tests.Search;

public class ExpectedCostTests
{
    public static TheoryData<string> Spaces => new() { "compact", "imagenet", "compact+fused", "imagenet+fused" };

    private static SearchSpace Space(string name) => name switch
    {
        "compact" => SearchSpace.CompactWithResolutions(1, 28, 10, [1, 2]),
        "imagenet" => SearchSpace.ImageNet(3, 224, 1000),
        "compact+fused" => FusedSpaces.Compact(1, 28, 10),
        "imagenet+fused" => FusedSpaces.With(SearchSpace.ImageNet(3, 224, 1000)),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Spaces))]
    public void AtOneHotWeightsEqualsExactCountOfDerivedArchitecture(string name)
    {
        var space = Space(name);
        var random = new Random(42);
        for (int i = 0; i < 50; i++)
        {
            using var scope = NewDisposeScope();
            var choice = ArchitectureChoice.Random(space, random);
            var arch = choice.Derive(space);
            var (flops, parameters) = ExpectedCost.Compute(space, ExpectedCost.OneHot(space, choice));
            Assert.Equal(arch.Flops, (long)Math.Round(flops.item<double>()));
            Assert.Equal(arch.Parameters, (long)Math.Round(parameters.item<double>()));
        }
    }

    [Theory]
    [InlineData("compact")]
    [InlineData("compact+fused")]
    public void UnderUniformWeightsEqualsMonteCarloMeanOfExactCounts(string name)
    {
        // Independent decisions make the effective-shape cost the true expectation: compare with sampling.
        var space = Space(name);
        var counts = ArchitectureChoice.OptionCounts(space);
        using var scope = NewDisposeScope();
        var uniform = counts.Select(n => tensor(Enumerable.Repeat(1.0 / n, n).ToArray(), ScalarType.Float64)).ToArray();
        double expected = ExpectedCost.Compute(space, uniform).Flops.item<double>();
        var random = new Random(7);
        double mean = Enumerable.Range(0, 20000).Average(_ => (double)ArchitectureChoice.Random(space, random).Derive(space).Flops);
        Assert.InRange(mean / expected, 0.98, 1.02);
    }

    [Fact]
    public void GradientsReachEveryDecision()
    {
        var space = SearchSpace.CompactWithResolutions(1, 28, 10, [1, 2]);
        using var scope = NewDisposeScope();
        var alphas = ArchitectureChoice.OptionCounts(space).Select(n => randn(n, ScalarType.Float64).requires_grad_()).ToArray();
        var (flops, _) = ExpectedCost.Compute(space, alphas.Select(a => nn.functional.softmax(a, 0)).ToArray());
        flops.backward();
        // Activations cost no multiply-adds: every decision but the stem's and head's activation moves the cost.
        var free = new[] { DecisionRole.StemActivation, DecisionRole.HeadActivation };
        foreach (var d in space.Decisions)
        {
            double g = alphas[d.Index].grad is { } grad ? grad.abs().sum().item<double>() : 0;
            if (free.Contains(d.Role)) Assert.Equal(0, g);
            else Assert.True(g > 0, d.Name);
        }
    }

    [Fact]
    public void OneHotChoicesWithFusedBlocksDeriveFusedBlocks()
    {
        // The equality above must be exercised on fused ops, not only on spaces that contain them.
        var space = FusedSpaces.Compact(1, 28, 10);
        var random = new Random(42);
        var kinds = Enumerable.Range(0, 50).SelectMany(_ => ArchitectureChoice.Random(space, random).Derive(space).Stages.SelectMany(st => st)).Select(b => b.Kind).ToList();
        Assert.Contains(FBNetV2.MLNet.Architecture.BlockKind.Fused, kinds);
        Assert.Contains(FBNetV2.MLNet.Architecture.BlockKind.InvertedResidual, kinds);
    }
}
