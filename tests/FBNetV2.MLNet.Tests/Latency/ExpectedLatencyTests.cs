using FBNetV2.MLNet.Latency;
using FBNetV2.MLNet.Search;
using Xunit;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Tests.Latency;

public class ExpectedLatencyTests
{
    /// <summary>A table with the families a space needs and arbitrary positive values: enough to test the bookkeeping without timing anything.</summary>
    internal static LatencyTable SyntheticTable(SearchSpace space, int seed = 3, double overhead = 0.01)
    {
        var random = new Random(seed);
        var families = LatencyFragments.For(space, 3).Select(p => new LatencyFamily(p.Key, p.Axes,
            LatencyFamily.GridPoints(p.Axes).Select(w => overhead + 0.001 * w.Sum() + 0.05 * random.NextDouble()).ToArray()));
        return new LatencyTable(LatencyTableIdentity.Current("cpu", 1, 1), overhead, families);
    }

    public static TheoryData<string> Spaces => new() { "compact", "imagenet", "compact+fused" };

    private static SearchSpace Space(string name) => name switch
    {
        "compact" => SearchSpace.CompactWithResolutions(1, 28, 10, [1, 2]),
        "imagenet" => SearchSpace.ImageNet(3, 224, 1000),
        "compact+fused" => FBNetV2.MLNet.Tests.Search.FusedSpaces.Compact(1, 28, 10),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Spaces))]
    public void AtOneHotWeightsEqualsThePredictionForTheDerivedArchitecture(string name)
    {
        var space = Space(name);
        var table = SyntheticTable(space);
        var random = new Random(11);
        // 50 architectures of the compact space; 15 of the ImageNet space, whose expected latency takes seconds each.
        for (int i = 0; i < (name == "imagenet" ? 15 : 50); i++)
        {
            using var scope = NewDisposeScope();
            var choice = ArchitectureChoice.Random(space, random);
            double expected = ExpectedLatency.Compute(space, ExpectedCost.OneHot(space, choice), table).item<double>();
            double predicted = LatencyModel.Predict(table, choice.Derive(space));
            Assert.Equal(predicted, expected, 9);
        }
    }

    [Fact]
    public void PredictionIsOverheadPlusEachLayerLessItsOwnOverhead()
    {
        // Independent reference: walk the layers by hand for one architecture.
        var space = SearchSpace.CompactWithResolutions(1, 28, 10, [1, 2]);
        var table = SyntheticTable(space, overhead: 0.02);
        var arch = FBNetV2.MLNet.Architecture.FBNetArchitecture.Parse(
            "in_c1_s28_sub2|conv_k3_c8_s1_hs|ir_k3_h16_c8|ir_k5_h32_c16_s2_se_hs,ir_k3_h64_c16|ir_k3_h48_c24_s2|ir_k3_h96_c48_s2|head_c256_f0_hs|cls10");
        double o = table.OverheadMilliseconds;
        double Layer(string key, params double[] w) => Math.Max(0, table.Family(key).At(w) - o);
        double expected = o
            + Layer("input|c1|s28|avg2")
            + Layer("stem|c1|s14|k3|st1|hs", 8)
            + Layer("ir|k3|se0|relu|st1|s14", 8, 16, 8) + Layer("add|s14", 8)
            + Layer("ir|k5|se1|hs|st2|s14", 8, 32, 16)
            + Layer("ir|k3|se0|relu|st1|s7", 16, 64, 16) + Layer("add|s7", 16)
            + Layer("ir|k3|se0|relu|st2|s7", 16, 48, 24)
            + Layer("ir|k3|se0|relu|st2|s4", 24, 96, 48)
            + Layer("head|s2|hc256|f0|hs|cls10", 48);
        Assert.Equal(expected, LatencyModel.Predict(table, arch), 12);
    }

    [Fact]
    public void FusedBlocksHaveTheirOwnFamilies()
    {
        // A fused block is looked up under its own key, measured over input, hidden and output width.
        var space = FBNetV2.MLNet.Tests.Search.FusedSpaces.Compact(1, 28, 10);
        var table = SyntheticTable(space, overhead: 0.02);
        Assert.Contains(table.Families.Keys, k => k.StartsWith("fused|k5|se1|hs|st2|s14", StringComparison.Ordinal));
        var arch = FBNetV2.MLNet.Architecture.FBNetArchitecture.Parse(
            "in_c1_s28|conv_k3_c8_s1_hs|ir_k3_h16_c8|fused_k5_h32_c16_s2_se_hs,fused_k3_h64_c16|ir_k3_h48_c24_s2|ir_k3_h96_c48_s2|head_c256_f0_hs|cls10");
        double o = table.OverheadMilliseconds;
        double Layer(string key, params double[] w) => Math.Max(0, table.Family(key).At(w) - o);
        double expected = o
            + Layer("input|c1|s28|r1")
            + Layer("stem|c1|s28|k3|st1|hs", 8)
            + Layer("ir|k3|se0|relu|st1|s28", 8, 16, 8) + Layer("add|s28", 8)
            + Layer("fused|k5|se1|hs|st2|s28", 8, 32, 16)
            + Layer("fused|k3|se0|relu|st1|s14", 16, 64, 16) + Layer("add|s14", 16)
            + Layer("ir|k3|se0|relu|st2|s14", 16, 48, 24)
            + Layer("ir|k3|se0|relu|st2|s7", 24, 96, 48)
            + Layer("head|s4|hc256|f0|hs|cls10", 48);
        Assert.Equal(expected, LatencyModel.Predict(table, arch), 12);
    }

    [Fact]
    public void GradientsReachEveryDecision()
    {
        var space = SearchSpace.CompactWithResolutions(1, 28, 10, [1, 2]);
        var table = SyntheticTable(space);
        using var scope = NewDisposeScope();
        var alphas = ArchitectureChoice.OptionCounts(space).Select(n => randn(n, ScalarType.Float64).requires_grad_()).ToArray();
        ExpectedLatency.Compute(space, alphas.Select(a => nn.functional.softmax(a, 0)).ToArray(), table).backward();
        Assert.All(alphas, a => Assert.True(a.grad!.abs().sum().item<double>() > 0));
    }

    [Fact]
    public void MissingFamilyNamesWhatToProfile()
    {
        var space = SearchSpace.CompactWithResolutions(1, 28, 10, [1, 2]);
        var table = new LatencyTable(LatencyTableIdentity.Current("cpu", 1, 1), 0.01, SyntheticTable(space).Families.Values.Where(f => !f.Key.StartsWith("head")));
        var e = Assert.Throws<KeyNotFoundException>(() => LatencyModel.Predict(table, ArchitectureChoice.Random(space, new Random(1)).Derive(space)));
        Assert.Contains("head|", e.Message);
        Assert.Contains("fbnet profile", e.Message);
    }
}
