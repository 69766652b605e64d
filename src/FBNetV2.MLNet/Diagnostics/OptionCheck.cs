using System.Globalization;

namespace FBNetV2.MLNet;

/// <summary>
/// Checks shared by the option validators. A NaN or an infinity fails every range check, but "must be positive, got ∞"
/// reads as if infinity were too small; these name the option, say that it must be a finite number, and give a value
/// that works.
/// </summary>
internal static class OptionCheck
{
    /// <summary>A value as a message shows it: "NaN (not a number)", "infinity", "negative infinity", or the number in invariant form.</summary>
    public static string Show(double value) =>
        double.IsNaN(value) ? "NaN (not a number)"
        : double.IsPositiveInfinity(value) ? "infinity"
        : double.IsNegativeInfinity(value) ? "negative infinity"
        : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>As <see cref="Show(double)"/>, with a float's own shortest form (0.003921569, not 0.003921568859368563).</summary>
    public static string Show(float value) => float.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : Show((double)value);

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> when <paramref name="value"/> is NaN or infinite, naming the
    /// option, the value, the range it takes (e.g. "greater than 0", "in [0, 1)") and the option's default as a value that works.
    /// </summary>
    public static void Finite(double value, string option, string range, double @default) =>
        Finite(value, option, range, $"a value {range} such as {Show(@default)} (the default)");

    /// <summary>As <see cref="Finite(double, string, string, double)"/>, with the fix in words (for options whose default is not a number).</summary>
    public static void Finite(double value, string option, string range, string fix)
    {
        if (!double.IsFinite(value))
            throw new ArgumentOutOfRangeException(option, $"{option} must be a finite number {range}, got {Show(value)}. Set {option} to {fix}.");
    }

    /// <summary>Null passes (the option's automatic value); otherwise as <see cref="Finite(double, string, string, string)"/>.</summary>
    public static void Finite(double? value, string option, string range, string fix)
    {
        if (value is { } v) Finite(v, option, range, fix);
    }
}
