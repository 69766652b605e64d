using FBNetV2.MLNet.Search;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Tests.Search;

public class SupernetTests
{
    [Fact]
    public void MaxWidthConvUnderMaskEqualsNarrowConvOfItsFirstFilters()
    {
        manual_seed(3);
        var mask = new ChannelMask([8, 16, 24, 32]);
        using var wide = nn.Conv2d(6, 32, 3, padding: 1);
        using var x = randn(2, 6, 9, 9);
        for (int option = 0; option < 4; option++)
        {
            int c = mask.Widths[option];
            using var narrow = nn.Conv2d(6, c, 3, padding: 1);
            using (no_grad())
            {
                narrow.weight!.copy_(wide.weight![TensorIndex.Slice(0, c)]);
                narrow.bias!.copy_(wide.bias![TensorIndex.Slice(0, c)]);
            }
            using var g = nn.functional.one_hot(tensor(new long[] { option }), 4).to_type(ScalarType.Float32);
            using var masked = wide.forward(x) * mask.Mask(g);
            using var expected = narrow.forward(x);
            Assert.True(masked[.., TensorIndex.Slice(0, c)].allclose(expected, 0, 0), $"first {c} channels differ");
            Assert.Equal(0f, masked[.., TensorIndex.Slice(c, null)].abs().sum().item<float>());
        }
    }

    [Fact]
    public void SoftMaskIsTheWeightedSumOfIndicators()
    {
        var mask = new ChannelMask([2, 4]);
        using var g = tensor(new[] { 0.25f, 0.75f }).reshape(1, 2);
        var m = mask.Mask(g).flatten().data<float>().ToArray();
        Assert.Equal(new[] { 1f, 1f, 0.75f, 0.75f }, m);
    }

