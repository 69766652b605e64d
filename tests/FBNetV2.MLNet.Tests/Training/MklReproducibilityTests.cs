using FBNetV2.MLNet.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Tests.Training;

/// <summary>
/// MKL's reproducible mode in this process (the test assembly loads the library before any test runs, AssemblyInfo.cs,
/// as an application's first use of the library does). Across processes, and the case of libtorch used before the
/// library, the mkl-alignment smoke case checks the same through the benchmark app.
/// </summary>
public class MklReproducibilityTests
{
    [Fact]
    public void MklRunsInItsReproducibleMode()
    {
        // Only libtorch builds with MKL answer the query; the linux-x64 CPU build the tests run on has it. A mode the
        // user set before the test run is kept by the library, so only the absence of the alignment dependence holds then.
        Assert.False(MklReproducibility.AlignmentDependent(), "MKL runs alignment-dependent: the library's request came after its first call.");
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(MklReproducibility.Variable)))
            Assert.True(MklReproducibility.IsAuto(), "MKL did not take the AUTO mode that the library requests when it loads.");
    }

    /// <summary>Without the mode the same layer on the same inputs at 8 offsets gave 4 different outputs (mkl-alignment's child).</summary>
    [Fact]
    public void LinearLayerOutputDoesNotDependOnWhereItsInputLies()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(3);
        var x = randn([40, 25], generator: generator);
        var w = randn([10, 25], generator: generator);
        float[]? first = null;
        for (int k = 0; k < 8; k++)
        {
            var buffer = zeros([40 * 25 + 8]);
            var view = buffer.narrow(0, k, 40 * 25).view(40, 25);
            view.copy_(x);
            var y = nn.functional.linear(view, w).data<float>().ToArray();
            first ??= y;
            Assert.True(first.AsSpan().SequenceEqual(y), $"the output at offset {k} differs from offset 0's");
        }
    }
}
