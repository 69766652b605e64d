using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Network;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// Training throughput of this project against PyTorch on the same CPU: the same architecture strings, batch 128 of
/// 1x28x28, the same step (forward, cross-entropy, backward, SGD with Nesterov momentum), NCHW and channels-last on
/// both sides. Per round and network the four measurements run one after another (this project in-process, PyTorch
/// in a child process of Debian's python3-torch), so that load from elsewhere on the machine hits all four alike and
/// the ratios stay meaningful. PyTorch is a reference measurement here, never a dependency of the product.
/// </summary>
internal static partial class PeerThroughput
{
    public static int Run(Dictionary<string, string> a)
    {
        int rounds = int.Parse(a.GetValueOrDefault("rounds", "3"));
        int threads = int.Parse(a.GetValueOrDefault("threads", "2"));
        int steps = int.Parse(a.GetValueOrDefault("steps", TrainingThroughput.Steps.ToString()));
        string python = a.GetValueOrDefault("python", "/usr/bin/python3");
        string? csv = a.GetValueOrDefault("csv");
        // --peer none: this project's side only (the columns of PyTorch print "-"), for a machine without python3-torch.
        string peer = a.GetValueOrDefault("peer", "torch");
        if (peer is not ("torch" or "none")) throw new BadFlagValueException($"--peer expects torch or none, got '{peer}'.");
        bool withTorch = peer == "torch";
        var names = a.GetValueOrDefault("archs", "Compact-S;Compact-M;HandCNN-28").Split(';', StringSplitOptions.RemoveEmptyEntries);
        string script = Path.Combine(AppContext.BaseDirectory, "peer", "torch_throughput.py");
        if (!File.Exists(script)) throw new FileNotFoundException($"The PyTorch peer script is missing next to the benchmark: {script}. Rebuild examples/Benchmarks.");
        set_num_threads(threads);
        var archs = names.Select(n => (Name: n, Arch: PredefinedArchitectures.Contains(n) ? PredefinedArchitectures.Get(n) : ArchitectureString.Parse(n))).ToList();

        string torchVersion = withTorch ? $"PyTorch {Torch(python, script, threads, 1, "contiguous", ArchitectureString.Format(archs[0].Arch)).Version} ({python})"
            : "PyTorch not run (--peer none)";
        Console.WriteLine($"Peer training throughput: batch {TrainingThroughput.Batch}, {threads} threads, median of {steps} steps per measurement, {rounds} alternating rounds; " +
            $"this project: TorchSharp {__version__} (libtorch), {torchVersion}");
        Console.WriteLine($"{"network",-12} {"round",5} | {"ours NCHW",10} {"ours NHWC",10} | {"torch NCHW",10} {"torch CL",10} | img/s");
        var results = new Dictionary<string, List<double[]>>();
        for (int round = 1; round <= rounds; round++)
            foreach (var (name, arch) in archs)
            {
                string text = ArchitectureString.Format(arch);
                double oursNchw, oursNhwc;
                long ourParams;
                using (var net = new FBNetNetwork(arch)) { ourParams = net.ParameterCount(); oursNchw = TrainingThroughput.Measure(net, channelsLast: false, steps); }
                var torchNchw = withTorch ? Torch(python, script, threads, steps, "contiguous", text) : NotRun;
                using (var net = new FBNetNetwork(arch)) oursNhwc = TrainingThroughput.Measure(net, channelsLast: true, steps);
                var torchCl = withTorch ? Torch(python, script, threads, steps, "channels_last", text) : NotRun;
                // Equal parameter counts show that both sides built the same network from the string.
                if (withTorch && torchNchw.Params != ourParams)
                    throw new InvalidOperationException($"{name}: PyTorch built {torchNchw.Params} parameters from '{text}', this project {ourParams}: the peer script does not build the same network.");
                var ms = new[] { oursNchw, oursNhwc, torchNchw.Ms, torchCl.Ms };
                (results.TryGetValue(name, out var l) ? l : results[name] = []).Add(ms);
                Console.WriteLine($"{name,-12} {round,5} | {Ips(ms[0]),10} {Ips(ms[1]),10} | {Ips(ms[2]),10} {Ips(ms[3]),10} |");
                ResultCsv.Append(csv, "network,round,ours_nchw_ms,ours_nhwc_ms,torch_nchw_ms,torch_channels_last_ms",
                    name, round, F(ms[0]), F(ms[1]), F(ms[2]), F(ms[3]));
            }

        Console.WriteLine();
        Console.WriteLine($"Median over {rounds} rounds (img/s) and ratios (ours / PyTorch):");
        Console.WriteLine($"{"network",-12} | {"ours NCHW",10} {"ours NHWC",10} {"torch NCHW",10} {"torch CL",10} | {"NCHW/NCHW",9} {"NHWC/CL",8} {"best/CL",8}");
        foreach (var (name, _) in archs)
        {
            var med = Enumerable.Range(0, 4).Select(k => Median(results[name].Select(r => r[k]))).ToArray();
            double best = Math.Min(med[0], med[1]);
            Console.WriteLine($"{name,-12} | {Ips(med[0]),10} {Ips(med[1]),10} {Ips(med[2]),10} {Ips(med[3]),10} | " +
                $"{Ratio(med[2] / med[0]),9} {Ratio(med[3] / med[1]),8} {Ratio(med[3] / best),8}");
        }
        return 0;
    }

    /// <summary>The PyTorch side under --peer none: NaN times, printed as "-".</summary>
    private static readonly (string Version, long Params, double Ms) NotRun = ("", 0, double.NaN);

    private static string Ips(double ms) => double.IsNaN(ms) ? "-" : (TrainingThroughput.Batch * 1000 / ms).ToString("F0", CultureInfo.InvariantCulture);
    private static string Ratio(double x) => double.IsNaN(x) ? "-" : x.ToString("F2", CultureInfo.InvariantCulture);
    private static string F(double v) => double.IsNaN(v) ? "" : v.ToString("F2", CultureInfo.InvariantCulture);
    private static double Median(IEnumerable<double> v) { var s = v.Order().ToArray(); return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2; }

    private static (string Version, long Params, double Ms) Torch(string python, string script, int threads, int steps, string format, string arch)
    {
        var psi = new ProcessStartInfo(python, [script, threads.ToString(), steps.ToString(), format, arch])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        Process p;
        try { p = Process.Start(psi)!; }
        catch (Exception e) { throw new InvalidOperationException($"Cannot start {python}: {e.Message}. Install the PyTorch peer with 'apt-get install python3-torch' or pass --python.", e); }
        using (p)
        {
            var stderr = p.StandardError.ReadToEndAsync();
            string output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            var m = ResultLine().Match(output);
            if (p.ExitCode != 0 || !m.Success)
                throw new InvalidOperationException($"The PyTorch peer failed (exit {p.ExitCode}): {stderr.Result.Trim()} {output.Trim()}" +
                    (stderr.Result.Contains("No module named 'torch'") ? " Install it with 'apt-get install python3-torch'." : ""));
            return (m.Groups[1].Value, long.Parse(m.Groups[2].Value), double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture));
        }
    }

    [GeneratedRegex(@"RESULT torch=(\S+) format=\S+ params=(\d+) ms=([0-9.]+)")]
    private static partial Regex ResultLine();
}
