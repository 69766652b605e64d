using System.Diagnostics;
using FBNetV2.MLNet.Search;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// The paper's headline, measured: as channel options (1..32) and resolution options (1, 2, 4) grow, peak memory and
/// step time of (a) the masked supernet, (b) the plain network at maximum width and resolution, and (c) a supernet
/// that instantiates one conv per channel option (conventional DNAS). Layers are conv-BN-ReLU. Each configuration runs
/// in its own process so that peak RSS is its own.
/// </summary>
internal static class SearchScaling
{
    private const int Layers = 6, MaxWidth = 64, Size = 16, Batch = 32, DefaultSteps = 5;
    private static readonly TimeSpan ChildLimit = TimeSpan.FromSeconds(150);

    /// <param name="a">--csv F; --resolution-options 1,2,4 and --channel-options 1,2,4,8,16,32 (the grid); --steps 5.</param>
    public static void Run(Dictionary<string, string> a)
    {
        string? csv = a.GetValueOrDefault("csv");
        int[] resolutionOptions = Ints(a.GetValueOrDefault("resolution-options", "1,2,4"));
        int[] channelOptions = Ints(a.GetValueOrDefault("channel-options", "1,2,4,8,16,32"));
        int steps = int.Parse(a.GetValueOrDefault("steps", DefaultSteps.ToString()));
        Console.WriteLine($"Search scaling: {Layers} conv3x3-BN-ReLU layers, max width {MaxWidth}, input {Size}x{Size}, batch {Batch}, {torch.get_num_threads()} threads, median of {steps} steps");
        Console.WriteLine($"{"res opts",8} {"ch opts",8} | {"plain ms",9} {"plain MB",9} | {"masked ms",10} {"masked MB",10} {"x time",7} {"x mem",7} | {"explicit ms",12} {"explicit MB",12} {"x time",7} {"x mem",7}");
        var failures = new List<string>();
        foreach (int res in resolutionOptions)
        {
            var plain = Child("plain", 1, 1, steps, failures);
            foreach (int ch in channelOptions)
            {
                var masked = Child("masked", ch, res, steps, failures);
                var e = Child("explicit", ch, res, steps, failures);
                Console.WriteLine($"{res,8} {ch,8} | {plain.Ms,9:F1} {plain.Mb,9:F1} | {masked.Ms,10:F1} {masked.Mb,10:F1} {masked.Ms / plain.Ms,7:F2} {masked.Mb / plain.Mb,7:F2} | " +
                    $"{e.Ms,12:F1} {e.Mb,12:F1} {e.Ms / plain.Ms,7:F2} {e.Mb / plain.Mb,7:F2}");
                ResultCsv.Append(csv, "resolution_options,channel_options,plain_ms,plain_mb,masked_ms,masked_mb,explicit_ms,explicit_mb",
                    res, ch, plain.Ms, plain.Mb, masked.Ms, masked.Mb, e.Ms, e.Mb);
            }
        }
        // NaN in the table: a configuration that failed; each says why.
        foreach (var f in failures.Distinct()) Console.WriteLine($"NaN: {f}");
        if (failures.Count > 0) Environment.ExitCode = 1;
    }

    private static int[] Ints(string list) => list.Split(',').Select(int.Parse).ToArray();

    /// <summary>
    /// This program again, in a child process, for one configuration. Under `dotnet Benchmarks.dll` the process is
    /// dotnet and needs the dll; under `dotnet run` (or the app host) it is the program itself, which a dll argument
    /// would confuse.
    /// </summary>
    internal static ProcessStartInfo Self(params string[] args)
    {
        string host = Environment.ProcessPath!;
        var psi = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            psi.ArgumentList.Add(typeof(SearchScaling).Assembly.Location);
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        return psi;
    }

