namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// The benchmark app's commands and the flags each one reads: the usage line is printed from this table, and a flag a
/// command does not declare is refused before it runs. Before, unknown flags were ignored, so a typo (`--dropuot 0`) or a
/// flag of another command ran the default for an hour and recorded the wrong row; `--help` was dropped as a trailing
/// flag without a value and started a training run.
/// </summary>
internal static class CommandLine
{
    /// <summary>The recipe flags of the training benchmarks (<see cref="RecipeFlags"/>).</summary>
    private const string Recipe = "[--lr L] [--batch-size N] [--wd W] [--ema D] [--erase P] [--erase-max-area A] [--label-smoothing S] [--dropout P] [--flip 0|1] [--crop-padding P] " +
        "[--refit 1] [--teacher NAME|model.onnx|DIR] [--teacher-epochs N] [--kd-weight A] [--kd-temperature T] [--time-budget SECONDS]";

    /// <summary>A command: its name, the flags it reads (usage text) and what runs it (exit code).</summary>
    public sealed record Command(string Name, string Flags, Func<Dictionary<string, string>, int> Run);

    private static Func<Dictionary<string, string>, int> Ok(Action<Dictionary<string, string>> run) => a => { run(a); return 0; };

    /// <summary>Every command, in the order the usage line lists them; Program dispatches through this table alone.</summary>
    public static readonly Command[] Commands =
    [
        new("scaling", "[--resolution-options 1,2,4] [--channel-options 1,2,4,8,16,32] [--steps 5] [--csv F]", Ok(SearchScaling.Run)),
        new("train-throughput", "[--rounds 1] [--steps 10] [--batch 128] [--only Compact-S;supernet] [--csv F]", Ok(TrainingThroughput.Run)),
        new("peer-throughput", "[--rounds 3] [--steps 10] [--archs Compact-S;Compact-M;HandCNN-28] [--threads 2] [--python /usr/bin/python3] [--peer torch|none] [--csv F]", PeerThroughput.Run),
        new("fashion-train", "[--arch Compact-M] [--match-mflops M] [--epochs 12] [--seed 1] [--threads 0] [--csv F] [--dataset fashion|shapes|digits] [--data DIR] " +
            "[--train-images N] [--test-images N] [--refit-only 1] [--save-onnx PATH] " + Recipe, Ok(FashionTraining.Run)),
        new("recipe-ablation", "[--arch Compact-S] [--teacher Compact-M] [--train-images 6000] [--epochs 10] [--wds 5e-5,5e-4,2e-3] [--datasets fashion,digits] " +
            "[--digits-epochs 30] [--data IDX-DIR] [--digits-data DIR] [--test-images N] [--seed 1] [--threads 1] [--csv F]", Ok(RecipeAblation.Run)),
        new("classic", "[--data DIR] [--trainers lightgbm,sdca] [--lgbm-iterations N] [--sdca-iterations N] [--seed 1] [--threads 0]", Ok(ClassicBaselines.Run)),
        new("search-diag", "[--data DIR] [--images 3000] [--epochs 6] [--budget-mflops 5] [--seed 1] [--threads 0] [--batch 128] [--size S] [--proxy 3] [--train-epochs N] " +
            "[--baselines HandCNN-28,MobileNetV3-Small-28] [--searched ARCH] [--arch-steps 0] [--arch-lr LR] [--travel 6] [--arch-wd 0] [--entropy 0.05] " +
            "[--final-tau 0.5] [--hard 0|1] [--global-arch-moment 0|1] [--flip 0|1]", Ok(SearchDiagnostics.Run)),
        new("fashion-search", "[--dataset fashion|shapes|digits] [--data DIR] [--budget-mflops 5] [--search-images N] [--search-epochs N] [--candidates 4] [--proxy 3] " +
            "[--widest-warmup 0|1] [--sandwich 0|1] [--global-arch-moment 0|1] [--travel 6] [--param-weight 0] [--fill 0.98] [--checkpoint DIR] [--train-epochs N] [--random 3] [--seed 1] [--threads 0] [--csv F] " + Recipe, Ok(FashionSearch.Run)),
        new("fuzz", "[--count 500] [--seed 1]", Fuzz.Run),
        new("latency", "[--networks 20] [--seed 1] [--threads 1] [--repeats 50] [--rounds 3] [--warmup 10] [--grid-points 3] [--network-rounds 3] [--table PATH] [--rebuild 1] [--csv F]", Ok(LatencyAccuracy.Run)),
        new("latency-search", "[--budget-ms 0.15|space] [--search-images 3000] [--search-epochs 3] [--candidates 4] [--proxy 3] [--train-epochs 1] [--seed 1] [--threads 1] " +
            "[--repeats 50] [--rounds 3] [--warmup 10] [--grid-points 3] [--data DIR] [--table PATH]", Ok(LatencySearch.Run)),
        new("latency-noise", "[--seconds 30] [--threads 1]", Ok(LatencyNoise.Run)),
        new("plot", "[--data docs/data] [--out docs/plots]", Ok(Plots.Run)),
        new("network-latency", "[--archs Compact-S;HandCNN-28@4.885;ARCH] [--threads 1] [--rounds 5] [--repeats 50] [--warmup 10] [--grid-points 3]", Ok(NetworkLatency.Run)),
        new("allocation", "[--archs Compact-M;MobileNetV3-Small-28@4.964;ARCH] [--checkpoint SEARCH-CHECKPOINT-DIR]", Ok(Allocation.Run)),
        new("photo-folder", "--out DIR [--data IDX-DIR] [--size 160] [--train 400] [--test 120] [--classes 0,2,3,4,6] [--seed 1]", Ok(PhotoFolder.Run)),
        new("photo-pipeline", "--data DIR [--size 224] [--minutes 15] [--threads N] [--arch NAME] [--crop-padding P] [--seed 1]", Ok(PhotoPipeline.Run)),
        new("batch-memory", "[--mode batches|forward|train|search|share] [--size 224] [--batch 48] [--batches 60] [--arch ARCH]", Ok(BatchMemory.Run)),
        new("supernet-step", "[--preset photo|compact] [--size 96] [--batch 32] [--steps 4] [--rounds 2] [--paired N]", Ok(SupernetStep.Run)),
        new("step-probe", "[--size 224] [--classes 5] [--batch 128] [--search-batch 24] [--steps 10]", Ok(StepProbeSpread.Run)),
        new("scalar-race", "[--seconds 20]", Ok(ScalarRace.Run)),
        new("mkl-alignment", "[--child 0|1]", MklAlignment.Run),
    ];

