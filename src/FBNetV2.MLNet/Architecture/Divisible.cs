namespace FBNetV2.MLNet.Architecture;

/// <summary>Channel rounding used by MobileNet / FBNet so that widths are multiples of the hardware-friendly divisor.</summary>
internal static class Divisible
{
    /// <summary>Rounds <paramref name="value"/> to the nearest multiple of <paramref name="divisor"/>, halves up, at least one divisor.</summary>
    public static int Round(double value, int divisor)
    {
        if (Math.Abs(value % divisor) < 1e-9) return Math.Max(divisor, (int)value);
        return Math.Max(1, (int)Math.Floor(value / divisor + 0.5)) * divisor;
    }

    /// <summary>MobileNetV3's rounding for squeeze-excite widths: nearest multiple, never more than 10% below the value.</summary>
    public static int MakeDivisible(double value, int divisor)
    {
        int rounded = Math.Max(divisor, (int)(value + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * value ? rounded + divisor : rounded;
    }
}
