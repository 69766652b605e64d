namespace FBNetV2.MLNet.Cli;

/// <summary>
/// Tells an argument or state exception that reports bad input from one that reports a bug. The type alone cannot:
/// a Dictionary given a duplicate key throws ArgumentException, and Enumerable.First on an empty list throws
/// InvalidOperationException, both from inside the .NET libraries when fbnet's own code is wrong. What decides is
/// who threw (<see cref="ExceptionOrigin.Thrower"/>).
/// </summary>
internal static class FaultOrigin
{
    /// <summary>
    /// Namespaces whose argument and state checks guard fbnet's own calls, never the user's input. TorchSharp: no user
    /// value reaches a tensor unchecked (the options, images and architectures are checked first, and a network that
    /// does not fit the images is re-raised by the trainer in its own words), so a tensor's own complaint is a bug; a
    /// search checkpoint of an RGB supernet once failed with TorchSharp's "Bytes() called on non-contiguous tensor",
    /// which this tool reported as bad input.
    /// </summary>
    private static readonly string[] InternalThrowers = ["System.Collections", "System.Linq", "TorchSharp"];

    public static bool IsInternal(Exception e)
    {
        var thrower = ExceptionOrigin.Thrower(e);
        string ns = thrower?.DeclaringType?.Namespace ?? "";
        return e is ArgumentException or InvalidOperationException
               && InternalThrowers.Any(n => ns == n || ns.StartsWith(n + ".", StringComparison.Ordinal));
    }
}
