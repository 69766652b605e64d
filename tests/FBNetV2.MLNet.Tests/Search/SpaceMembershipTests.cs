using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Benchmarks;
using FBNetV2.MLNet.Search;
using FBNetV2.MLNet.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Tests.Search;

/// <summary>
/// The compact space holds the hand-designed networks the search has to beat (issue 14 item 4): HandCNN-28 as is,
/// Compact-M, and MobileNetV3-Small-28 at half width; membership maps back to the same network, and the expected cost
/// at that one-hot choice is the network's exact count.
/// </summary>
public class SpaceMembershipTests
{
    private static readonly SearchSpace Compact = SearchSpace.Compact(1, 28, 10);

    /// <summary>MobileNetV3-Small-28 with every width halved and rounded to a multiple of 8 (the benchmarks' width scaling).</summary>
    internal static FBNetArchitecture HalfMobileNet => WidthScaling.Scale(PredefinedArchitectures.Get("MobileNetV3-Small-28"), 0.5);

    public static TheoryData<string> References => new() { "HandCNN-28", "Compact-M", "MobileNetV3-Small-28 x0.5" };

    internal static FBNetArchitecture Reference(string name) => name == "MobileNetV3-Small-28 x0.5" ? HalfMobileNet : PredefinedArchitectures.Get(name);

    [Theory]
    [MemberData(nameof(References))]
    public void ReferenceNetworkIsAMemberWhoseChoiceDerivesItAndWhoseExpectedCostIsItsExactCount(string name)
    {
        var arch = Reference(name);
        Assert.True(Compact.TryChoiceOf(arch, out var choice, out var why), $"{name} ({arch}) is not a member: {why}");
        Assert.Equal(arch.ToString(), choice.Derive(Compact).ToString());
        // The flat form (the supernet's logits, checkpoints, distributions) round-trips too.
        Assert.Equal(choice.ToFlat(Compact), ArchitectureChoice.FromFlat(Compact, choice.ToFlat(Compact)).ToFlat(Compact));
        using var scope = NewDisposeScope();
        var (flops, parameters) = ExpectedCost.Compute(Compact, ExpectedCost.OneHot(Compact, choice));
        // Exact analytic reference: the architecture's own layer-by-layer count.
        Assert.Equal((double)ArchitectureCost.Of(arch).Flops, flops.item<double>());
        Assert.Equal((double)ArchitectureCost.Of(arch).Parameters, parameters.item<double>());
    }

    [Fact]
    public void TheReferencesUseWhatTheSpaceAddedForThem()
    {
        // e1 blocks, the ReLU stem and head, a searched head width, five blocks at 7x7 and three at 4x4.
        var hand = Reference("HandCNN-28");
        Assert.All(hand.Stages.SelectMany(s => s), b => Assert.Equal(0, b.Hidden));
        Assert.Equal(Activation.Relu, hand.Stem.Activation);
        Assert.Equal(Activation.Relu, hand.Head.Activation);
        var mobile = HalfMobileNet;
        Assert.Equal(5, mobile.Stages[2].Count);
        Assert.Equal(3, mobile.Stages[3].Count);
        Assert.Equal(288, mobile.Head.Channels);
        Assert.Contains(mobile.Stages[0], b => b.SqueezeExcite && b.Activation == Activation.Relu);
        Assert.InRange(mobile.Flops / 1e6, 4, 5);
    }

    [Theory]
    [InlineData("MobileNetV3-Small-28", "stage 3 block 2: hidden width 240")] // full width: wider than the space at 7x7
    [InlineData("Compact-L", "stem width 24")]
    public void NonMembersAreRefusedWithTheReason(string name, string reason)
    {
        Assert.False(Compact.TryChoiceOf(PredefinedArchitectures.Get(name), out _, out var why));
        Assert.Contains(reason, why);
        Assert.False(Compact.Contains(PredefinedArchitectures.Get(name).WithClasses(5)));
    }

    [Fact]
    public void EveryDerivedArchitectureIsAMemberOfItsSpace()
    {
        // Membership is the inverse of derivation: random choices (skips anywhere) come back as the same network.
        var random = new Random(3);
        foreach (var space in new[] { Compact, SearchSpace.ImageNet(3, 224, 1000), FusedSpaces.Compact(1, 28, 10) })
            for (int i = 0; i < 40; i++)
            {
                var arch = ArchitectureChoice.Random(space, random).Derive(space);
                Assert.True(space.TryChoiceOf(arch, out var back, out var why), $"{arch}: {why}");
                Assert.Equal(arch.ToString(), back.Derive(space).ToString());
            }
    }

