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
        output.WriteLine(summary.ToString());
        Assert.True(summary.Failed == 0, string.Join("\n", summary.Failures.Select(f => $"case {f.Index}: {f.Detail}\n  text: {f.Text}")));
        Assert.True(summary.ParityPassed >= 10 && summary.RejectedCleanly >= 10 && summary.ValidTooLargeToRun >= 1, summary.ToString());
        // No total-time bound: a timed assertion only measures the machine's load (49.9 s for this run while seven
        // workers shared two cores, 0.9 s idle). A hang is caught per case by ArchitectureFuzzer.CaseTimeLimit.
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

    private static Exception Catch(Action act)
    {
        try { act(); }
        catch (Exception e) { return e; }
        throw new InvalidOperationException("nothing was thrown");
    }
}
