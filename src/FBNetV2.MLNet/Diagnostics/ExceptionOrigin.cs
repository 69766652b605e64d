using System.Diagnostics;
using System.Reflection;

namespace FBNetV2.MLNet;

/// <summary>
/// Who threw an exception: the first frame of its stack that is not a throw helper. The exception's type alone cannot
/// tell a check of the user's input from a bug: .NET's collections raise ArgumentException and InvalidOperationException
/// too. The fbnet tool (FaultOrigin: bad input or internal error) and the architecture fuzzer (clean rejection or
/// failure) both decide by the thrower.
/// </summary>
internal static class ExceptionOrigin
{
    /// <summary>The method that raised <paramref name="e"/>, skipping throw helpers (ArgumentException.ThrowIf..., ThrowHelper); null without a stack.</summary>
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

    /// <summary>The thrower as Namespace.Type.Method, for messages.</summary>
    internal static string Describe(MethodBase? thrower) => thrower is null ? "an unknown method" : $"{thrower.DeclaringType?.FullName}.{thrower.Name}";
}
