using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Network;
using FBNetV2.MLNet.Search;
using Xunit;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Tests.Search;

/// <summary>
/// The searched ReLU / h-swish mixture is one hand-written pass each way on the CPU (ActivationMix). The reference is
/// the same mixture composed from libtorch's relu, hardswish and lerp, with libtorch's autograd for the gradients.
/// </summary>
[Collection(nameof(ActivationMixTests))] // switches ActivationMix.Fused, which is process-wide
public class ActivationMixTests
{
    [Theory]
    [InlineData(1, false, 4, 8, 6)]
    [InlineData(1, true, 4, 8, 6)]
    [InlineData(3, true, 3, 8, 6)] // per-image weights
    [InlineData(2, false, 2, 40, 30)] // rows longer than one parallel chunk, with a tail shorter than a vector
    [InlineData(2, true, 2, 40, 30)]
    public void FusedMixEqualsTheComposedOneInOutputAndGradients(int rows, bool channelsLast, int n, int c, int size)
    {
        manual_seed(11);
        // Values across both kinks (0 for ReLU, -3 and 3 for h-swish), with some exactly on them.
        var baseZ = randn(n, c, size, size).Times(3);
        var flat = baseZ.view(-1);
        flat[0] = tensor(0f); flat[1] = tensor(3f); flat[2] = tensor(-3f); flat[3] = tensor(2.5f);
        var logits = randn(rows, 2);
        var upstream = randn(n, c, size, size);

        Tensor[] Run(bool fused)
        {
            var z = (channelsLast ? ChannelsLast.Of(baseZ) : baseZ.clone()).requires_grad_(true);
            var a = logits.clone().requires_grad_(true);
            var g = nn.functional.softmax(a, 1);
            var weights = new[] { (Activation.Relu, g[.., 0].reshape(-1, 1, 1, 1)), (Activation.HSwish, g[.., 1].reshape(-1, 1, 1, 1)) };
            // The fused run must take the fused pass, or this compares the composition with itself.
            Assert.Equal(fused, fused && ActivationMix.SupportsFused(z, weights[1].Item2));
            var y = ActivationMix.Apply(z, weights);
            (y * upstream).sum().backward();
            return [y.detach().contiguous(), z.grad!.contiguous(), a.grad!.clone()];
        }

        AssertFusedMatchesComposition(Run, ("outputs", 1e-6), ("input gradients", 1e-6), ("logit gradients", 1e-4));
    }

    /// <summary>
    /// The e1 option's input added onto the first channels during the mix's pass, against the mix composed from
    /// libtorch's ops followed by the in-place slice add: outputs and the gradients of the map, the input, the mix's
    /// logits and the e1 weight.
    /// </summary>
    [Theory]
    [InlineData(1, false, 3, 16, 8, 5)]
    [InlineData(1, true, 3, 16, 8, 5)]
    [InlineData(3, true, 3, 16, 16, 5)] // per-image weights, the input as wide as the map
    [InlineData(3, false, 3, 16, 1, 5)] // one input channel
    [InlineData(1, true, 2, 24, 1, 7)]
    [InlineData(1, true, 2, 1200, 40, 6)] // pixels of 1200 channels: several units per parallel chunk, chunks of whole pixels
    [InlineData(2, false, 2, 40, 24, 30)] // planes of 900 elements, many chunks per image
    public void FusedInputAddEqualsTheSliceAdd(int rows, bool channelsLast, int n, int c, int cin, int size)
    {
        manual_seed(12);
        var baseZ = randn(n, c, size, size).Times(3);
        var flat = baseZ.view(-1);
        flat[0] = tensor(0f); flat[1] = tensor(3f); flat[2] = tensor(-3f);
        var baseX = randn(n, cin, size, size);
        var logits = randn(rows, 3);
        var upstream = randn(n, c, size, size);

        Tensor[] Run(bool fused)
        {
            var z = (channelsLast ? ChannelsLast.Of(baseZ) : baseZ.clone()).requires_grad_(true);
            var x = (channelsLast ? ChannelsLast.Of(baseX) : baseX.clone()).requires_grad_(true);
            var a = logits.clone().requires_grad_(true);
            var g = nn.functional.softmax(a, 1);
            // Activation weights from the first two options, the e1 weight from the third (as a layer's decisions share one softmax).
            var act = g[.., ..2] / g[.., ..2].sum(1, true);
            var weights = new[] { (Activation.Relu, act[.., 0].reshape(-1, 1, 1, 1)), (Activation.HSwish, act[.., 1].reshape(-1, 1, 1, 1)) };
            var d = g[.., 2].reshape(-1, 1, 1, 1);
            // The fused run must take the fused pass, or this compares the composition with itself.
            Assert.Equal(fused, fused && ActivationMix.SupportsFusedAdd(z, weights[1].Item2, x, d));
            var y = ActivationMix.ApplyAndAdd(z, weights, x, d);
            (y * upstream).sum().backward();
            return [y.detach().contiguous(), z.grad!.contiguous(), x.grad!.contiguous(), a.grad!.clone()];
        }

        AssertFusedMatchesComposition(Run, ("outputs", 1e-6), ("map gradients", 1e-6), ("input gradients", 1e-6), ("logit gradients", 1e-4));
    }

