using FBNetV2.MLNet.Architecture;
using Xunit;
using Xunit.Abstractions;

namespace FBNetV2.MLNet.Tests.Architecture;

public class ArchitectureCostTests(ITestOutputHelper output)
{
    public static TheoryData<string> Published => new(PredefinedArchitectures.PublishedMFlops.Keys);

    [Theory]
    [MemberData(nameof(Published))]
    public void PredefinedFlopsMatchPublishedWithinFivePercent(string name)
    {
        var arch = PredefinedArchitectures.Get(name);
        double mflops = arch.Flops / 1e6, published = PredefinedArchitectures.PublishedMFlops[name];
        output.WriteLine($"{name}: {mflops:F2} MFLOPs (published {published}), {arch.Parameters / 1e6:F3} M params");
        Assert.InRange(mflops / published, 0.95, 1.05);
    }

    [Fact]
    public void HandCountedTinyNetwork()
    {
        // 1x8x8 input, stem 3x3 s1 to 4 channels, one IR block k3 hidden 8 out 4 (residual), head fc to 3 classes.
        var a = FBNetArchitecture.Parse("in_c1_s8|conv_k3_c4_s1|ir_k3_h8_c4|head_c0_f0|cls3");
        long stem = 64 * 9 * 1 * 4, pw = 64 * 4 * 8, dw = 64 * 9 * 8, pwl = 64 * 8 * 4, fc = 4 * 3;
        Assert.Equal(stem + pw + dw + pwl + fc, a.Flops);
        long pStem = 9 * 4 + 8, pPw = 4 * 8 + 16, pDw = 9 * 8 + 16, pPwl = 8 * 4 + 8, pFc = 12 + 3;
        Assert.Equal(pStem + pPw + pDw + pPwl + pFc, a.Parameters);
    }

    [Fact]
    public void SqueezeExciteAndStrideAreCounted()
    {
        // 16x16 input, stem s2 -> 8x8x8; IR k5 hidden 32 stride 2 -> 4x4x16 with SE (32 -> 8 -> 32).
        var a = FBNetArchitecture.Parse("in_c3_s16|conv_k3_c8_s2|ir_k5_h32_c16_s2_se|head_c0_f0|cls2");
        long stem = 64 * 9 * 3 * 8, pw = 64 * 8 * 32, dw = 16 * 25 * 32, se = 32 * 8 + 8 * 32, pwl = 16 * 32 * 16, fc = 16 * 2;
        Assert.Equal(stem + pw + dw + se + pwl + fc, a.Flops);
    }
}
