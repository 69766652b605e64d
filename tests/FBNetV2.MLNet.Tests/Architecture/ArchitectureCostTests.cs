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

    [Fact]
    public void FusedBlockIsAFullConvThenAProjection()
    {
        // 12x12 input, stem s1 to 8 channels; fused k3 e4 (hidden 32) stride 2 with SE (32 -> 8 -> 32) to 16 channels on
        // 6x6; then fused k5 h24 back to 16 channels (residual). Counted by hand, independently of the block's code.
        var a = FBNetArchitecture.Parse("in_c1_s12|conv_k3_c8_s1|fused_k3_e4_c16_s2_se,fused_k5_h24_c16|head_c0_f0|cls2");
        long stem = 144 * 9 * 1 * 8, conv1 = 36 * 9 * 8 * 32, se1 = 32 * 8 + 8 * 32, pwl1 = 36 * 32 * 16, conv2 = 36 * 25 * 16 * 24, pwl2 = 36 * 24 * 16, fc = 16 * 2;
        Assert.Equal(stem + conv1 + se1 + pwl1 + conv2 + pwl2 + fc, a.Flops);
        long pStem = 9 * 8 + 16, pConv1 = 9 * 8 * 32 + 64, pSe1 = 32 * 8 + 8 + 8 * 32 + 32, pPwl1 = 32 * 16 + 32,
            pConv2 = 25 * 16 * 24 + 48, pPwl2 = 24 * 16 + 32, pFc = 32 + 2;
        Assert.Equal(pStem + pConv1 + pSe1 + pPwl1 + pConv2 + pPwl2 + pFc, a.Parameters);
        using var net = new FBNetV2.MLNet.Network.FBNetNetwork(a);
        Assert.Equal(a.Parameters, net.ParameterCount());
    }

    [Theory]
    [InlineData("fused_k3_e4_c24_s2", 16, "fused_k3_e4_c24_s2", 64)]
    [InlineData("fused_k5_e1_c16_se_hs", 16, "fused_k5_e1_c16_se_hs", 16)]
    [InlineData("fused_k3_h20_c16", 16, "fused_k3_h20_c16", 20)]
    [InlineData("fused_k3_e1_c16", 12, "fused_k3_h16_c16", 16)]
    public void FusedTokensRoundTrip(string token, int inChannels, string formatted, int hidden)
    {
        var block = ArchitectureString.ParseBlock(token, inChannels);
        Assert.Equal(BlockKind.Fused, block.Kind);
        Assert.Equal(hidden, block.Hidden);
        Assert.Equal(formatted, ArchitectureString.FormatBlock(block, inChannels));
        Assert.Equal(block, ArchitectureString.ParseBlock(formatted, inChannels));
    }

    [Fact]
    public void UnknownBlockTokenNamesTheKnownKinds()
    {
        var e = Assert.Throws<FormatException>(() => FBNetArchitecture.Parse("in_c1_s8|conv_k3_c4_s1|edge_k3_e4_c8|head_c0_f0|cls3"));
        Assert.Contains("ir, skip, fused", e.Message);
    }
}
