using System.Runtime.InteropServices;
using FBNetV2.MLNet.Training;
using Xunit;

namespace FBNetV2.MLNet.Tests.Training;

public class NativeHeapTests
{
    [Fact]
    public void GlibcAcceptsTheTrainersHeapSettings()
    {
        // mallopt answers 0 for a value it refuses (an mmap threshold above 32 MiB, for one), and the trainer would then
        // run with glibc's eager give-back again, 25-37 % more CPU (docs/benchmarks.md, section 2), without any error: the answer itself is the check.
        bool glibc = OperatingSystem.IsLinux() && !RuntimeInformation.RuntimeIdentifier.Contains("musl", StringComparison.Ordinal);
        Assert.Equal(glibc, NativeHeap.HoldFreedBlocks());
    }
}