    public static string Usage =>
        "usage: dotnet run --project examples/Benchmarks -c Release -- " + string.Join(" | ", Commands.Select(c => $"{c.Name} {c.Flags}"));

    /// <summary>What `CMD --help` prints: the command and its flags.</summary>
    public static string UsageOf(string command) =>
        $"usage: dotnet run --project examples/Benchmarks -c Release -- {command} {Commands.Single(c => c.Name == command).Flags}";

    /// <summary>Whether args ask for help (`CMD --help` or `CMD -h`) instead of a run.</summary>
    public static bool AsksForHelp(string[] args) => args.Skip(1).Any(a => a is "--help" or "-h");

    /// <summary>
    /// The flags after the command as name -> value (names without the leading dashes). Throws
    /// <see cref="ArgumentException"/> naming the flag for one the command does not declare, a flag without a value, or
    /// a value where a flag was expected.
    /// </summary>
    public static Dictionary<string, string> Parse(string[] args)
    {
        string command = args[0];
        var declared = Declared(command);
        var d = new Dictionary<string, string>();
        for (int i = 1; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
                throw new ArgumentException($"{command}: expected a flag (--name value), got '{args[i]}'. {UsageOf(command)}");
            string name = args[i][2..];
            if (!declared.Contains(name))
                throw new ArgumentException($"{command} has no flag --{name}; it would be ignored and the run would use the default. {UsageOf(command)}");
            if (i + 1 >= args.Length)
                throw new ArgumentException($"{command}: --{name} needs a value. {UsageOf(command)}");
            if (!d.TryAdd(name, args[i + 1]))
                throw new ArgumentException($"{command}: --{name} is given twice ('{d[name]}' and '{args[i + 1]}'); give it once.");
        }
        return d;
    }

    /// <summary>The flag names a command declares in its usage text.</summary>
    public static HashSet<string> Declared(string command) =>
        System.Text.RegularExpressions.Regex.Matches(Commands.Single(c => c.Name == command).Flags, @"--([a-z0-9-]+)")
            .Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
}

/// <summary>A flag's value that the command cannot use; the app prints the message and exits with 2, as for a flag it does not know.</summary>
internal sealed class BadFlagValueException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>
    /// The architecture a flag names (a predefined name, an architecture string, a JSON file). What the library's
    /// reader refuses (ArgumentException: none of the three; FormatException: a malformed string or file) is the
    /// flag's value, reported with the flag's name instead of an unhandled exception.
    /// </summary>
    public static FBNetV2.MLNet.Architecture.FBNetArchitecture Architecture(string flag, string value)
    {
        try { return FBNetV2.MLNet.Architecture.ArchitectureJson.Resolve(value); }
        catch (Exception e) when (e is ArgumentException or FormatException) { throw new BadFlagValueException($"--{flag}: {e.Message}", e); }
    }
}
