using FBNetV2.MLNet.Network;
using FBNetV2.MLNet.Onnx;
using FBNetV2.MLNet.Search;
using FBNetV2.MLNet.Training;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Tests.Search;

/// <summary>
/// Every preset's supernet trains (one weight step and one architecture step at a small batch), and a sampled member
/// extracted from it computes what the supernet computes for that member and exports to ONNX with parity. The
/// ImageNet preset has stride-1 stages whose widths differ from the previous stage's: its residual adds used to fail.
/// </summary>
public class PresetSearchStepTests
{
    public static TheoryData<string, int, int> Presets => new()
    {
        { "Compact", 1, 28 },
        { "ImageNet", 3, 96 },
        { "Compact+fused", 1, 28 },
        { "Photo", 3, 224 },
    };

    private static SearchSpace Space(string preset, int channels, int size) => preset switch
    {
        "Compact" => SearchSpace.Compact(channels, size, 4),
        "ImageNet" => SearchSpace.ImageNet(channels, size, 4),
        "Compact+fused" => FusedSpaces.Compact(channels, size, 4),
        "Photo" => PhotoSearchSpace.Create(channels, size, 4),
        _ => throw new ArgumentException(preset),
    };

    [Theory]
    [MemberData(nameof(Presets))]
    public void OneWeightAndOneArchitectureStepRun(string preset, int channels, int size)
    {
        manual_seed(21);
        var space = Space(preset, channels, size);
        using var net = new Supernet(space, Enumerable.Repeat(0.5f, channels).ToArray(), Enumerable.Repeat(0.25f, channels).ToArray());
        using var weights = new ScalarSafeSgd(net.WeightParameters(), 0.01);
        using var arch = new ScalarSafeAdam(net.ArchitectureParameters(), 0.01);
        using var x = rand(2, channels, size, size);
        using var y = tensor(new long[] { 0, 3 });
        net.train();
        weights.zero_grad();
        var loss = nn.functional.cross_entropy(net.forward(x), y);
        loss.backward();
        weights.step();
        Assert.True(double.IsFinite(loss.item<float>()));

        var options = new SearchOptions { Budget = 1e9 };
        arch.zero_grad();
        var archLoss = DMaskingSearch.ArchitectureLoss(net, x, y, options);
        archLoss.backward();
        arch.step();
        Assert.True(double.IsFinite(archLoss.item<double>()));
        // A decision with one option (the compact space's resolution below 49 px) is fixed: nothing to learn.
        Assert.All(net.ArchitectureParameters().Where(a => a.shape[^1] > 1), a => Assert.True(a.grad is not null && a.grad.abs().sum().item<float>() > 0));
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void SampledMemberExtractsAndExportsWithParity(string preset, int channels, int size)
    {
        var space = Space(preset, channels, size);
        for (int seed = 0; seed < 3; seed++)
        {
            manual_seed(30 + seed);
            using var net = new Supernet(space, Enumerable.Repeat(0.4f, channels).ToArray(), Enumerable.Repeat(0.3f, channels).ToArray());
            var choice = ArchitectureChoice.Random(space, new Random(seed));
            // Non-trivial BN statistics so that the comparison sees the extracted weights, not fresh ones.
            using (no_grad())
                foreach (var bn in net.modules().OfType<TorchSharp.Modules.BatchNorm2d>())
                {
                    bn.running_mean!.uniform_(-0.2, 0.2);
                    bn.running_var!.uniform_(0.5, 1.5);
                }
            net.eval();
            net.FixedChoice = choice;
            using var x = rand(2, channels, size, size);
            float[] expected;
            using (no_grad()) expected = net.forward(x).data<float>().ToArray();
            net.FixedChoice = null;

            using var plain = net.Extract(choice);
            plain.eval();
            float[] extracted;
            using (no_grad()) extracted = plain.forward(x).data<float>().ToArray();
            float scale = expected.Max(Math.Abs) + 1e-3f;
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - extracted[i]) <= 1e-4f * scale + 1e-4f,
                    $"{preset} seed {seed}: logit {i} supernet {expected[i]} vs extracted {extracted[i]} ({plain.Architecture})");

            // ONNX Runtime against the extracted network: probabilities, and logits relative to 1 + |logit| (a
            // saturated softmax hides errors in the logits).
            float diff = FBNetV2.MLNet.Benchmarks.ArchitectureFuzzer.ParityDiff(plain, x);
            Assert.True(diff <= 1e-4f, $"{preset} seed {seed}: ONNX Runtime differs from TorchSharp by {diff:E2} ({plain.Architecture})");
        }
    }
}