    [Fact]
    public void ResolutionPathEqualsOpAtPooledLowResolutionReinsertedWithZeros()
    {
        manual_seed(5);
        using var conv = nn.Conv2d(3, 4, 3, stride: 2, padding: 1);
        using var x = randn(2, 3, 16, 16);
        int full = 8; // ceil(16 / 2)
        for (int r = 1; r <= 3; r++) // 16 is divisible by 1 and 2, not by 3 (a last window one pixel wide)
        {
            // The low-resolution input is the derived network's: r x r averages, a partial window at the edge averaging
            // only its own pixels (zero-padded sums over zero-padded counts).
            long pad = (r - 16 % r) % r;
            using var sums = nn.functional.avg_pool2d(nn.functional.pad(x, [0, pad, 0, pad]), [r, r], [r, r]);
            using var counts = nn.functional.avg_pool2d(nn.functional.pad(ones_like(x), [0, pad, 0, pad]), [r, r], [r, r]);
            using var pooledByHand = sums / counts;
            using var low = conv.forward(pooledByHand);
            using var placed = ResolutionMixing.Reinsert(conv.forward(ResolutionMixing.Subsample(x, r)), r, full);
            Assert.Equal(new long[] { 2, 4, full, full }, placed.shape);
            var p = placed.data<float>().ToArray();
            var l = low.data<float>().ToArray();
            long s = low.shape[2];
            for (int n = 0; n < 2; n++)
                for (int c = 0; c < 4; c++)
                    for (int i = 0; i < full; i++)
                        for (int j = 0; j < full; j++)
                        {
                            float actual = p[((n * 4 + c) * full + i) * full + j];
                            float expected = i % r == 0 && j % r == 0 ? l[((n * 4 + c) * s + i / r) * s + j / r] : 0f;
                            Assert.True(Math.Abs(expected - actual) <= 1e-5f, $"r {r} at ({n}, {c}, {i}, {j}): {actual} vs {expected}");
                        }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GradientsReachEveryArchitectureParameter(bool fused)
    {
        manual_seed(11);
        var space = fused ? FusedSpaces.Compact(1, 16, 3) : SearchSpace.CompactWithResolutions(1, 16, 3, [1, 2]);
        using var net = new Supernet(space, [0.5f], [0.25f]);
        using var x = rand(4, 1, 16, 16);
        using var y = tensor(new long[] { 0, 1, 2, 1 });
        var loss = nn.functional.cross_entropy(net.forward(x), y);
        loss.backward();
        Assert.All(net.ArchitectureParameters(), a => Assert.True(a.grad is not null && a.grad.abs().sum().item<float>() > 0));
    }

    [Fact]
    public void FixedChoiceRunsOnlyThatArchitecture()
    {
        manual_seed(13);
        var space = SearchSpace.CompactWithResolutions(1, 16, 3, [1, 2]);
        using var net = new Supernet(space, [0.5f], [0.25f]);
        net.eval();
        var choice = ArchitectureChoice.Random(space, new Random(1));
        net.FixedChoice = choice;
        using var x = rand(2, 1, 16, 16);
        using var a = net.forward(x);
        using var b = net.forward(x);
        Assert.True(a.allclose(b, 0, 0)); // no Gumbel noise with a fixed choice
        Assert.Equal(new long[] { 2, 3 }, a.shape);
    }

    [Fact]
    public void WidestWidthsRunsEveryWidthDecisionAtItsWidestOption()
    {
        // Every other decision is made certain by its logits, so the sampled supernet must equal the fixed choice with
        // those options and the widest of every width, read here from the decision labels (e1, no expansion conv, is
        // the narrowest hidden option).
        manual_seed(17);
        var space = SearchSpace.CompactWithResolutions(1, 16, 3, [1, 2]);
        using var net = new Supernet(space, [0.5f], [0.25f]);
        FBNetV2.MLNet.Benchmarks.ArchitectureFuzzer.RandomizeBatchNorm(net);
        net.eval();
        var picked = ArchitectureChoice.Random(space, new Random(5));
        var widest = new int[space.Decisions.Count];
        using (no_grad())
            foreach (var d in space.Decisions)
            {
                bool width = d.Role is DecisionRole.StemWidth or DecisionRole.StageWidth or DecisionRole.BlockHidden or DecisionRole.HeadWidth;
                if (width)
                {
                    var channels = d.Options.Select(o => o == "e1" ? 0 : int.Parse(o)).ToArray();
                    widest[d.Index] = Array.IndexOf(channels, channels.Max());
                    continue;
                }
                widest[d.Index] = picked.Get(d);
                var logits = new float[d.Count];
                logits[picked.Get(d)] = 200;
                net.alphas[d.Index].copy_(tensor(logits));
            }
        using var x = rand(2, 1, 16, 16);
        net.FixedChoice = ArchitectureChoice.FromFlat(space, widest);
        using var expected = net.forward(x);
        net.FixedChoice = null;
        net.WidestWidths = true;
        using var actual = net.forward(x);
        net.WidestWidths = false;
        using var mixed = net.forward(x);
        double diff = (expected - actual).abs().max().item<float>();
        double other = (expected - mixed).abs().max().item<float>();
        // Measured: 1.2e-7 against the fixed choice, 0.22 with the widths left to their uniform logits (outputs up to 0.62),
        // so the second check would notice the flag being ignored.
        Assert.True(diff < 1e-4, $"max |widest-widths supernet - fixed widest choice| = {diff}");
        Assert.True(other > 1e-2, $"max |uniform-width supernet - fixed widest choice| = {other}");
    }
}

public class SupernetExtractionTests
{
    [Theory]
    [InlineData(false, 16, new[] { 1, 2 })]
    [InlineData(true, 16, new[] { 1, 2 })]
    [InlineData(false, 17, new[] { 1, 2, 3 })] // 17 is divisible by none of 2 and 3: partial pooling windows at the edge
    public void AtAOneHotChoiceTheSupernetIsExactlyTheDerivedNetwork(bool fused, int size, int[] subsamples)
    {
        // Masks, kernel centre, SE gate, activation mix, skip, residual and resolution (the same average pooling as
        // the derived network's input) all collapse to the plain network of the chosen architecture, with the
        // supernet's leading weights; with fused candidates too.
        manual_seed(21);
        var compact = fused ? FusedSpaces.Compact(1, size, 4) : SearchSpace.Compact(1, size, 4);
        var space = new SearchSpace(compact.InputChannels, compact.InputSize, compact.NumClasses, subsamples, compact.StemWidths, compact.StemStride,
            compact.Stages, compact.Head, compact.StemActivations, compact.HeadWidths, compact.HeadActivations);
        using var net = new Supernet(space, [0.4f], [0.3f]);
        FBNetV2.MLNet.Benchmarks.ArchitectureFuzzer.RandomizeBatchNorm(net);
        net.eval();
        var random = new Random(3);
        using var x = rand(3, 1, size, size);
        for (int i = 0; i < 12; i++)
        {
            // Every resolution option in turn, the rest at random.
            var choice = ArchitectureChoice.Random(space, random) with { Resolution = i % subsamples.Length };
            net.FixedChoice = choice;
            using var expected = net.forward(x);
            using var plain = net.Extract(choice);
            plain.eval();
            using var actual = plain.forward(x);
            double diff = (expected - actual).abs().max().item<float>();
            Assert.True(diff < 1e-4, $"{choice.Derive(space)}: max |supernet - derived| = {diff}");
        }
    }
}

public class SupernetFusedTests
{
    [Fact]
    public void FusedCandidatesShareOneMaximumWidthConvPerLayer()
    {
        // The masking stays: one full conv at the largest kernel from the maximum input to the maximum hidden width,
        // whatever the number of fused candidates, next to the inverted residuals' own super-module.
        var space = FusedSpaces.Compact(1, 16, 3);
        using var net = new Supernet(space, [0.5f], [0.25f]);
        var names = net.named_modules().Select(m => m.name).ToList();
        var st = space.Stages[1];
        var fusedConv = net.named_parameters().Single(p => p.name == "layers.1.fused.conv.weight").parameter;
        Assert.Equal(new long[] { st.HiddenWidths.Max(), space.Stages[0].Widths.Max(), 5, 5 }, fusedConv.shape);
        Assert.Contains("layers.1.block", names);
        Assert.Equal(space.Stages.Sum(s => s.MaxBlocks), names.Count(n => n.EndsWith(".fused", StringComparison.Ordinal)));
    }
}
