using System.Globalization;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// <c>fuzz --count 500 --seed 1</c>: runs <see cref="ArchitectureFuzzer"/> over that many cases and prints the counts;
/// exits 1 when any case failed (wrong exception type, round-trip change, parity above 1e-4, hang).
/// </summary>
internal static class Fuzz
{
    public static int Run(Dictionary<string, string> options)
    {
        int count = int.Parse(options.GetValueOrDefault("count", "500"), CultureInfo.InvariantCulture);
        int seed = int.Parse(options.GetValueOrDefault("seed", "1"), CultureInfo.InvariantCulture);
        TorchSharp.torch.set_num_threads(1);
        var fuzzer = new ArchitectureFuzzer(seed);
        var summary = fuzzer.RunMany(count, r =>
        {
            if (r.Outcome == ArchitectureFuzzer.Outcome.Failed) Console.WriteLine($"FAIL case {r.Index}: {r.Detail}\n  text: {r.Text}");
            else if ((r.Index + 1) % 50 == 0) Console.WriteLine($"... {r.Index + 1} cases");
        });
        Console.WriteLine($"fuzz --count {count} --seed {seed}: {summary}");
        return summary.Failed == 0 ? 0 : 1;
    }
}
