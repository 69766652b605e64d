using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Network;

/// <summary>
/// Tensor arithmetic with numbers, written so that the <see cref="Scalar"/> handed to libtorch outlives the native call.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 turns a number into a <see cref="Scalar"/> (a native c10::Scalar freed by the object's finalizer)
/// and passes only its handle to libtorch. Once the handle is read the object is unreachable, so a garbage collection
/// started by any other thread during the call can finalize it and free the value while libtorch still reads it. That
/// is a crash ("Expected false to be true ... toDouble", seen in CI) or, silently, a wrong number. The same holds for
/// <c>a + b</c> on two tensors (TorchSharp passes a temporary alpha of 1) and for every operator with a number operand
/// (<c>x * 0.5</c>, <c>1 - p</c>). Measured: <c>Benchmarks scalar-race</c>. Upstream: dotnet/TorchSharp pull requests
/// 1434 and 1496 (open). The library's code therefore never converts a number to a Scalar implicitly; the banned-API
/// analyzer (BannedSymbols.txt) enforces it, and these helpers hold each Scalar in a <c>using</c> (disposed, hence
/// reachable, after the call returns) or in a static field (rooted for the life of the process).
/// </remarks>
internal static class TorchScalars
{
    /// <summary>The alpha of a plain sum; static, so never finalized.</summary>
    public static readonly Scalar One = 1.ToScalar();

    /// <summary><c>a + b</c>.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    /// <summary><c>a + b</c> where either may be null (the first term of a running sum): the other is returned.</summary>
    public static Tensor PlusOrFirst(this Tensor? a, Tensor b) => a is null ? b : a.add(b, One);

    /// <summary><c>a + s</c>.</summary>
    public static Tensor Plus(this Tensor a, double s) => With(s, k => a.add(k, One));

    /// <summary><c>a - s</c>.</summary>
    public static Tensor Minus(this Tensor a, double s) => With(s, a.sub);

    /// <summary><c>s - a</c>.</summary>
    public static Tensor SubtractedFrom(this Tensor a, double s)
    {
        using var negated = a.neg();
        return With(s, k => negated.add(k, One));
    }

    /// <summary><c>a * s</c>.</summary>
    public static Tensor Times(this Tensor a, double s) => With(s, a.mul);

    /// <summary><c>a / s</c>.</summary>
    public static Tensor Over(this Tensor a, double s) => With(s, k => a.div(k));

    /// <summary><c>a ** e</c>.</summary>
    public static Tensor Power(this Tensor a, double e) => With(e, a.pow);

    /// <summary><c>max(a, min)</c>.</summary>
    public static Tensor AtLeast(this Tensor a, double min) => With(min, a.clamp_min);

    /// <summary><c>min(max(a, min), max)</c>.</summary>
    public static Tensor Between(this Tensor a, double min, double max)
    {
        using var lo = min.ToScalar();
        using var hi = max.ToScalar();
        return a.clamp(lo, hi);
    }

    /// <summary>In place <c>a *= s</c>.</summary>
    public static Tensor TimesInPlace(this Tensor a, double s) => With(s, a.mul_);

    /// <summary>In place <c>a += alpha * b</c>.</summary>
    public static Tensor PlusScaledInPlace(this Tensor a, Tensor b, double alpha) => With(alpha, k => a.add_(b, k));

    /// <summary>Runs <paramref name="op"/> on <paramref name="value"/> as a Scalar disposed (so reachable) only after it returns.</summary>
    private static Tensor With(double value, Func<Scalar, Tensor> op)
    {
        using var k = value.ToScalar();
        return op(k);
    }
}
