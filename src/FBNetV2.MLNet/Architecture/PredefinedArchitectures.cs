namespace FBNetV2.MLNet.Architecture;

/// <summary>
/// Published block tables (FBNetV2-F1..F4, L1, L2 from the released model definitions; MobileNetV3 from its paper)
/// at their native ImageNet resolution, a compact family for 28-64 px inputs (stride-1 stem, three downsamplings),
/// and two 28 px baselines of the same shape (MobileNetV3-Small-28, HandCNN-28). Use
/// <see cref="FBNetArchitecture.WithClasses"/> and <see cref="FBNetArchitecture.WithInput"/> to adapt one to a data set.
/// </summary>
public static class PredefinedArchitectures
{
    private const string FBNetV2FBody =
        "ir_k5_e1_c8|ir_k5_e5.4566_c24_s2,ir_k5_e4.7912_c24|ir_k5_e5.3501_c32_s2_se,ir_k5_e4.5379_c24_se" +
        "|ir_k5_e5.7133_c56_s2_hs,ir_k3_e4.1212_c56_hs,ir_k3_e5.1246_c56_se_hs,skip_c80,ir_k5_e4.5070_c80_se_hs,ir_k5_e1.7712_c80_se_hs" +
        "|ir_k3_e4.5685_c144_s2_se_hs,ir_k5_e5.8400_c144_se_hs,ir_k5_e6.8754_c144_se_hs,skip_c224";

    private const string FBNetV2LBody =
        "ir_k3_e1_c16_hs|ir_k5_e5.4566_c24_s2_hs,ir_k5_e1.7912_c24_hs,ir_k3_e1.7912_c24_hs,ir_k5_e1.7912_c24_hs" +
        "|ir_k5_e5.3501_c40_s2_se_hs,ir_k5_e3.5379_c32_se_hs,ir_k5_e4.5379_c32_se_hs,ir_k5_e4.5379_c32_se_hs" +
        "|ir_k5_e5.7133_c64_s2_hs,ir_k3_e2.1212_c64_hs,skip,ir_k3_e3.1246_c64_hs,ir_k3_e5.0333_c112_hs,ir_k5_e2.5070_c112_se_hs" +
        ",ir_k5_e1.7712_c112_se_hs,ir_k5_e2.7712_c112_se_hs,ir_k5_e3.7712_c112_se_hs,ir_k5_e3.7712_c112_se_hs" +
        "|ir_k3_e5.5685_c184_s2_se_hs,ir_k5_e2.8400_c184_se_hs,ir_k5_e2.8400_c184_se_hs,ir_k5_e4.8754_c184_se_hs,ir_k5_e4.8754_c184_se_hs,skip_c224";

