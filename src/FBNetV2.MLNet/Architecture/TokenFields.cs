using System.Globalization;

namespace FBNetV2.MLNet.Architecture;

/// <summary>The fields of one architecture-string token (<c>k3</c>, <c>e4</c>, <c>se</c>, ...) with readers whose errors name the token.</summary>
internal sealed class TokenFields(string token, string where, Dictionary<string, string> fields)
{
    public string Token { get; } = token;
    public string Where { get; } = where;

    public bool Has(string key) => fields.ContainsKey(key);

    public string? Raw(string key) => fields.GetValueOrDefault(key);

    public int Int(string key, int? fallback = null)
    {
        if (fields.TryGetValue(key, out var v)) return ParseInt(v, key, Token);
        return fallback ?? throw new FormatException($"'{Token}' is missing '{key}<number>'.");
    }

    public Activation Activation => Has("hs") ? Activation.HSwish : Activation.Relu;

    /// <summary>
    /// Hidden width from <c>h{width}</c> or <c>e{ratio}</c> (in * ratio rounded to a multiple of 8 as FBNet does).
    /// Returns the ratio too, so that a kind can give e1 its own meaning.
    /// </summary>
    public (int Hidden, double? Ratio) HiddenOrExpansion(int inChannels)
    {
        if (Has("h") && Has("e"))
            throw new FormatException($"{Where}: '{Token}' gives both an expansion and a hidden width; keep one of e{fields["e"]} and h{fields["h"]}.");
        if (fields.TryGetValue("h", out var h)) return (ParseInt(h, "h", Token), null);
        if (fields.TryGetValue("e", out var e))
        {
            bool number = double.TryParse(e, NumberStyles.Float, CultureInfo.InvariantCulture, out double x);
            if (!number || !double.IsFinite(x) || x <= 0 || x > 64)
            {
                string what = !number || double.IsNaN(x) ? $", and '{e}' is not a number" : double.IsInfinity(x) ? $", and '{e}' is infinite" : "";
                throw new FormatException($"{Where}: '{Token}' has expansion 'e{e}'{what}; expected a positive number up to 64 after 'e', e.g. e4.");
            }
            return (Divisible.Round(inChannels * x, 8), x);
        }
        throw new FormatException($"{Where}: '{Token}' needs an expansion (e.g. e4) or a hidden width (e.g. h96).");
    }

    public static int ParseInt(string v, string key, string token) =>
        int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n <= FBNetArchitecture.MaxWidth
            ? n : throw new FormatException($"'{token}': '{key}{v}' is not a whole number up to {FBNetArchitecture.MaxWidth}.");

    /// <summary>Width part of a token: e1 for no expansion, e{x} for a whole ratio that rounds back exactly, else h{width}.</summary>
    public static string Width(int hidden, int inChannels, bool zeroIsE1) =>
        zeroIsE1 && hidden == 0 ? "e1"
        : hidden % inChannels == 0 && hidden / inChannels > (zeroIsE1 ? 1 : 0) && Divisible.Round((double)hidden, 8) == hidden ? $"e{hidden / inChannels}"
        : $"h{hidden}";

    public static string Act(Activation a) => a == Activation.HSwish ? "_hs" : "";
}
