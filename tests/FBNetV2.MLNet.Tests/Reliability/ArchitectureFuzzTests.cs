using FBNetV2.MLNet.Benchmarks;
using Xunit;
using Xunit.Abstractions;

namespace FBNetV2.MLNet.Tests.Reliability;

/// <summary>
/// A fixed-seed share of the architecture fuzzer (the first 60 cases of seed 1); the full run is
/// <c>dotnet run --project examples/Benchmarks -c Release -- fuzz --count 500 --seed 1</c>.
/// </summary>
public sealed class ArchitectureFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void Sixty_fuzzed_architectures_parse_export_and_score_or_are_refused_cleanly()
    {
        TorchSharp.torch.set_num_threads(1);
        var summary = new ArchitectureFuzzer(seed: 1).RunMany(60);
        double reference = ReferenceCpuSeconds();
        double ratio = summary.TotalCpu.TotalSeconds / reference;
        output.WriteLine($"{summary}; CPU {summary.TotalCpu.TotalSeconds:F2} s, reference work {reference:F3} s CPU, ratio {ratio:F1}");
        Assert.True(summary.Failed == 0, string.Join("\n", summary.Failures.Select(f => $"case {f.Index}: {f.Detail}\n  text: {f.Text}")));
        Assert.True(summary.ParityPassed >= 10 && summary.RejectedCleanly >= 10 && summary.ValidTooLargeToRun >= 1, summary.ToString());
        // The cases' thread CPU time against the thread CPU time of a fixed amount of TorchSharp work
        // (ReferenceCpuSeconds), not wall-clock time: the run took 0.9 s idle and 49.9 s while seven workers shared two
        // cores, so a wall-clock bound only measures the load (so does a wall-clock ratio: 10-39 times the reference
        // in 6 runs). Measured, this test in 5 fresh processes on 2 shared cores
        // (load 15-24): the cases 1.25-1.50 s of CPU (wall 6.2-11.6 s), ratios 20.2, 26.0, 18.0, 20.3, 30.7 (mean 23.0,
        // sd 5.2 -> <= 39; most of the spread is the reference's). Work that another test moves to other TorchSharp threads
        // lowers the ratio, never raises it. A hang is caught per case by ArchitectureFuzzer.CaseTimeLimit.
        // The ratio depends on the CPU: the reference is pure convolution, which AVX-512 speeds up about 4x, while the
        // cases (parsing, export, ONNX Runtime sessions) gain about 2x. On an AVX-512 machine (session 35, AMD EPYC):
        // the cases 0.58-0.82 s, ratios 42.6, 39.1, 37.4, 41.9 alone beside one training and 48.1 in the full suite
        // (mean 41.8, sd 4.1 -> <= 58). The bound covers both machines; a real slowdown of the cases is 2x or more.
        Assert.True(ratio <= 60, $"the 60 cases took {summary.TotalCpu.TotalSeconds:F2} s of CPU, {ratio:F1} times the reference work ({reference:F3} s); measured 18-31 on an AVX2 machine, 37-48 on an AVX-512 one");
    }

    [Fact]
    public void Cases_are_reproducible_from_the_seed()
    {
        var a = new ArchitectureFuzzer(7);
        var b = new ArchitectureFuzzer(7);
        Assert.Equal(Enumerable.Range(0, 200).Select(a.Generate), Enumerable.Range(0, 200).Select(b.Generate));
        Assert.NotEqual(Enumerable.Range(0, 20).Select(a.Generate), Enumerable.Range(0, 20).Select(new ArchitectureFuzzer(8).Generate));
    }

    [Fact]
    public void A_rejection_counts_as_clean_only_when_the_library_threw_it()
    {
        // The parser's own validation: a clean rejection.
        var parse = Assert.Throws<FormatException>(() => FBNetV2.MLNet.Architecture.FBNetArchitecture.Parse("in_c1_s28|conv_k4_c8_s1|ir_k3_e1_c8|head_c0|cls2"));
        Assert.Null(ArchitectureFuzzer.RejectionFault(parse));
        // The same exception type raised inside .NET (a duplicate dictionary key; ArgumentException.ThrowIf... helpers
        // are skipped to their caller, here this test): a failure that names the thrower.
        var duplicate = Assert.Throws<ArgumentException>(() => new Dictionary<int, int> { { 1, 1 }, { 1, 2 } });
        Assert.Contains("thrown by System.Collections.Generic.Dictionary", ArchitectureFuzzer.RejectionFault(duplicate));
        var helper = Assert.Throws<ArgumentException>(() => ArgumentException.ThrowIfNullOrEmpty(""));
        Assert.Contains($"thrown by {typeof(ArchitectureFuzzTests).FullName}", ArchitectureFuzzer.RejectionFault(helper));
        // Another exception type is a failure whoever threw it.
        Assert.Contains("parse threw System.NullReferenceException", ArchitectureFuzzer.RejectionFault(Catch(() => throw new NullReferenceException())));
    }

    /// <summary>
    /// Thread CPU seconds for a fixed amount of TorchSharp work in which no code of this library takes part (3x3
    /// convolutions at 28x28 on one thread; the first call's warm-up is left out): the unit the fuzzer's time is bounded in.
    /// </summary>
    internal static double ReferenceCpuSeconds()
    {
        TorchSharp.torch.set_num_threads(1);
        ReferenceWork(20);
        var cpu = ArchitectureFuzzer.ThreadCpuTime();
        ReferenceWork(200);
        return (ArchitectureFuzzer.ThreadCpuTime() - cpu).TotalSeconds;
    }

    private static void ReferenceWork(int convolutions)
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        TorchSharp.torch.manual_seed(0);
        var x = TorchSharp.torch.rand(2, 16, 28, 28);
        var w = TorchSharp.torch.rand(16, 16, 3, 3);
        for (int i = 0; i < convolutions; i++)
            using (TorchSharp.torch.nn.functional.conv2d(x, w, padding: [1, 1])) { }
    }

    private static Exception Catch(Action act)
    {
        try { act(); }
        catch (Exception e) { return e; }
        throw new InvalidOperationException("nothing was thrown");
    }
}
