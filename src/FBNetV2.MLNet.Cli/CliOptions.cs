using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using FBNetV2.MLNet.Architecture;

namespace FBNetV2.MLNet.Cli;

/// <summary>Options whose values are checked while parsing, each error saying what was given and what is expected.</summary>
internal static partial class CliOptions
{
    public static Option<string> RequiredPath(string name, string helpName, string description) =>
        new(name) { Description = description, HelpName = helpName, Required = true };

    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    public static Option<int?> Int(string name, string description, int min, int max, string? defaultValue = null) => new(name)
    {
        Description = $"{description} ({min}-{max}{(defaultValue is null ? "" : $", default {defaultValue}")})",
        HelpName = "N",
        CustomParser = r =>
        {
            string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
            {
                r.AddError($"{name} expects a whole number from {min} to {max}, got '{text}'.");
                return null;
            }
            if (value < min || value > max)
            {
                r.AddError($"{name} must be from {min} to {max}, got {value}.");
                return null;
            }
            return value;
        },
    };

    /// <summary>
    /// A number in [min, max] (or [min, max) when <paramref name="maxInclusive"/> is false; (min, ...] with
    /// <paramref name="minExclusive"/>). The help shows <paramref name="defaultText"/> as the default when given (a
    /// setting whose default is not a number), else <paramref name="defaultValue"/>, which errors also give as an example.
    /// </summary>
    public static Option<double?> Number(string name, string description, double min, double max, bool maxInclusive, double defaultValue, bool minExclusive = false, string? defaultText = null)
    {
        var inv = CultureInfo.InvariantCulture;
        string range = $"{(minExclusive ? "(" : "[")}{min.ToString(inv)}, {max.ToString(inv)}{(maxInclusive ? "]" : ")")}";
        return new Option<double?>(name)
        {
            Description = $"{description} ({range}, default {defaultText ?? defaultValue.ToString("G4", inv)})",
            HelpName = "X",
            CustomParser = r =>
            {
                string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
                if (!double.TryParse(text, NumberStyles.Float, inv, out double value) || !double.IsFinite(value))
                {
                    r.AddError($"{name} expects a number such as {defaultValue.ToString("G4", inv)}, got '{text}'.");
                    return null;
                }
                bool ok = (minExclusive ? value > min : value >= min) && (maxInclusive ? value <= max : value < max);
                if (!ok)
                {
                    r.AddError($"{name} must be in {range}, got {text}.");
                    return null;
                }
                return value;
            },
        };
    }

    public static Option<double?> PositiveDouble(string name, string description, double max) => new(name)
    {
        Description = description,
        HelpName = "N",
        CustomParser = r =>
        {
            string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            {
                r.AddError($"{name} expects a number such as 2.5, got '{text}'.");
                return null;
            }
            if (value <= 0 || value > max)
            {
                r.AddError($"{name} must be greater than 0 and at most {max.ToString(CultureInfo.InvariantCulture)}, got {text}.");
                return null;
            }
            return value;
        },
    };

    public static Option<string?> LatencyTable() => new("--latency-table")
    {
        Description = "Latency table JSON (default: FBNetV2.MLNet/latency-table.json in the user's cache folder)",
        HelpName = "FILE",
    };

    public static Option<int?> LatencyThreads() => Int("--latency-threads", "ONNX Runtime threads the latency is measured for", 1, 1024, "1");

    public static Option<int?> Channels(string byDefault = "guessed from the images") => new("--channels")
    {
        Description = $"Input channels: 1 (gray) or 3 (RGB); default: {byDefault}",
        HelpName = "1|3",
        CustomParser = r =>
        {
            string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            if (text is "1" or "3") return int.Parse(text, CultureInfo.InvariantCulture);
            r.AddError($"--channels expects 1 (gray) or 3 (RGB), got '{text}'.");
            return null;
        },
    };

    public static Option<SearchSpacePreset?> Preset() => new("--preset")
    {
        Description = "Search space: Auto (Compact below 96 px, else Photo), Compact (28-64 px), Photo (96 px and up, worked on at 38-96 px: for a CPU) or ImageNet (FBNetV2's space at full resolution, 128 px and up: for a GPU; keeps the images' own size); default Auto",
        HelpName = "Auto|Compact|Photo|ImageNet",
        CustomParser = r =>
        {
            string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            // Names only: Enum.TryParse would also take "1" or "Auto,Compact".
            var presets = Enum.GetValues<SearchSpacePreset>();
            foreach (var known in presets)
                if (string.Equals(text, known.ToString(), StringComparison.OrdinalIgnoreCase)) return known;
            r.AddError($"--preset expects {string.Join(", ", presets.SkipLast(1))} or {presets[^1]}, got '{text}'.");
            return null;
        },
    };

    public static Option<string[]?> Baselines() => new("--baselines")
    {
        Description = "Comma-separated predefined architectures trained with the same recipe for comparison, e.g. Compact-S,Compact-M (see 'fbnet archs')",
        HelpName = "NAME[,NAME]",
        CustomParser = r =>
        {
            string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var unknown = names.Where(n => !PredefinedArchitectures.Contains(n)).ToArray();
            if (names.Length == 0 || unknown.Length > 0)
            {
                r.AddError($"--baselines expects predefined architecture names separated by commas ({string.Join(", ", PredefinedArchitectures.Names)}), " +
                    (names.Length == 0 ? "got nothing." : $"got unknown {string.Join(", ", unknown.Select(u => $"'{u}'"))}."));
                return null;
            }
            return names;
        },
    };

    public static Option<TimeSpan?> Duration(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "30m|2h|1h30m|90s|hh:mm:ss",
        CustomParser = r =>
        {
            string text = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
            if (TryParseDuration(text, out var value) && value > TimeSpan.Zero) return value;
            r.AddError($"{name} expects a positive duration such as 30m, 2h, 1h30m, 90s or 01:30:00, got '{text}'.");
            return null;
        },
    };

    /// <summary>"90s", "30m", "2h", "1h30m", "1.5h", or a TimeSpan ("01:30:00").</summary>
    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        text = text.Trim();
        if (text.Length == 0) return false;
        if (text.Contains(':'))
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
        var matches = DurationPart().Matches(text);
        if (matches.Count == 0 || string.Concat(matches.Select(m => m.Value)) != text) return false;
        try
        {
            foreach (Match m in matches)
            {
                double n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                value += m.Groups[2].Value switch
                {
                    "d" => TimeSpan.FromDays(n),
                    "h" => TimeSpan.FromHours(n),
                    "m" => TimeSpan.FromMinutes(n),
                    "s" => TimeSpan.FromSeconds(n),
                    var unit => throw new UnreachableException($"DurationPart matched the unit '{unit}', which it does not list."),
                };
            }
        }
        catch (OverflowException)
        {
            // Beyond TimeSpan's ~29,000 years (e.g. 300000000h): a usage error like any other bad duration, not a crash.
            value = TimeSpan.Zero;
            return false;
        }
        return true;
    }

    [GeneratedRegex(@"(\d+(?:\.\d+)?)([dhms])")]
    private static partial Regex DurationPart();
}
