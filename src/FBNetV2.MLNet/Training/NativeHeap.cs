namespace FBNetV2.MLNet.Training;

/// <summary>
/// Hands memory that the C allocator holds free back to the system (glibc's malloc_trim; a no-op elsewhere).
/// libtorch's CPU tensors come from malloc; between steps of different shapes (supernet masks, Gumbel samples, the
/// architecture step's batch) freed blocks stay in the allocator's heaps, and the process's resident memory crept up
/// step by step (Photo search at batch 40: 2.2 GB after the first steps, 4.0 GB three minutes later, 4.9 GB peak in the
/// final training; the LOH threshold and MALLOC_ARENA_MAX=2 changed nothing). Trimming every few steps bounds it; the
/// search does so, while a fixed network's training, whose steps repeat the same shapes, holds freed blocks instead
/// (<see cref="HoldFreedBlocks"/>) and trims once an epoch.
/// </summary>
internal static class NativeHeap
{
    private static bool unavailable;

    public static void Trim()
    {
        if (unavailable || !OperatingSystem.IsLinux()) return;
        try { malloc_trim(0); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { unavailable = true; }
    }

    /// <summary>
    /// Lets the C heap keep freed blocks for reuse during a fixed network's training, whose steps allocate the same
    /// shapes again and again. glibc's defaults hand them back too eagerly for that: tensors above the (dynamic) mmap
    /// threshold are mapped and unmapped every step, and a free that leaves more than twice that threshold at the top of
    /// the heap trims it; either way the next step faults every page in again (35.6 M minor faults and 67.7 s of system
    /// time against 235.6 s of user time for three full Fashion-MNIST epochs on one thread; with these settings 0.7 M and
    /// 1.4 s, and 27 % less wall time; docs/benchmarks.md, section 2).
    /// The mmap threshold goes to glibc's largest allowed value (32 MiB: larger values are refused) and the trim
    /// threshold out of reach, so memory is given back only by <see cref="Trim"/>, which the trainer calls after every
    /// epoch. The setting is process-wide and stays; a search that runs later still trims every few steps itself.
    /// Returns whether the allocator accepted both settings (false off glibc).
    /// </summary>
    public static bool HoldFreedBlocks()
    {
        if (unavailable || !OperatingSystem.IsLinux()) return false;
        try { return mallopt(MmapThreshold, 32 << 20) == 1 && mallopt(TrimThreshold, 1 << 30) == 1; }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { unavailable = true; return false; }
    }

    // glibc's malloc.h parameter numbers.
    private const int TrimThreshold = -1, MmapThreshold = -3;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int param, int value);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int malloc_trim(nuint pad);
}