    [Fact]
    public void FusedInputAddIsTakenForTheTrainersLayouts()
    {
        // Both layouts the trainer uses qualify; a map whose channels are not the input's layout does not.
        var w = ones(1, 1, 1, 1).Times(0.5);
        Assert.True(ActivationMix.SupportsFusedAdd(randn(2, 8, 5, 5), w, randn(2, 4, 5, 5), w));
        Assert.True(ActivationMix.SupportsFusedAdd(ChannelsLast.Of(randn(2, 8, 5, 5)), w, ChannelsLast.Of(randn(2, 4, 5, 5)), w));
        Assert.False(ActivationMix.SupportsFusedAdd(ChannelsLast.Of(randn(2, 8, 5, 5)), w, randn(2, 4, 5, 5), w));
        Assert.False(ActivationMix.SupportsFusedAdd(randn(2, 8, 5, 5), w, randn(2, 9, 5, 5), w));
        Assert.False(ActivationMix.SupportsFusedAdd(randn(2, 8, 5, 5), w, randn(2, 4, 5, 5), ones(2, 1, 1, 1).Times(0.5)));
    }

    [Fact]
    public void MapsWithGapsInMemoryUseTheComposition()
    {
        // A narrowed map has gaps in memory: the fused pass would read them, so it is not taken.
        var z = randn(4, 3, 5, 10).narrow(3, 0, 5);
        var w = ones(4, 1, 1, 1).Times(0.25);
        var y = ActivationMix.Apply(z, [(Activation.Relu, w.SubtractedFrom(1)), (Activation.HSwish, w)]);
        var expected = nn.functional.relu(z).Times(0.75).Plus(nn.functional.hardswish(z).Times(0.25));
        AssertClose(expected, y, 1e-6, "outputs of a non-dense map");
    }

    /// <summary>
    /// Runs <paramref name="run"/> with the fused passes on, then off (the composition from libtorch's ops), and
    /// compares what it returns in order, each within its relative tolerance of the composition's largest value.
    /// </summary>
    private static void AssertFusedMatchesComposition(Func<bool, Tensor[]> run, params (string What, double Relative)[] checks)
    {
        Tensor[] fused, composed;
        try
        {
            ActivationMix.Fused = true;
            fused = run(true);
            ActivationMix.Fused = false;
            composed = run(false);
        }
        finally { ActivationMix.Fused = true; }
        for (int i = 0; i < checks.Length; i++) AssertClose(composed[i], fused[i], checks[i].Relative, checks[i].What);
    }

    private static void AssertClose(Tensor expected, Tensor actual, double relative, string what)
    {
        double scale = Math.Max(expected.abs().max().item<float>(), 1e-12);
        double diff = (expected - actual).abs().max().item<float>();
        Assert.True(diff <= relative * scale, $"{what} differ by {diff:G3} (largest {scale:G3})");
    }
}
