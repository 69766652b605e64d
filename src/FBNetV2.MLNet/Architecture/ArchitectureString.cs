using System.Globalization;
using System.Text;

namespace FBNetV2.MLNet.Architecture;

/// <summary>
/// The compact string form of an architecture, one token per block in the style of timm / mobile-vision:
/// <c>in_c1_s28|conv_k3_c16_s1_hs|ir_k3_e1_c16|ir_k5_e4_c24_s2,ir_k3_h72_c24_se_hs,skip|head_c256_f0_hs|cls10</c>.
/// Segments are separated by '|': input, stem, one segment per stage (blocks separated by ','), head, classes.
/// Block tokens are read and written by each kind's <see cref="BlockType"/>: <c>ir_k{kernel}_e{expansion}|h{hidden}_c{out}[_s{stride}][_se][_hs|_relu]</c>,
/// <c>fused_k{kernel}_e{expansion}|h{hidden}_c{out}[...]</c> and <c>skip[_c{out}][_s{stride}]</c>.
/// <c>e{x}</c> rounds in*x to a multiple of 8 as FBNet does; for <c>ir</c>, <c>e1</c> means no expansion conv.
/// </summary>
internal static class ArchitectureString
{
    public static string Format(FBNetArchitecture a)
    {
        var sb = new StringBuilder();
        sb.Append($"in_c{a.InputChannels}_s{a.InputSize}");
        if (a.Subsample > 1) sb.Append($"_sub{a.Subsample}");
        sb.Append($"|conv_k{a.Stem.Kernel}_c{a.Stem.OutChannels}_s{a.Stem.Stride}{Act(a.Stem.Activation)}");
        var blocks = a.Blocks().ToList();
        for (int s = 0; s < a.Stages.Count; s++)
        {
            sb.Append('|');
            sb.Append(string.Join(",", blocks.Where(b => b.StageIndex == s).Select(b => FormatBlock(b.Block, b.InChannels))));
        }
        sb.Append($"|head_c{a.Head.Channels}_f{a.Head.Features}{Act(a.Head.Activation)}|cls{a.NumClasses}");
        return sb.ToString();
    }

    public static string FormatBlock(BlockSpec b, int inChannels) => BlockType.Of(b.Kind).Format(b, inChannels);

    private static string Act(Activation a) => a == Activation.HSwish ? "_hs" : "";

    /// <summary>Parses the string form; errors name the segment and token and say what was expected.</summary>
    public static FBNetArchitecture Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new FormatException("Architecture string is empty. Expected e.g. 'in_c1_s28|conv_k3_c16_s1|ir_k3_e4_c24_s2|head_c128_f0|cls10'.");
        var parts = text.Split('|', StringSplitOptions.TrimEntries);
        if (parts.Length < 4)
            throw new FormatException($"Architecture string '{Short(text)}' has {parts.Length} '|'-separated segments; expected input|stem|stage...|head|classes.");
        var input = Fields(parts[0], "in", "input segment", InputKeys);
        int inC = Int(input, "c", parts[0]), inS = Int(input, "s", parts[0]), sub = Int(input, "sub", parts[0], 1);
        var stemF = Fields(parts[1], "conv", "stem segment", ConvKeys);
        var stem = new StemSpec(Int(stemF, "c", parts[1]), Int(stemF, "s", parts[1], 1), Int(stemF, "k", parts[1], 3), ActOf(stemF));
        var headF = Fields(parts[^2], "head", "head segment", HeadKeys);
        var head = new HeadSpec(Int(headF, "c", parts[^2], 0), Int(headF, "f", parts[^2], 0), ActOf(headF));
        var cls = parts[^1];
        if (!cls.StartsWith("cls", StringComparison.Ordinal) || !int.TryParse(cls.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out int classes))
            throw new FormatException($"Last segment '{cls}' must be the class count, e.g. 'cls10'.");

