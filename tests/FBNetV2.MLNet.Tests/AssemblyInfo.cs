using Xunit;

// Torch's random generator and thread pool are process-wide: tests that seed them must not interleave.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace FBNetV2.MLNet.Tests
{
    internal static class LibraryFirst
    {
        // MKL fixes its mode at its first call; a test that runs libtorch before any library type is touched would
        // otherwise leave the whole test process alignment-dependent. Running the library's module initializer first
        // is what an application's first use of the library does.
#pragma warning disable CA2255 // the test assembly's own setup
        [System.Runtime.CompilerServices.ModuleInitializer]
#pragma warning restore CA2255
        internal static void Load() =>
            System.Runtime.CompilerServices.RuntimeHelpers.RunModuleConstructor(typeof(FBNetV2.MLNet.Training.MklReproducibility).Module.ModuleHandle);
    }
}
