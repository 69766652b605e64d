using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Tests.Data;
using Xunit;
using Xunit.Abstractions;

namespace FBNetV2.MLNet.Tests.Benchmarks;

/// <summary>
/// Every command of examples/Benchmarks run on a tiny setting (a few hundred images, one or two epochs, tiny grids,
/// one timing pass) through the built app, as the docs run it (`dotnet Benchmarks.dll CMD`, and the app host that
/// `dotnet run` starts): exit code 0, the table or lines it prints present, and every figure finite. A guard test keeps
/// the list complete: a command the app knows without a smoke case here, or a command the docs cite that the app does
/// not know, fails it.
/// </summary>
public sealed class BenchmarkCommandSmokeTests(BenchmarkCommandSmokeTests.Setting setting, ITestOutputHelper log)
    : IClassFixture<BenchmarkCommandSmokeTests.Setting>
{
    private readonly Setting setting = setting;
    private readonly ITestOutputHelper log = log;

    /// <summary>The tiny inputs the commands share, made once for the class and deleted after it.</summary>
    public sealed class Setting : IDisposable
    {
        private readonly TempDirectory _dir = new();
        private readonly Lazy<string> _latency, _photos;

        public Setting()
        {
            // A Fashion-MNIST folder in the IDX format of the real one: 300 training and 100 test images of seeded
            // noise, labels cycling through the 10 classes (the commands' figures, not their accuracy, are checked).
            Idx = _dir.Folder("idx");
            var random = new Random(18);
            foreach (var (set, count) in new[] { ("train", 300), ("t10k", 100) })
            {
                var pixels = new byte[count * 28 * 28];
                random.NextBytes(pixels);
                IdxTestFiles.Write(Path.Combine(Idx, $"{set}-images-idx3-ubyte.gz"), IdxTestFiles.Images(count, 28, 28, pixels), gzip: true);
                IdxTestFiles.Write(Path.Combine(Idx, $"{set}-labels-idx1-ubyte.gz"), IdxTestFiles.Labels(Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray()), gzip: true);
            }
            Work = _dir.Folder("work");
            LatencyTable = Path.Combine(_dir.Path, "latency.json");
            // Commands that need another's output: each runs once, whichever test needs it first.
            _latency = new(() => RunChecked(["latency", "--networks", "2", .. TinyLatency, "--network-rounds", "1", "--table", LatencyTable]));
            _photos = new(() =>
            {
                string photos = Path.Combine(_dir.Path, "photos");
                RunChecked(["photo-folder", "--data", Idx, "--out", photos, "--size", "32", "--train", "10", "--test", "4", "--classes", "0,2"]);
                return photos;
            });
        }

        /// <summary>The tiny Fashion-MNIST IDX folder.</summary>
        public string Idx { get; }

        /// <summary>Working folder of the commands (a CSV or plot a command writes by default lands here, not in the repository).</summary>
        public string Work { get; }

        /// <summary>Where the latency command leaves its table for latency-search.</summary>
        public string LatencyTable { get; }

        /// <summary>Output of `latency --networks 2` on the tiny protocol; its table is left at <see cref="LatencyTable"/>.</summary>
        public string LatencyOutput => _latency.Value;

        /// <summary>A photo folder (train/ and test/, 2 classes of 10 + 4 images, 32 px) written by photo-folder.</summary>
        public string Photos => _photos.Value;

        /// <summary>The latency table's protocol cut down to seconds: one warm-up call, median of 3, one pass, 2 grid points per axis.</summary>
        public static readonly string[] TinyLatency = ["--repeats", "3", "--rounds", "1", "--warmup", "1", "--grid-points", "2"];

        private string RunChecked(string[] args)
        {
            var (code, output) = Run(Host.Dotnet, Work, args);
            Assert.True(code == 0, $"{string.Join(' ', args)} exited with {code}:\n{output}");
            return output;
        }

        public void Dispose() => _dir.Dispose();
    }

    public enum Host
    {
        /// <summary>`dotnet Benchmarks.dll CMD`, as docs/benchmarks.md runs the built app.</summary>
        Dotnet,

        /// <summary>The app host `Benchmarks CMD`: the process `dotnet run --project examples/Benchmarks -- CMD` starts.</summary>
        AppHost,
    }

    /// <summary>One smoke case per command of the app (examples/Benchmarks/CommandLine.cs, and scaling-one in Program.cs), with its tiny arguments and what its output must show.</summary>
    private static readonly Dictionary<string, Action<BenchmarkCommandSmokeTests>> Cases = new()
    {
        ["scaling"] = t => t.Scaling(Host.Dotnet, resolutionOptions: 1, channelOptions: 1),
        ["scaling-one"] = t =>
        {
            var line = t.Command("scaling-one", "masked", "2", "2", "1").Trim().Split('\n')[^1];
            Assert.Matches(@"^[0-9.]+ [0-9.]+$", line); // median ms, peak MB: what scaling reads from its children
            Assert.All(Numbers(line), n => Assert.True(n > 0, line));
        },
        ["train-throughput"] = t =>
        {
            // Compact-S only: the supernet's training steps cost minutes of a loaded 2-core machine even at batch 16.
            string output = t.Command("train-throughput", "--only", "Compact-S", "--steps", "1", "--batch", "16");
            Assert.Matches(@"(?m)^network\s+MFLOPs\s+round \|\s+NCHW ms\s+img/s \|\s+NHWC ms\s+img/s \| NHWC x", output);
            var row = Line(output, @"^Compact-S\s");
            var cells = Numbers(row[row.IndexOf('|')..]);
            Assert.True(cells.Length == 5 && cells.All(n => n > 0), row); // NCHW ms, img/s, NHWC ms, img/s, ratio
            Assert.DoesNotContain(output.Split('\n'), l => l.StartsWith("Compact-M", StringComparison.Ordinal)); // --only kept to its networks
        },
        ["peer-throughput"] = t => t.PeerThroughput(),
        ["fashion-train"] = t =>
        {
            string output = t.Command("fashion-train", "--data", t.setting.Idx, "--arch", "Compact-S", "--epochs", "1", "--train-images", "100", "--test-images", "50", "--threads", "1");
            AssertPercent(Line(output, @"^best epoch 1 of 1 .*test accuracy"), @"test accuracy ([0-9.]+) %");
        },
        ["recipe-ablation"] = t =>
        {
            string output = t.Command("recipe-ablation", "--data", t.setting.Idx, "--digits-data", t.setting.Photos, "--datasets", "fashion,digits",
                "--arch", "Compact-S", "--teacher", "Compact-S", "--train-images", "60", "--test-images", "40", "--epochs", "1", "--digits-epochs", "1", "--wds", "5e-4");
            Assert.Contains("| data | row | images x epochs | holdout | test | best epoch | wall time |", output);
            // fashion: old recipe, + EMA, the one decay, + refit, + distillation; digits: the one decay.
            var rows = output.Split('\n').Where(l => Regex.IsMatch(l, @"^\| (fashion|digits) \|")).ToList();
            Assert.Equal(6, rows.Count);
            Assert.All(rows, r => Assert.Matches(@"\| [0-9.]+ % \| [0-9.]+ % \| [0-9]+ \| [0-9:]+ \|\s*$", r));
        },
        ["fashion-search"] = t =>
        {
            string output = t.Command("fashion-search", "--data", t.setting.Idx, "--search-images", "100", "--search-epochs", "2", "--candidates", "1", "--proxy", "0", "--train-epochs", "1", "--random", "1", "--threads", "1");
            Assert.Matches(@"(?m)^model\s+MFLOPs\s+params\s+test acc\s+train time\s+architecture", output);
            foreach (var name in new[] { "searched", "random 1" })
                AssertRow(Line(output, "^" + name + @"\s+[0-9]"), @"^\S+(?: 1)?\s+([0-9.]+)\s+([0-9]+)\s+([0-9.]+) %\s+[0-9:]+\s+in_c1_s28");
        },
        ["search-diag"] = t =>
        {
            string output = t.Command("search-diag", "--data", t.setting.Idx, "--images", "100", "--epochs", "2", "--proxy", "0", "--batch", "32",
                "--threads", "1", "--train-epochs", "1", "--baselines", "HandCNN-28");
            Assert.Equal(2, output.Split('\n').Count(l => Regex.IsMatch(l, @"^\s+epoch [12]/2 tau [0-9.]+ entropy [0-9.]+ \([0-9]+ % of uniform\) E\[cost\] [0-9.]+ M")));
            Assert.Matches(@"(?m)^search took [0-9:]+; chosen in_c1_s28\S* \([0-9.]+ M\)", output);
            AssertRow(Line(output, @"^searched\s+[0-9]"), @"^searched\s+([0-9.]+)\s+([0-9]+)\s+([0-9.]+) %");
            AssertRow(Line(output, @"^HandCNN-28 x[0-9.]+\s"), @"^HandCNN-28 x([0-9.]+)\s+([0-9.]+)\s+([0-9]+)\s+([0-9.]+) %");
        },
        ["classic"] = t =>
        {
            string output = t.Command("classic", "--data", t.setting.Idx, "--lgbm-iterations", "3", "--sdca-iterations", "2", "--threads", "1");
            Assert.Contains("| trainer | test accuracy (micro) | macro accuracy | log-loss | training wall time | model zip |", output);
            foreach (var trainer in new[] { "LightGBM (3 iterations)", "SDCA maximum entropy (2 passes)" })
                AssertRow(output.Split('\n').Last(l => l.StartsWith("| " + trainer, StringComparison.Ordinal)),
                    @"\| ([0-9.]+) % \| ([0-9.]+) % \| ([0-9.]+) \| [0-9:]+ \| ([0-9]+) KB \|");
        },
        ["fuzz"] = t =>
        {
            string output = t.Command("fuzz", "--count", "20", "--seed", "1");
            var m = Regex.Match(output, @"tried 20: valid ([0-9]+) \(ONNX Runtime parity passed ([0-9]+), .*failures 0; worst \|ORT - torch\| (\S+),");
            Assert.True(m.Success, output);
            Assert.True(int.Parse(m.Groups[2].Value) > 0, "no case reached the parity check: " + output);
            Assert.True(double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) < 1e-4, output);
        },
        ["latency"] = t =>
        {
            string output = t.setting.LatencyOutput;
            t.log.WriteLine(output);
            // The compact space's families at 28 px, full resolution only (maps 28/14/7/4): 7 (stride, size) block
            // positions (s1@28, s2@28, s1@14, s2@14, s1@7, s2@7, s1@4) x 8 candidates x (expansion conv or e1) = 112,
            // 4 residual adds, 1 input, 1 stem size x 2 activations = 2, 1 body size x 9 head widths x 2 activations =
            // 18: 137.
            Assert.Matches(@"(?m)^table .*: 137 families, [0-9]+ measurements, overhead [0-9.]+ us", output);
            var drift = Regex.Match(output, @"drift scale ([0-9.]+) \(median of ([0-9]+) calibration networks");
            Assert.True(drift.Success && double.Parse(drift.Groups[1].Value, CultureInfo.InvariantCulture) > 0 && drift.Groups[2].Value == "8", output);
            var rows = output.Split('\n').Where(l => Regex.IsMatch(l, @"^\s+[12] ")).ToList();
            Assert.Equal(2, rows.Count);
            Assert.All(rows, r => AssertRow(r, @"^\s+[12]\s+([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)\s+(-?[0-9.]+) %\s+([0-9.]+)\s+in_c1_s28"));
            foreach (var label in new[] { "table, uncorrected:", "table vs measured:" })
                AssertRow(Line(output, "^" + label), @"mean signed error ([-+][0-9.]+)%.*mean relative error ([0-9.]+) %.*Kendall tau (-?[0-9.]+)");
            AssertRow(Line(output, "^measured vs measured:"), @"Kendall tau (-?[0-9.]+), mean relative difference ([0-9.]+) %");
        },
        ["latency-search"] = t =>
        {
            string table = t.setting.LatencyTable;
            _ = t.setting.LatencyOutput; // the latency command leaves the table this search reuses
            Assert.True(File.Exists(table), table);
            // The space's own default budget from the table: a fixed 1 ms was above the largest member (0.609 ms) once the
            // machine ran faster, and the search rightly refused it.
            string output = t.Command(["latency-search", "--data", t.setting.Idx, "--table", table, "--budget-ms", "space", "--search-images", "100",
                "--search-epochs", "2", "--candidates", "1", "--proxy", "0", "--train-epochs", "1", .. Setting.TinyLatency]);
            AssertRow(Line(output, "^Latency-budgeted search:"), @"^Latency-budgeted search: budget ([0-9.]+) ms");
            AssertRow(Line(output, "^final model:"), @"predicted ([0-9.]+) ms, measured ([0-9.]+) ms \(again ([0-9.]+) ms\), budget ([0-9.]+) ms -> ");
            Assert.Matches(@"(?m)^\s+candidate argmax: predicted [0-9.]+ ms", output);
        },
        ["latency-noise"] = t =>
        {
            string output = t.Command("latency-noise", "--seconds", "1");
            AssertRow(Line(output, "medians of 50 calls"), @"^([0-9]+) medians of 50 calls: min ([0-9.]+), median ([0-9.]+), max ([0-9.]+) ms");
        },
        ["plot"] = t =>
        {
            string plots = Path.Combine(t.setting.Work, "plots");
            string output = t.Command("plot", "--data", Path.Combine(TestPaths.RepositoryRoot, "docs", "data"), "--out", plots);
            foreach (var png in new[] { "scaling.png", "fashion.png", "latency.png" })
            {
                Assert.Contains($"wrote {Path.Combine(plots, png)}", output);
                var bytes = File.ReadAllBytes(Path.Combine(plots, png));
                Assert.True(bytes.Length > 1000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', png);
            }
        },
        ["network-latency"] = t =>
        {
            string output = t.Command("network-latency", "--archs", "Compact-S;HandCNN-28@1", "--rounds", "1", "--repeats", "5", "--warmup", "1");
            Assert.Matches(@"(?m)^network\s+MFLOPs\s+params\s+ms/image", output);
            AssertRow(Line(output, "^Compact-S "), @"^Compact-S\s+([0-9.]+)\s+([0-9]+)\s+([0-9.]+)");
            var scaled = Line(output, "^HandCNN-28@1 ");
            AssertRow(scaled, @"^HandCNN-28@1\s+([0-9.]+)\s+([0-9]+)\s+([0-9.]+)");
            Assert.True(Numbers(scaled[12..])[0] <= 1.0, scaled); // width-scaled to at most 1 MFLOPs
        },
        ["allocation"] = t =>
        {
            string output = t.Command("allocation", "--archs", "Compact-S;HandCNN-28@1;HandCNN-28");
            // Membership in the compact space as its definition says: HandCNN-28 as is is a member (SearchSpace.Compact's
            // summary); Compact-S's first 14 px block expands 8 channels to 24, below the stage's hidden options (32-96);
            // HandCNN-28 scaled to 1 MFLOPs ends at 104 channels, not a 4x4 width option.
            var membership = new Dictionary<string, string>
            {
                ["Compact-S"] = "not a member of the search space the input size gets: stage 2 block 1: hidden width 24 is not an option",
                ["HandCNN-28@1"] = "not a member of the search space the input size gets: stage 4: width 104 is not an option",
                ["HandCNN-28"] = "a member of the search space the input size gets",
            };
            foreach (var (entry, total) in new[] { ("Compact-S", PredefinedArchitectures.Get("Compact-S").Flops / 1e6), ("HandCNN-28@1", double.NaN),
                ("HandCNN-28", PredefinedArchitectures.Get("HandCNN-28").Flops / 1e6) })
            {
                var head = Numbers(Line(output, $"^{Regex.Escape(entry)}: ").Substring(entry.Length));
                if (!double.IsNaN(total)) Assert.Equal(total, head[0], 3);
                int at = output.IndexOf(entry + ": ", StringComparison.Ordinal);
                var lines = output[at..].Split('\n');
                Assert.StartsWith(membership[entry], lines[1].Trim());
                // The parts of each network: stem, four stages, head, classifier; they add up to its totals.
                var rows = lines.Skip(3).TakeWhile(l => l.Trim().Length > 0).Select(l => l.Trim()).ToList();
                Assert.Equal(["stem", "s1", "s2", "s3", "s4", "head", "classifier"], rows.Select(r => r.Split(' ')[0]));
                var figures = rows.Select(r => Numbers(r[(r.IndexOf(' ') + 1)..].Replace("-", "0"))).ToList();
                Assert.InRange(figures.Sum(f => f[1]) - head[0], -0.004, 0.004); // seven parts rounded to 0.001
                Assert.Equal(head[1], figures.Sum(f => f[3]));
                Assert.InRange(figures.Sum(f => f[2]), 99.6, 100.4);
            }

            // --checkpoint: a tiny search writes one, then each member's log-probability under its last distribution.
            string checkpoint = Path.Combine(t.setting.Work, "allocation-ckpt");
            string search = t.Command("fashion-search", "--data", t.setting.Idx, "--search-images", "100", "--search-epochs", "2", "--candidates", "1",
                "--proxy", "0", "--train-epochs", "0", "--random", "0", "--threads", "1", "--checkpoint", checkpoint);
            string chosen = Regex.Match(search, @"chosen (in_c1_s28\S*)").Groups[1].Value;
            Assert.False(string.IsNullOrEmpty(chosen), search);
            string likely = t.Command("allocation", "--archs", $"HandCNN-28;{chosen};Compact-S", "--checkpoint", checkpoint);
            const string Stated = @"(?m)^  log p (-?[0-9.]+) under the checkpoint's last distribution \(most likely member (-?[0-9.]+)\); ([0-9]+) of ([0-9]+) decisions that shape it off the most likely option:\n((?:    .*\n)*)  most likely member: (\S+)";
            var stated = Regex.Matches(likely, Stated);
            Assert.True(stated.Count == 2, likely); // HandCNN-28 and the chosen network; Compact-S is not a member
            foreach (Match m in stated)
            {
                double logP = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), best = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
                Assert.Equal(int.Parse(m.Groups[3].Value), m.Groups[5].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
                Assert.True(logP <= best + 1e-9, m.Value);
            }
            // The most likely member, read back as a network: its log p is the stated best (another path: the string is
            // parsed and mapped to the space's decisions again).
            string mostLikely = stated[0].Groups[6].Value;
            Assert.Equal(mostLikely, stated[1].Groups[6].Value);
            var itself = Regex.Match(t.Command("allocation", "--archs", mostLikely, "--checkpoint", checkpoint), Stated);
            Assert.True(itself.Success, mostLikely);
            Assert.Equal(double.Parse(stated[0].Groups[2].Value, CultureInfo.InvariantCulture), double.Parse(itself.Groups[1].Value, CultureInfo.InvariantCulture), 2);
            var (missingCode, missing) = Run(Host.Dotnet, t.setting.Work, ["allocation", "--archs", "HandCNN-28", "--checkpoint", Path.Combine(t.setting.Work, "no-such-ckpt")]);
            Assert.True(missingCode == 2, $"exit code {missingCode}: {missing}");
            Assert.Contains("There is no search checkpoint in", missing);
        },
        ["photo-folder"] = t =>
        {
            string photos = t.setting.Photos;
            foreach (var (split, perClass) in new[] { ("train", 10), ("test", 4) })
            {
                var classes = Directory.GetDirectories(Path.Combine(photos, split));
                Assert.Equal(2, classes.Length);
                Assert.All(classes, c => Assert.Equal(perClass, Directory.GetFiles(c, "*.png").Length));
            }
        },
        ["photo-pipeline"] = t =>
        {
            string output = t.Command("photo-pipeline", "--data", t.setting.Photos, "--size", "16", "--minutes", "0.05", "--threads", "1", "--seed", "2");
            Assert.Matches(@"(?m)^Architecture: in_c3_s16\S*\|cls2\s*$", output);
            AssertRow(Line(output, "test accuracy"), @"^([0-9.]+) MFLOPs, ([0-9]+) parameters; test accuracy ([0-9.]+) % on 8 images");
            AssertRow(Line(output, "peak resident memory"), @"peak resident memory ([0-9.]+) GB");
        },
        ["supernet-step"] = t =>
        {
            string output = t.Command("supernet-step", "--preset", "compact", "--size", "12", "--batch", "4", "--steps", "1", "--rounds", "1");
            Assert.Contains("Supernet step, compact space at 12 px, batch 4", output);
            // 12 px is below the compact space's half-resolution threshold: one resolution, no r=2 rows.
            Assert.DoesNotContain("r=2", output);
            // The summary: every case's ms per image and its ratio to the plain widest network at full resolution (1.00x itself).
            foreach (var name in new[] { "plain widest r=1 NHWC", "supernet soft (search weight step)", "supernet soft NHWC", "supernet fixed widest r=1",
                "supernet single path NHWC (uniform draws)", "supernet fixed widest r=1 NHWC" })
            {
                // The name itself, then the figures (so "... r=2" does not pick the "... r=2 NHWC" row).
                var row = output.Split('\n').Last(l => l.StartsWith(name, StringComparison.Ordinal) && Regex.IsMatch(l[name.Length..], @"^\s+[0-9]"));
                AssertRow(row[name.Length..], @"^\s+([0-9.]+) ms/img\s+([0-9.]+)x plain widest");
            }
        },
        ["step-probe"] = t =>
        {
            string output = t.Command("step-probe", "--size", "16", "--classes", "3", "--batch", "4", "--search-batch", "4", "--steps", "7");
            Assert.Contains("Step probes, 3x16x16 (Compact space)", output);
            // Each probe: its batch, the two estimators and the seven steps' ms per image, then the probe's seconds.
            foreach (var name in new[] { "cheapest member", "largest member", "supernet" })
                AssertRow(Line(output, name)[name.Length..], @"^\s+4\s+([0-9.]+)\s+([0-9.]+)\s+([0-9.]+) ([0-9.]+) ([0-9.]+) ([0-9.]+) ([0-9.]+) ([0-9.]+) ([0-9.]+)\s+\(([0-9.]+) s\)$");
        },
        ["scalar-race"] = t =>
        {
            string output = t.Command("scalar-race", "--seconds", "0.3");
            Assert.Contains("0 s per way; the other thread allocates 64 KB", output);
            // Every way prints calls, calls per second, exceptions and wrong sums; the library's ways never fail (the
            // TorchSharp ways may or may not in so short a run, so they are not asserted on).
            foreach (var name in new[] { "a + b (TorchSharp operator), no other thread", "a + b (TorchSharp operator)", "a * 0.5 (TorchSharp operator)", "SGD step (TorchSharp)" })
                AssertRow(output.Split('\n').First(l => l.StartsWith(name + " ", StringComparison.Ordinal))[name.Length..], @"^\s+([0-9]+)\s+([0-9]+)\s+([0-9]+)\s+([0-9]+)");
            foreach (var name in new[] { "a.Plus(b) (TorchScalars)", "a.Times(0.5) (TorchScalars)", "SGD step (ScalarSafeSgd)" })
                Assert.Matches(@"^\s+[1-9][0-9]*\s+[0-9]+\s+0\s+0\s*$", output.Split('\n').First(l => l.StartsWith(name, StringComparison.Ordinal))[name.Length..]);
        },
        ["mkl-alignment"] = t =>
        {
            // The library's request of MKL's reproducible mode, across processes: the app loads the library first, so
            // every reduction gives one result whatever the alignment (without the request the linear layer gave 4 of 8
            // and the dot products 2, as the child shows); the child uses libtorch first, so MKL stays
            // alignment-dependent there, the linear layer varies, and the library's check reports it.
            string output = t.Command("mkl-alignment");
            // (A mode the user set is kept and named instead of AUTO.)
            Assert.Matches(@"(?m)^this one \(loads FBNetV2\.MLNet first\)\s+(AUTO \(reproducible\)|MKL_CBWR=\S+)\s+1\s+1\s+1\s+1\s+1\s*$", output);
            var child = Regex.Match(output, @"(?m)^child \(used libtorch before loading FBNetV2\.MLNet\)\s+alignment-dependent\s+([0-9]+)\s+([0-9]+)\s+([0-9]+)\s+([0-9]+)\s+([0-9]+)\s*$");
            Assert.True(child.Success, output);
            Assert.True(int.Parse(child.Groups[3].Value, CultureInfo.InvariantCulture) > 1, $"the linear layer gave one result at every alignment without the request:\n{output}");
        },
        ["batch-memory"] = t =>
        {
            string output = t.Command("batch-memory", "--mode", "forward", "--size", "32", "--batch", "8", "--batches", "20");
            Assert.Contains("mode forward, 32 px, batch 8: start", output);
            Assert.Equal(2, output.Split('\n').Count(l => Regex.IsMatch(l, @"^batch (10|20): [0-9]+ MB \(\+-?[0-9]+\), managed [0-9]+ MB, gen2 GCs [0-9]+")));
        },
    };

    public static TheoryData<string> Commands => new(Cases.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Commands))]
    public void Command_runs_on_a_tiny_setting_and_prints_finite_figures(string command) => Cases[command](this);

    [Fact]
    public void Scaling_runs_its_child_processes_under_the_app_host() =>
        // Under `dotnet run` the process is the app host, not dotnet: the children must be started as the app itself
        // (the bug was the dll's path passed as the command, and every row NaN).
        Scaling(Host.AppHost, resolutionOptions: 1, channelOptions: 2);

    [Fact]
    public void Every_command_of_the_app_has_a_smoke_case_and_the_docs_cite_only_known_commands()
    {
        string program = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "examples", "Benchmarks", "Program.cs"));
        // The app dispatches through the table its usage line is printed from (the command with the flags it takes;
        // it refuses any other flag), plus scaling-one, the child process that scaling starts.
        var usage = Usage();
        Assert.Contains(@"name == ""scaling-one""", program);
        var known = usage.Keys.Append("scaling-one").ToHashSet();
        Assert.True(known.Count >= 18, $"found only {known.Count} commands in the app's usage line: the pattern no longer matches it");
        Assert.Equal(known.Order(StringComparer.Ordinal), Cases.Keys.Order(StringComparer.Ordinal));

        // `dotnet run --project examples/Benchmarks [-c Release] -- CMD` and `... Benchmarks.dll CMD` (a line break may
        // fall after the dll), in the README and every page under docs/.
        var pages = new[] { Path.Combine(TestPaths.RepositoryRoot, "README.md") }
            .Concat(Directory.GetFiles(Path.Combine(TestPaths.RepositoryRoot, "docs"), "*.md"));
        var cited = new List<(string Page, string Command, string[] Flags)>();
        foreach (var page in pages)
        {
            string text = File.ReadAllText(page);
            foreach (Match m in Regex.Matches(text, @"--project examples/Benchmarks(?: -c \w+)? -- ([a-z0-9-]+)|Benchmarks\.dll\s+([a-z0-9-]+)"))
                cited.Add((Path.GetFileName(page), m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value, CitedFlags(text[(m.Index + m.Length)..])));
        }
        Assert.True(cited.Count >= 30, $"found only {cited.Count} benchmark commands in the docs: the pattern no longer matches how they cite them");
        Assert.Empty(cited.Where(c => !known.Contains(c.Command)).Select(c => $"{c.Page} cites '{c.Command}', which examples/Benchmarks does not know"));

        // Every flag the docs pass to a command is one it declares.
        Assert.True(cited.Sum(c => c.Flags.Length) >= 100, $"found only {cited.Sum(c => c.Flags.Length)} flags in the cited commands: the pattern no longer matches");
        Assert.Empty(cited.Where(c => usage.ContainsKey(c.Command)).SelectMany(c => c.Flags.Where(f => !usage[c.Command].Contains(f))
            .Select(f => $"{c.Page} passes --{f} to '{c.Command}', which does not declare it")));
    }

    /// <summary>The flags of a cited command: up to the end of its line or code span, or a shell operator or comment after it.</summary>
    private static string[] CitedFlags(string rest)
    {
        int end = rest.Length;
        foreach (var stop in new[] { "\n", "`", " && ", " | ", " > ", " 2>", " # " })
            if (rest.IndexOf(stop, StringComparison.Ordinal) is >= 0 and var i && i < end) end = i;
        return Regex.Matches(rest[..end], @"(?<![\w-])--([a-z][a-z0-9-]*)").Select(m => m.Groups[1].Value).ToArray();
    }

    /// <summary>The app's usage line (printed, with exit code 2, when no command is given) as command -> its flags.</summary>
    private Dictionary<string, HashSet<string>> Usage()
    {
        var (code, output) = Run(Host.Dotnet, setting.Work, []);
        Assert.True(code == 2, $"the app without a command exited with {code}:\n{output}");
        string line = Line(output, @"^usage: dotnet run --project examples/Benchmarks -c Release -- ");
        return line[(line.IndexOf(" -- ", StringComparison.Ordinal) + 4)..].Split(" | ").ToDictionary(
            c => c.Split(' ')[0], c => Regex.Matches(c, @"--([a-z0-9-]+)").Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal));
    }

    [Fact]
    public void A_flag_the_command_does_not_take_or_without_a_value_is_refused_before_it_runs()
    {
        // A typo used to be ignored (the run went on with the default for an hour), and a trailing --help started a training run.
        foreach (var (args, message) in new[]
        {
            (new[] { "fashion-train", "--dropuot", "0" }, "fashion-train has no flag --dropuot; it would be ignored and the run would use the default."),
            (["allocation", "--archs", "Compact-S", "--epochs", "3"], "allocation has no flag --epochs;"),
            (["fashion-train", "--epochs"], "fashion-train: --epochs needs a value."),
            (["allocation", "Compact-S"], "allocation: expected a flag (--name value), got 'Compact-S'."),
            (["allocation", "--archs", "Compact-S", "--archs", "Compact-M"], "allocation: --archs is given twice"),
        })
        {
            var (code, output) = Run(Host.Dotnet, setting.Work, args);
            Assert.True(code == 2, $"{string.Join(' ', args)} exited with {code}:\n{output}");
            Assert.Contains(message, output);
            Assert.DoesNotContain("MFLOPs", output); // refused before any work
        }
        var (helpCode, help) = Run(Host.Dotnet, setting.Work, ["fashion-train", "--help"]);
        Assert.True(helpCode == 0, help);
        Assert.StartsWith("usage: dotnet run --project examples/Benchmarks -c Release -- fashion-train [--arch Compact-M]", help.Trim());
        Assert.Contains("[--save-onnx PATH]", help);
        Assert.DoesNotContain("Fashion-MNIST:", help); // no data loaded, no run started
    }

    [Fact]
    public void A_flag_value_the_command_cannot_use_exits_2_with_the_flag_named_not_a_crash()
    {
        // These used to end in an unhandled exception (exit 134 with a stack trace); the value is the user's input.
        string[] data = ["--data", setting.Idx, "--train-images", "100", "--test-images", "50", "--threads", "1"];
        foreach (var (args, message) in new[]
        {
            (new[] { "allocation", "--archs", "4" }, "--archs: '4' is neither a predefined architecture"),
            (["allocation", "--archs", "Compact-S@abc"], "--archs: 'Compact-S@abc' asks for abc MFLOPs; give a positive number after '@'"),
            (["allocation", "--archs", "Compact-S@0.01"], "--archs: 'Compact-S@0.01': Even with every width at 8 the architecture costs"),
            (["network-latency", "--archs", "Compact-S;in_c1_s28|nonsense"], "--archs: Architecture string 'in_c1_s28|nonsense' has 2 '|'-separated segments"),
            ([.. new[] { "fashion-train", "--arch", "nonsense" }, .. data], "--arch: 'nonsense' is neither a predefined architecture"),
            ([.. new[] { "fashion-train", "--arch", "Compact-S", "--match-mflops", "abc" }, .. data], "--match-mflops expects a positive number of MFLOPs, got 'abc'."),
            ([.. new[] { "fashion-train", "--arch", "Compact-S", "--match-mflops", "0.01" }, .. data], "--match-mflops 0.01: Even with every width at 8"),
            (["fashion-train", "--dataset", "cifar"], "--dataset expects fashion, shapes or digits, got 'cifar'."),
        })
        {
            var (code, output) = Run(Host.Dotnet, setting.Work, args);
            Assert.True(code == 2, $"{string.Join(' ', args)} exited with {code}:\n{output}");
            Assert.Contains(message, output);
            Assert.DoesNotContain("Unhandled exception", output);
        }
    }

    private void Scaling(Host host, int resolutionOptions, int channelOptions)
    {
        string output = Command(host, "scaling", "--resolution-options", $"{resolutionOptions}", "--channel-options", $"{channelOptions}", "--steps", "1");
        var row = Line(output, $@"^\s*{resolutionOptions}\s+{channelOptions}\s*\|");
        var numbers = Numbers(row).Skip(2).ToArray();
        Assert.True(numbers.Length == 10, row); // plain ms, MB; masked ms, MB, x time, x mem; explicit ms, MB, x time, x mem
        Assert.All(numbers, n => Assert.True(n > 0, row));
    }

    /// <summary>
    /// This project's side always (--peer none); the PyTorch side where python3 imports torch (Debian python3-torch,
    /// which .ci/run does not install: about 180 MB to download and 800 MB installed). Without it the test checks that
    /// `--peer torch` stops with the install hint instead, and says in its output that the PyTorch figures were not run.
    /// </summary>
    private void PeerThroughput()
    {
        string[] tiny = ["--archs", "Compact-S", "--rounds", "1", "--steps", "1", "--threads", "1"];
        string ours = Command(["peer-throughput", .. tiny, "--peer", "none"]);
        Assert.Contains("PyTorch not run (--peer none)", ours);
        Assert.Matches(@"(?m)^Compact-S\s+1 \|\s+[0-9]+\s+[0-9]+ \|\s+-\s+- \|", ours);
        Assert.Matches(@"(?m)^Compact-S\s+\|\s+[0-9]+\s+[0-9]+\s+-\s+- \|\s+-\s+-\s+-\s*$", ours);

        var (code, withTorch) = Run(Host.Dotnet, setting.Work, ["peer-throughput", .. tiny, "--peer", "torch"]);
        if (TorchImports())
        {
            Assert.True(code == 0, withTorch);
            AssertRow(Line(withTorch, @"^Compact-S\s+1 \|"), @"\|\s+([0-9]+)\s+([0-9]+) \|\s+([0-9]+)\s+([0-9]+) \|");
            AssertRow(Line(withTorch, @"^Compact-S\s+\|"), @"\|\s+([0-9]+)\s+([0-9]+)\s+([0-9]+)\s+([0-9]+) \|\s+([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)\s*$");
            log.WriteLine("peer-throughput: both sides run (python3 imports torch).");
        }
        else
        {
            Assert.True(code != 0, withTorch);
            Assert.Contains("apt-get install python3-torch", withTorch);
            log.WriteLine("peer-throughput: the PyTorch side was NOT run: python3 cannot import torch (apt-get install python3-torch). " +
                "Checked instead: this project's side (--peer none), and that --peer torch stops with the install hint.");
        }
    }

    private static bool TorchImports()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("/usr/bin/python3", ["-c", "import torch"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; } // no /usr/bin/python3 at all
    }

    private string Command(params string[] args) => Command(Host.Dotnet, args);

    private string Command(Host host, params string[] args)
    {
        var clock = Stopwatch.StartNew();
        var (code, output) = Run(host, setting.Work, args);
        log.WriteLine($"{host} {string.Join(' ', args)}: exit {code}, {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(code == 0, $"{string.Join(' ', args)} exited with {code}:\n{output}");
        Assert.DoesNotMatch(@"\bNaN\b|∞|Infinity", output);
        return output;
    }

    /// <summary>The one line of <paramref name="output"/> that matches <paramref name="pattern"/>.</summary>
    private static string Line(string output, string pattern)
    {
        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => Regex.IsMatch(l, pattern)).ToList();
        Assert.True(lines.Count == 1, $"expected one line matching /{pattern}/, found {lines.Count} in:\n{output}");
        return lines[0];
    }

    /// <summary>The row matches and every captured figure is a finite number.</summary>
    private static void AssertRow(string row, string pattern)
    {
        var m = Regex.Match(row, pattern);
        Assert.True(m.Success, $"/{pattern}/ does not match: {row}");
        foreach (Group g in m.Groups.Values.Skip(1).Where(g => g.Success))
            Assert.True(double.TryParse(g.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v), $"'{g.Value}' in: {row}");
    }

    /// <summary>A percentage captured by <paramref name="pattern"/>, between 0 and 100.</summary>
    private static void AssertPercent(string line, string pattern)
    {
        var m = Regex.Match(line, pattern);
        Assert.True(m.Success, line);
        double v = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(v is >= 0 and <= 100, line);
    }

    private static double[] Numbers(string text) =>
        Regex.Matches(text, @"-?[0-9]+(?:\.[0-9]+)?").Select(m => double.Parse(m.Value, CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Runs the built Benchmarks app (built with the tests through their ProjectReference) and returns its exit code and output.</summary>
    internal static (int ExitCode, string Output) Run(Host host, string workingDirectory, string[] args)
    {
        var own = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string bin = Path.Combine(TestPaths.RepositoryRoot, "examples", "Benchmarks", "bin", own.Parent!.Name, own.Name);
        string dll = Path.Combine(bin, "Benchmarks.dll"), appHost = Path.Combine(bin, OperatingSystem.IsWindows() ? "Benchmarks.exe" : "Benchmarks");
        Assert.True(File.Exists(dll) && File.Exists(appHost), $"'{bin}' lacks the Benchmarks app; the test project builds it through its ProjectReference.");
        var psi = host == Host.AppHost
            ? new ProcessStartInfo(appHost, args)
            : new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } dotnet ? dotnet : "dotnet", [dll, .. args]);
        psi.RedirectStandardOutput = psi.RedirectStandardError = true;
        psi.WorkingDirectory = workingDirectory;
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEndAsync();
        // Generous: the commands take seconds of CPU, but a shared 2-core machine can stretch that many times over.
        if (!p.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{string.Join(' ', args)} still running after 10 minutes:\n{output.Result}");
        }
        return (p.ExitCode, output.Result + err.Result);
    }
}