    private static (double Ms, double Mb) Child(string kind, int channelOptions, int resolutionOptions, int steps, List<string> failures)
    {
        string what = $"{kind} with {channelOptions} channel and {resolutionOptions} resolution option(s)";
        using var p = Process.Start(Self("scaling-one", kind, channelOptions.ToString(), resolutionOptions.ToString(), steps.ToString()))!;
        var reading = p.StandardOutput.ReadToEndAsync();
        var errors = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(ChildLimit))
        {
            p.Kill();
            failures.Add($"{what} did not finish within {ChildLimit.TotalSeconds:F0} s");
            return (double.NaN, double.NaN);
        }
        p.WaitForExit();
        string output = reading.Result;
        var last = output.Trim().Split('\n')[^1].Split(' ');
        if (p.ExitCode == 0 && last.Length == 2 && double.TryParse(last[0], out var ms) && double.TryParse(last[1], out var mb)) return (ms, mb);
        string why = (errors.Result + output).Trim().Split('\n').FirstOrDefault(l => l.Length > 0) ?? "no output";
        failures.Add($"{what} exited with code {p.ExitCode}: {why}");
        return (double.NaN, double.NaN);
    }

    /// <summary>Runs one configuration and prints "median-ms peak-MB".</summary>
    public static void RunOne(string kind, int channelOptions, int resolutionOptions, int steps = DefaultSteps)
    {
        torch.manual_seed(1);
        var widths = Enumerable.Range(1, channelOptions).Select(i => MaxWidth * i / channelOptions).ToArray();
        var subsamples = kind == "plain" ? [1] : Enumerable.Range(0, resolutionOptions).Select(i => 1 << i).ToArray();
        var convs = new List<(Conv2d Conv, BatchNorm2d Bn)>();
        var explicitConvs = new List<(Conv2d Conv, BatchNorm2d Bn)[]>();
        for (int l = 0; l < Layers; l++)
        {
            int inC = l == 0 ? 3 : MaxWidth;
            if (kind == "explicit") explicitConvs.Add(widths.Select(w => (nn.Conv2d(inC, w, 3, padding: 1, bias: false), nn.BatchNorm2d(w))).ToArray());
            else convs.Add((nn.Conv2d(inC, MaxWidth, 3, padding: 1, bias: false), nn.BatchNorm2d(MaxWidth)));
        }
        var masks = Enumerable.Range(0, Layers).Select(_ => new ChannelMask(widths)).ToArray();
        var alphas = Enumerable.Range(0, Layers).Select(_ => new Parameter(zeros(widths.Length))).ToArray();
        var alphaRes = new Parameter(zeros(subsamples.Length));
        var head = nn.Linear(MaxWidth, 10);
        var x = rand(Batch, 3, Size, Size);
        var y = randint(0, 10, [Batch]);

        Tensor Layer(int l, Tensor h, Tensor g)
        {
            if (kind == "plain") return nn.functional.relu(convs[l].Bn.forward(convs[l].Conv.forward(h)));
            // As in the supernet: one max-width conv, the mask folded into BN's scale and shift.
            if (kind == "masked") return nn.functional.relu(MaskedBatchNorm.Forward(convs[l].Bn, convs[l].Conv.forward(h), masks[l].Mask(g)));
            // Explicit: each option its own conv, zero-padded to the maximum width, then mixed.
            Tensor? sum = null;
            for (int i = 0; i < widths.Length; i++)
            {
                var o = nn.functional.relu(explicitConvs[l][i].Bn.forward(explicitConvs[l][i].Conv.forward(h)));
                o = nn.functional.pad(o, [0, 0, 0, 0, 0, MaxWidth - widths[i]]) * g[.., i].reshape(-1, 1, 1, 1);
                sum = sum is null ? o : sum + o;
            }
            return sum!;
        }

        double Step()
        {
            var clock = Stopwatch.StartNew();
            using var scope = NewDisposeScope();
            var gRes = GumbelSoftmax.Sample(alphaRes, 1.0);
            Tensor? features = null;
            for (int j = 0; j < subsamples.Length; j++)
            {
                var h = ResolutionMixing.Subsample(x, subsamples[j]);
                for (int l = 0; l < Layers; l++) h = Layer(l, h, GumbelSoftmax.Sample(alphas[l], 1.0));
                var placed = kind == "plain" ? h : ResolutionMixing.Reinsert(h, subsamples[j], Size) * gRes[.., j].reshape(-1, 1, 1, 1);
                features = features is null ? placed : features + placed;
            }
            var loss = nn.functional.cross_entropy(head.forward(nn.functional.adaptive_avg_pool2d(features!, [1, 1]).flatten(1)), y);
            loss.backward();
            return clock.Elapsed.TotalMilliseconds;
        }

        // Peak RSS over the steps above what the model and inputs already hold; the first step is the warm-up.
        long baseline = Rss("VmRSS");
        File.WriteAllText("/proc/self/clear_refs", "5"); // reset the peak-RSS counter
        Step();
        var times = Enumerable.Range(0, steps).Select(_ => Step()).Order().ToArray();
        double peakMb = (Rss("VmHWM") - baseline) / 1024.0;
        Console.WriteLine($"{times[steps / 2]:F3} {Math.Max(peakMb, 0.1):F3}");
    }

    private static long Rss(string key) =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith(key + ":"))[(key.Length + 1)..].Trim().Split(' ')[0]);
}