    private static readonly Dictionary<string, string> Table = new(StringComparer.OrdinalIgnoreCase)
    {
        ["FBNetV2-F1"] = $"in_c3_s128|conv_k3_c8_s2_hs|{FBNetV2FBody}|head_c1344_f1600_hs|cls1000",
        ["FBNetV2-F2"] = $"in_c3_s160|conv_k3_c8_s2_hs|{FBNetV2FBody}|head_c1344_f1600_hs|cls1000",
        ["FBNetV2-F3"] = $"in_c3_s192|conv_k3_c8_s2_hs|{FBNetV2FBody}|head_c1344_f1984_hs|cls1000",
        ["FBNetV2-F4"] = "in_c3_s224|conv_k3_c16_s2_hs|ir_k3_e1_c16_hs" +
            "|ir_k5_e5.4566_c24_s2_hs,ir_k5_e1.7912_c24_hs,ir_k5_e1.7912_c24_hs" +
            "|ir_k5_e5.3501_c32_s2_se,ir_k5_e3.5379_c32_se,ir_k5_e4.5379_c32_se,ir_k5_e4.5379_c32_se" +
            "|ir_k5_e5.7133_c64_s2_hs,ir_k3_e2.1212_c64_hs,skip,ir_k3_e5.0333_c104_hs,ir_k5_e2.5070_c104_se_hs,ir_k5_e1.7712_c104_se_hs,ir_k5_e3.7712_c112_se_hs" +
            "|ir_k3_e5.5685_c184_s2_se_hs,ir_k5_e2.8400_c184_se_hs,ir_k5_e4.8754_c184_se_hs,skip_c224" +
            "|head_c1344_f1984_hs|cls1000",
        ["FBNetV2-L1"] = $"in_c3_s224|conv_k3_c16_s2_hs|{FBNetV2LBody}|head_c1344_f1984_hs|cls1000",
        ["FBNetV2-L2"] = $"in_c3_s256|conv_k3_c16_s2_hs|{FBNetV2LBody}|head_c1344_f1984_hs|cls1000",
        ["MobileNetV3-Large"] = "in_c3_s224|conv_k3_c16_s2_hs|ir_k3_e1_c16|ir_k3_h64_c24_s2,ir_k3_h72_c24" +
            "|ir_k5_h72_c40_s2_se,ir_k5_h120_c40_se,ir_k5_h120_c40_se" +
            "|ir_k3_h240_c80_s2_hs,ir_k3_h200_c80_hs,ir_k3_h184_c80_hs,ir_k3_h184_c80_hs,ir_k3_h480_c112_se_hs,ir_k3_h672_c112_se_hs" +
            "|ir_k5_h672_c160_s2_se_hs,ir_k5_h960_c160_se_hs,ir_k5_h960_c160_se_hs|head_c960_f1280_hs|cls1000",
        ["MobileNetV3-Small"] = "in_c3_s224|conv_k3_c16_s2_hs|ir_k3_e1_c16_s2_se|ir_k3_h72_c24_s2,ir_k3_h88_c24" +
            "|ir_k5_h96_c40_s2_se_hs,ir_k5_h240_c40_se_hs,ir_k5_h240_c40_se_hs,ir_k5_h120_c48_se_hs,ir_k5_h144_c48_se_hs" +
            "|ir_k5_h288_c96_s2_se_hs,ir_k5_h576_c96_se_hs,ir_k5_h576_c96_se_hs|head_c576_f1024_hs|cls1000",
        // Compact family: 28 px, stride-1 stem, three downsamplings (28 -> 14 -> 7 -> 4).
        ["Compact-S"] = "in_c1_s28|conv_k3_c8_s1_hs|ir_k3_e1_c8|ir_k3_e3_c16_s2,ir_k3_e3_c16|ir_k5_e3_c24_s2_se_hs,ir_k3_e3_c24_hs" +
            "|ir_k3_e3_c48_s2_se_hs|head_c128_f0_hs|cls10",
        ["Compact-M"] = "in_c1_s28|conv_k3_c16_s1_hs|ir_k3_e1_c16|ir_k3_e3_c24_s2,ir_k3_e3_c24|ir_k5_e3_c40_s2_se_hs,ir_k3_e3_c40_hs" +
            "|ir_k3_e4_c64_s2_se_hs,ir_k3_e4_c64_se_hs|head_c256_f0_hs|cls10",
        ["Compact-L"] = "in_c1_s28|conv_k3_c24_s1_hs|ir_k3_e1_c24|ir_k3_e4_c32_s2,ir_k3_e3_c32,ir_k3_e3_c32|ir_k5_e4_c56_s2_se_hs,ir_k3_e3_c56_hs,ir_k3_e3_c56_hs" +
            "|ir_k3_e4_c96_s2_se_hs,ir_k5_e4_c96_se_hs|head_c384_f0_hs|cls10",
        // Baselines for 28 px inputs (equal-FLOPs comparisons; scale widths to a budget rather than using them as is).
        // MobileNetV3-Small's eleven blocks unchanged (kernels, hidden widths, SE, ReLU / h-swish as in the paper's
        // Table 2), with a stride-1 stem and the first block at stride 1, so three downsamplings remain
        // (28 -> 14 -> 7 -> 4, where ImageNet's 224 -> 7 takes five). The head keeps the 1x1 conv to 576 and drops the
        // pooled 1024-wide fully connected layer: for 10 classes it would hold more parameters than the whole body.
        ["MobileNetV3-Small-28"] = "in_c1_s28|conv_k3_c16_s1_hs|ir_k3_e1_c16_se|ir_k3_h72_c24_s2,ir_k3_h88_c24" +
            "|ir_k5_h96_c40_s2_se_hs,ir_k5_h240_c40_se_hs,ir_k5_h240_c40_se_hs,ir_k5_h120_c48_se_hs,ir_k5_h144_c48_se_hs" +
            "|ir_k5_h288_c96_s2_se_hs,ir_k5_h576_c96_se_hs,ir_k5_h576_c96_se_hs|head_c576_f0_hs|cls10",
        // A compact hand-designed CNN: full 3x3 conv stem, then depthwise-separable 3x3 convs (e1 blocks: depthwise
        // 3x3-BN-ReLU, 1x1-BN) doubling the width at each of three downsamplings (32 @ 28, 64 @ 14, 128 @ 7, 256 @ 4),
        // ReLU throughout, no SE, a 1x1 conv-BN-ReLU head, global pooling and the classifier. The block vocabulary has
        // no plain kxk conv after the stem and adds the input back where a block keeps width and size, so the two
        // stride-1 blocks at 64 and 128 carry identity shortcuts.
        ["HandCNN-28"] = "in_c1_s28|conv_k3_c16_s1|ir_k3_e1_c32|ir_k3_e1_c64_s2,ir_k3_e1_c64|ir_k3_e1_c128_s2,ir_k3_e1_c128" +
            "|ir_k3_e1_c256_s2|head_c256_f0|cls10",
    };

    /// <summary>Published ImageNet multiply-adds (millions) at the native resolution, for comparison.</summary>
    public static readonly IReadOnlyDictionary<string, double> PublishedMFlops = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase)
    {
        ["FBNetV2-F1"] = 56.4, ["FBNetV2-F2"] = 85.4, ["FBNetV2-F3"] = 121.8, ["FBNetV2-F4"] = 238.4,
        ["FBNetV2-L1"] = 326.0, ["FBNetV2-L2"] = 423.9, ["MobileNetV3-Large"] = 219, ["MobileNetV3-Small"] = 56,
    };

    /// <summary>The names <see cref="Get"/> knows, e.g. <c>Compact-S</c>, <c>FBNetV2-F1</c>, <c>MobileNetV3-Small</c>.</summary>
    public static IReadOnlyCollection<string> Names => Table.Keys;

    /// <summary>True when <paramref name="name"/> is a predefined network (compared case-insensitively).</summary>
    public static bool Contains(string name) => Table.ContainsKey(name);

    /// <summary>The network of that name, at its native input size and class count (1000 for the ImageNet ones, 10 for the 28 px ones).</summary>
    /// <exception cref="ArgumentException">No network has that name; the message lists the known ones.</exception>
    public static FBNetArchitecture Get(string name) =>
        Table.TryGetValue(name, out var s) ? FBNetArchitecture.Parse(s)
            : throw new ArgumentException($"Unknown architecture '{name}'. Known: {string.Join(", ", Table.Keys)}.", nameof(name));
}
