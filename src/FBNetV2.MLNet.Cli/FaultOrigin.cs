namespace FBNetV2.MLNet.Cli;

/// <summary>
/// Tells an argument or state exception that reports bad input from one that reports a bug. The type alone cannot:
/// a Dictionary given a duplicate key throws ArgumentException, and Enumerable.First on an empty list throws
/// InvalidOperationException, both from inside the .NET libraries when fbnet's own code is wrong. What decides is
/// who threw (<see cref="ExceptionOrigin.Thrower"/>).
/// </summary>
internal static class FaultOrigin
{
    /// <summary>Namespaces whose argument and state checks guard fbnet's own calls, never the user's input.</summary>
    private static readonly string[] InternalThrowers = ["System.Collections", "System.Linq"];

    public static bool IsInternal(Exception e)
    {
        var thrower = ExceptionOrigin.Thrower(e);
        string ns = thrower?.DeclaringType?.Namespace ?? "";
        return e is ArgumentException or InvalidOperationException
               && InternalThrowers.Any(n => ns == n || ns.StartsWith(n + ".", StringComparison.Ordinal));
    }
}
