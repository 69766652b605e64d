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
        // Subsampling by 2 means odd rows and columns are never read.
        using var x2 = x.clone();
        x2[.., .., TensorIndex.Slice(1, null, 2), ..] = rand(5, 1, 14, 28);
        using var y2 = net.forward(x2);
        Assert.True(allclose(y, y2));
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
