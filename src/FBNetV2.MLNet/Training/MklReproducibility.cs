using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FBNetV2.MLNet.Training;

/// <summary>
/// Asks the MKL inside libtorch for results that do not depend on where its operands lie in memory, so that a search
/// or training run again from the same seed gives the same network in a new process.
/// </summary>
/// <remarks>
/// libtorch's CPU build links Intel MKL, whose dot products and matrix products (a linear layer's forward pass) take
/// code paths chosen by the operands' alignment: the same numbers at another address sum in another order. Measured
/// (`Benchmarks mkl-alignment`; docs/benchmarks.md, section 7, session 28): a linear layer's output on the same inputs
/// at 8 offsets took 4 different values, a dot product 2; the expected cost and its gradient did not vary. A short
/// search run as two processes from one seed agreed through the warm-up and parted in the first architecture epoch, a
/// different result in every process; with MKL's conditional numerical reproducibility on, every pair agreed exactly.
/// Within one process the suite's same-seed tests did not see it.
/// MKL reads its mode (the documented MKL_CBWR variable) once, at its first call, and refuses a change after that, so
/// the request is made when this assembly loads, before the library can run any libtorch operation. AUTO keeps the
/// code path of the machine's own instruction set (the same speed; section 7 measures it), and only removes the
/// dependence on alignment: results still differ between machines with different instruction sets or thread counts.
/// A value the user set is kept.
/// </remarks>
internal static class MklReproducibility
{
    /// <summary>MKL's environment variable for its conditional numerical reproducibility mode.</summary>
    public const string Variable = "MKL_CBWR";

    /// <summary>The mode requested when the user set none.</summary>
    public const string RequestedMode = "AUTO";

    // mkl_cbwr.h: the query of the code-path branch, and the branch values "not reproducible" and AUTO.
    private const int BranchQuery = 1, BranchOff = 1, BranchAuto = 2;

#pragma warning disable CA2255 // MKL fixes its mode at its first call, which may come from the library's first libtorch operation
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Request()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable))) return;
        try
        {
            // .NET's Environment.SetEnvironmentVariable changes only the runtime's own copy on Unix; MKL reads the C
            // library's environment, so the variable is set there.
            if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) setenv(Variable, RequestedMode, 0);
            else if (OperatingSystem.IsWindows()) _putenv_s(Variable, RequestedMode);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    /// <summary>
    /// Whether MKL runs with alignment-dependent results (it was called before this assembly loaded): then runs are
    /// reproducible within a process only. False where it is reproducible, and where the libtorch build has no MKL or
    /// does not export the query (nothing to warn about).
    /// </summary>
    public static bool AlignmentDependent()
    {
        try { return mkl_serv_cbwr_get(BranchQuery) == BranchOff; }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return false; }
    }

    /// <summary>Whether MKL reports the AUTO branch (the tests check that the request took effect).</summary>
    internal static bool IsAuto()
    {
        try { return mkl_serv_cbwr_get(BranchQuery) == BranchAuto; }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return false; }
    }

    /// <summary>The warning a run prints when <see cref="AlignmentDependent"/> holds.</summary>
    public static string Warning =>
        "MKL inside libtorch runs with results that depend on memory alignment (libtorch was used before FBNetV2.MLNet loaded), so this " +
        $"run may not repeat exactly in another process from the same seed. Set {Variable}={RequestedMode} in the environment before the " +
        "application starts to make runs repeatable.";

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int setenv([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    [DllImport("ucrtbase", EntryPoint = "_putenv_s")]
    private static extern int _putenv_s([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value);

    // The MKL service function behind mkl_cbwr_get, exported by libtorch_cpu (the public name is not).
    [DllImport("torch_cpu", EntryPoint = "mkl_serv_cbwr_get")]
    private static extern int mkl_serv_cbwr_get(int what);
}
