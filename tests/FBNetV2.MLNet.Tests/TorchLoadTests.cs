using TorchSharp;
using Xunit;
namespace FBNetV2.MLNet.Tests;
public class TorchLoadTests
{
    [Fact]
    public void LibTorchLoads()
    {
        var t = torch.ones(2, 3).sum();
        Assert.Equal(6f, t.item<float>());
    }
}