        var stages = new List<List<BlockSpec>>();
        int c = stem.OutChannels;
        for (int s = 2; s < parts.Length - 2; s++)
        {
            var stage = new List<BlockSpec>();
            foreach (var token in parts[s].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var block = ParseBlock(token, c, $"stage {s - 1}");
                stage.Add(block);
                c = block.OutChannels;
            }
            if (stage.Count == 0) throw new FormatException($"Stage {s - 1} is empty; give at least one block or remove the segment.");
            stages.Add(stage);
        }
        try { return new FBNetArchitecture(inC, inS, stem, stages, head, classes, sub); }
        catch (ArgumentException e) { throw new FormatException($"Architecture '{Short(text)}' is invalid: {e.Message}", e); }
    }

    /// <summary>Parses one block token given the width of its input (needed to resolve expansions).</summary>
    public static BlockSpec ParseBlock(string token, int inChannels, string where = "block")
    {
        string head = token.Split('_', 2)[0];
        var type = BlockType.ForToken(head)
            ?? throw new FormatException($"{where}: '{token}' should start with a block kind: {string.Join(", ", BlockType.Tokens)} (e.g. ir_k3_e4_c24).");
        var fields = Fields(token, type.Token, where, type.Keys);
        return type.Parse(new TokenFields(token, where, fields), inChannels);
    }

    private static readonly string[] InputKeys = ["c", "s", "sub"];
    private static readonly string[] ConvKeys = ["k", "c", "s", "hs", "relu"];
    private static readonly string[] HeadKeys = ["c", "f", "hs", "relu"];

    /// <summary>Splits a token into its fields; a field the token kind does not have is an error rather than silently ignored.</summary>
    private static Dictionary<string, string> Fields(string token, string head, string where, IReadOnlyList<string> allowed)
    {
        var items = token.Split('_', StringSplitOptions.RemoveEmptyEntries);
        if (items.Length == 0 || items[0] != head)
            throw new FormatException($"{where}: '{token}' should start with '{head}'.");
        var d = new Dictionary<string, string>();
        foreach (var item in items.Skip(1))
        {
            string key = item is "se" or "hs" or "relu" ? item : new string(item.TakeWhile(char.IsLetter).ToArray());
            // A number spelt in letters (eNaN, cInfinity) belongs to the field it starts with, whose reader then says
            // what is wrong with the value, rather than "unknown field 'eNaN'".
            if (!allowed.Contains(key) && SpeltNumberField(item, allowed) is { } field) key = field;
            if (key.Length == 0 || !d.TryAdd(key, item[key.Length..]))
                throw new FormatException($"{where}: '{token}' has an unknown or repeated field '{item}'.");
            if (!allowed.Contains(key))
                throw new FormatException($"{where}: '{token}' has an unknown field '{item}' ('{head}' tokens take: {string.Join(", ", allowed)}).");
            if ((key is "hs" or "relu" or "se") && item.Length != key.Length)
                throw new FormatException($"{where}: '{token}' has '{item}'; the flag '{key}' takes no value.");
        }
        if (d.ContainsKey("hs") && d.ContainsKey("relu"))
            throw new FormatException($"{where}: '{token}' asks for both 'hs' and 'relu'; give one activation.");
        return d;
    }

    /// <summary>The value field (not a flag) that <paramref name="item"/> starts with when the rest parses as a number (NaN, Infinity), or null.</summary>
    private static string? SpeltNumberField(string item, IReadOnlyList<string> allowed) =>
        allowed.Where(k => k is not ("se" or "hs" or "relu") && item.Length > k.Length && item.StartsWith(k, StringComparison.Ordinal)
                           && double.TryParse(item.AsSpan(k.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            .OrderByDescending(k => k.Length).FirstOrDefault();

    private static int Int(Dictionary<string, string> f, string key, string token, int? fallback = null)
    {
        if (f.TryGetValue(key, out var v)) return ParseInt(v, key, token);
        return fallback ?? throw new FormatException($"'{token}' is missing '{key}<number>'.");
    }

    private static int ParseInt(string v, string key, string token) => TokenFields.ParseInt(v, key, token);

    private static Activation ActOf(Dictionary<string, string> f) => f.ContainsKey("hs") ? Activation.HSwish : Activation.Relu;

    private static string Short(string s) => s.Length > 120 ? s[..117] + "..." : s;
}
