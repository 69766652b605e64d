namespace FBNetV2.MLNet.Training;

/// <summary>
/// Hands memory that the C allocator holds free back to the system (glibc's malloc_trim; a no-op elsewhere).
/// libtorch's CPU tensors come from malloc; between steps of different shapes (supernet masks, Gumbel samples, the
/// architecture step's batch) freed blocks stay in the allocator's heaps, and the process's resident memory crept up
/// step by step (Photo search at batch 40: 2.2 GB after the first steps, 4.0 GB three minutes later, 4.9 GB peak in the
/// final training; the LOH threshold and MALLOC_ARENA_MAX=2 changed nothing). Trimming every few steps bounds it.
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

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int malloc_trim(nuint pad);
}