    [Fact]
    public void ExpectedCostUnderSoftWeightsEqualsTheExactMeanOverEveryMember()
    {
        // A space small enough to enumerate, with the e1 option, a searched head width and searched activations: the
        // expected cost is the probability-weighted mean of every member's exact count, to rounding.
        var ops = new CandidateOp[] { new(3, false, Activation.Relu), new(3, true, Activation.HSwish) };
        var space = new SearchSpace(1, 8, 2, [1, 2], [8, 16], 1,
            [new StageSpace([8, 16], 2, 2, [SearchSpace.E1, 16], ops), new StageSpace([16, 24], 2, 1, [SearchSpace.E1, 32], ops)],
            new HeadSpec(32, 0), [Activation.Relu, Activation.HSwish], [16, 32], [Activation.Relu]);
        var counts = space.Decisions.OptionCounts();
        var random = new Random(5);
        var p = counts.Select(n => { var v = Enumerable.Range(0, n).Select(_ => random.NextDouble() + 0.1).ToArray(); return v.Select(x => x / v.Sum()).ToArray(); }).ToArray();
        double flops = 0, parameters = 0, total = 0;
        var index = new int[counts.Length];
        while (true)
        {
            double prob = index.Select((o, d) => p[d][o]).Aggregate(1.0, (a, b) => a * b);
            var arch = ArchitectureChoice.FromFlat(space, index).Derive(space);
            flops += prob * arch.Flops;
            parameters += prob * arch.Parameters;
            total += prob;
            int d = 0;
            while (d < counts.Length && ++index[d] == counts[d]) index[d++] = 0;
            if (d == counts.Length) break;
        }
        Assert.Equal(1, total, 9);
        using var scope = NewDisposeScope();
        var (f, q) = ExpectedCost.Compute(space, p.Select(v => tensor(v, ScalarType.Float64)).ToArray());
        Assert.Equal(flops, f.item<double>(), flops * 1e-12);
        Assert.Equal(parameters, q.item<double>(), parameters * 1e-12);
    }

    [Fact]
    public void SupernetTrainsThroughTheNewOptionsAndMatchesTheDerivedReferencesExactly()
    {
        manual_seed(17);
        using var net = new Supernet(Compact, [0.3f], [0.35f]);
        using var x = rand(4, 1, 28, 28);
        using var y = tensor(new long[] { 0, 3, 7, 9 });
        // Forward and backward with soft weights: every architecture logit gets a gradient (e1, head width, activations too).
        var loss = nn.functional.cross_entropy(net.forward(x), y);
        loss.backward();
        Assert.True(double.IsFinite(loss.item<float>()));
        foreach (var d in Compact.Decisions.Where(d => d.Count > 1))
            Assert.True(net.alphas[d.Index].grad is { } g && g.abs().sum().item<float>() > 0, $"no gradient for {d.Name}");
        Assert.All(net.WeightParameters(), w => Assert.True(w.grad is null || w.grad.isfinite().all().item<bool>()));

        // At each reference's one-hot choice the supernet is exactly the extracted plain network, which exports with parity.
        ArchitectureFuzzer.RandomizeBatchNorm(net);
        net.eval();
        foreach (var name in new[] { "HandCNN-28", "Compact-M", "MobileNetV3-Small-28 x0.5" })
        {
            Assert.True(Compact.TryChoiceOf(Reference(name), out var choice));
            net.FixedChoice = choice;
            float[] expected;
            using (no_grad()) expected = net.forward(x).data<float>().ToArray();
            net.FixedChoice = null;
            using var plain = net.Extract(choice);
            plain.eval();
            Assert.Equal(Reference(name).ToString(), plain.Architecture.ToString());
            float[] actual;
            using (no_grad()) actual = plain.forward(x).data<float>().ToArray();
            float scale = expected.Max(Math.Abs) + 1e-3f;
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4f * scale + 1e-5f, $"{name}: logit {i} supernet {expected[i]} vs extracted {actual[i]}");
            Assert.True(ArchitectureFuzzer.ParityDiff(plain, x) <= 1e-4f, $"{name}: ONNX parity");
        }
    }

    [Fact]
    public void ACheckpointOfThePreviousCompactSpaceIsRefusedByName()
    {
        // The space is part of a checkpoint's identity: a search checkpointed on the compact space as it was before it
        // held the reference networks is refused with the difference named, never resumed with mismatched weights.
        CandidateOp[] ops = [new(3, false, Activation.Relu), new(5, false, Activation.Relu), new(3, true, Activation.HSwish), new(5, true, Activation.HSwish)];
        var previous = new SearchSpace(1, 28, 10, [1, 2], StageSpace.Range(8, 16), 1,
        [
            new StageSpace(StageSpace.Range(8, 16), 1, 1, StageSpace.Range(16, 32), ops),
            new StageSpace(StageSpace.Range(16, 32), 2, 3, StageSpace.Range(32, 96, 16), ops),
            new StageSpace(StageSpace.Range(24, 48), 2, 3, StageSpace.Range(48, 192, 24), ops),
            new StageSpace(StageSpace.Range(48, 96, 16), 2, 2, StageSpace.Range(96, 384, 48), ops),
        ], new HeadSpec(256, 0, Activation.HSwish));
        using var dir = new TempDirectory();
        using var old = new Supernet(previous, [0.3f], [0.35f]);
        using var oldWeights = new ScalarSafeSgd(old.WeightParameters(), 0.1);
        using var oldArch = new ScalarSafeAdam(old.ArchitectureParameters(), 0.01);
        SearchCheckpoint.Save(dir.Path, [("space", DMaskingSearch.Describe(previous))], 1, old, oldWeights, oldArch, [], []);

        using var net = new Supernet(Compact, [0.3f], [0.35f]);
        using var weights = new ScalarSafeSgd(net.WeightParameters(), 0.1);
        using var arch = new ScalarSafeAdam(net.ArchitectureParameters(), 0.01);
        var e = Assert.Throws<InvalidOperationException>(() => SearchCheckpoint.TryLoad(dir.Path, [("space", DMaskingSearch.Describe(Compact))], net,
            weights, arch, [], []));
        Assert.Contains("belongs to another search (space ", e.Message);
        Assert.Contains("use another checkpoint folder (WorkspacePath, fbnet search --workspace) or delete the file", e.Message);
        Assert.Contains("/stem:Relu,HSwish/head:", DMaskingSearch.Describe(Compact));
    }
}
