using System.Diagnostics;
using System.Reflection;

namespace FBNetV2.MLNet.Cli;

/// <summary>
/// Tells an argument or state exception that reports bad input from one that reports a bug. The type alone cannot:
/// a Dictionary given a duplicate key throws ArgumentException, and Enumerable.First on an empty list throws
/// InvalidOperationException, both from inside the .NET libraries when fbnet's own code is wrong. What decides is
/// who threw: the first frame of the stack that is not a throw helper.
/// </summary>
internal static class FaultOrigin
{
    /// <summary>Namespaces whose argument and state checks guard fbnet's own calls, never the user's input.</summary>
    private static readonly string[] InternalThrowers = ["System.Collections", "System.Linq"];

    public static bool IsInternal(Exception e)
    {
        var thrower = Thrower(e);
        string ns = thrower?.DeclaringType?.Namespace ?? "";
        return e is ArgumentException or InvalidOperationException
               && InternalThrowers.Any(n => ns == n || ns.StartsWith(n + ".", StringComparison.Ordinal));
    }

    /// <summary>The method that raised <paramref name="e"/>, skipping .NET's ThrowHelper-style methods.</summary>
    internal static MethodBase? Thrower(Exception e)
    {
        foreach (var frame in new StackTrace(e, fNeedFileInfo: false).GetFrames())
        {
            var method = frame.GetMethod();
            if (method is null) continue;
            bool helper = method.Name.StartsWith("Throw", StringComparison.Ordinal) || (method.DeclaringType?.Name.Contains("ThrowHelper", StringComparison.Ordinal) ?? false);
            if (!helper) return method;
        }
        return null;
    }
}
