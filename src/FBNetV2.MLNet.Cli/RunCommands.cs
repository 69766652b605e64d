using System.CommandLine;
using System.Globalization;
using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Runs;

namespace FBNetV2.MLNet.Cli;

/// <summary><c>fbnet search</c> and <c>fbnet train</c>: a full run through <see cref="FBNetRun"/>.</summary>
internal static class RunCommands
{
    public static Command Search(CliIO io)
    {
        var command = new Command("search", "Search an FBNet architecture under a FLOPs or latency budget (DMaskingNAS), train it, evaluate it and write model.zip, model.onnx, architecture.json, metrics.json and report/report.html.");
        var o = new RunOptionSet(command, search: true);
        command.SetAction(p => FBNetCli.Guard(io, () => Execute(io, p, o, architecture: null)));
        return command;
    }

    public static Command Train(CliIO io)
    {
        var command = new Command("train", "Train a given FBNet architecture, evaluate it and write the same files as search.");
        var arch = new Option<string>("--arch")
        {
            Description = "Predefined name (see 'fbnet archs'), architecture string ('in_c1_s28|conv_k3_c8|...'), or architecture.json file",
            HelpName = "NAME|STRING|FILE",
            Required = true,
        };
        command.Add(arch);
        var o = new RunOptionSet(command, search: false);
        command.SetAction(p => FBNetCli.Guard(io, () => Execute(io, p, o, p.GetRequiredValue(arch))));
        return command;
    }

    private static int Execute(CliIO io, ParseResult p, RunOptionSet o, string? architecture)
    {
        bool json = p.GetValue(o.Json);
        double? budgetMs = architecture is null ? p.GetValue(o.BudgetMs) : null;
        if (budgetMs is not null && p.GetValue(o.Budget) is not null)
            throw new CliInputException("--budget-mflops and --budget-ms both given; a search has one budget. Keep one of them.");
        if (architecture is null && budgetMs is null && (p.GetValue(o.LatencyTable) is not null || p.GetValue(o.LatencyThreads) is not null))
            throw new CliInputException("--latency-table and --latency-threads apply to a latency budget only; add --budget-ms, or drop them.");
        string data = FBNetCli.RequireDataFolder(p.GetRequiredValue(o.Data));
        string output = p.GetRequiredValue(o.Out);
        bool force = p.GetValue(o.Force);
        if (File.Exists(output))
            throw new CliInputException($"--out '{output}' is a file; expected a folder for the results.");
        var existing = RunArtifacts.All.Where(f => Path.Exists(Path.Combine(output, f))).ToArray();
        if (existing.Length > 0 && !force)
            throw new CliInputException($"--out folder '{output}' already holds results ({string.Join(", ", existing)}). Choose another folder or pass --force to replace them.");
        if (architecture is not null)
        {
            // Fail on a bad --arch now, not after the images are read.
            try { ArchitectureJson.Resolve(architecture); }
            catch (Exception e) when (e is ArgumentException or FormatException or IOException or System.Text.Json.JsonException)
            {
                throw new CliInputException($"--arch: {e.Message}");
            }
        }
        var log = new LinePrinter(json ? io.Err : io.Out);
        int searchEpochs = p.GetValue(o.SearchEpochs) ?? 10;
        var options = new RunOptions
        {
            DataPath = data,
            OutputDirectory = output,
            Force = force,
            Architecture = architecture,
            BudgetMFlops = p.GetValue(o.Budget),
            BudgetMilliseconds = budgetMs,
            LatencyTablePath = architecture is null ? p.GetValue(o.LatencyTable) : null,
            LatencyThreads = (architecture is null ? p.GetValue(o.LatencyThreads) : null) ?? 1,
            SearchSpace = p.GetValue(o.Preset) ?? SearchSpacePreset.Auto,
            SearchEpochs = searchEpochs,
            FinalEpochs = p.GetValue(o.Epochs),
            BatchSize = p.GetValue(o.BatchSize) ?? 128,
            TimeBudget = p.GetValue(o.TimeBudget),
            Seed = p.GetValue(o.Seed) ?? 1,
            ImageSize = p.GetValue(o.Size),
            Channels = p.GetValue(o.Channels),
            Baselines = p.GetValue(o.Baselines) ?? [],
            HorizontalFlip = !p.GetValue(o.NoFlip),
            Log = log,
            Recipe = o.Recipe.Read(p),
            Search = architecture is null ? o.SearchSettings.Read(p, searchEpochs) : new(),
        };
        log.Report(architecture is null
            ? $"Searching under {(budgetMs is { } ms ? $"{ms.ToString(CultureInfo.InvariantCulture)} ms" : options.BudgetMFlops is { } mf ? $"{mf.ToString(CultureInfo.InvariantCulture)} MFLOPs" : "the space's default budget")} ({options.SearchSpace} space, {options.SearchEpochs} search + {FinalEpochsText(options)} final epochs) on {data}; writing to {Path.GetFullPath(output)}"
            : $"Training {architecture} for {FinalEpochsText(options)} epochs on {data}; writing to {Path.GetFullPath(output)}");
        var result = FBNetRun.Run(options, io.Cancel);
        if (json)
        {
            CliJson.Write(io.Out, new
            {
                command = architecture is null ? "search" : "train",
                architecture = result.Architecture.ToString(),
                mflops = result.Architecture.Flops / 1e6,
                parameters = result.Architecture.Parameters,
                testAccuracy = result.TestAccuracy,
                macroAccuracy = result.MacroAccuracy,
                comparison = result.Comparison.Select(c => new { name = c.Name, mflops = c.MFlops, accuracy = c.Accuracy, searched = c.IsSearched }),
                outputDirectory = result.OutputDirectory,
                files = RunArtifacts.All.ToDictionary(f => f, f => Path.Combine(result.OutputDirectory, f)),
                report = result.ReportPath,
                elapsedSeconds = result.Elapsed.TotalSeconds,
            });
        }
        else
        {
            io.Out.WriteLine();
            io.Out.WriteLine($"Architecture: {result.Architecture}");
            io.Out.WriteLine($"Test accuracy: {result.TestAccuracy:P2} (macro {result.MacroAccuracy:P2}) at {result.Architecture.Flops / 1e6:F3} MFLOPs, {result.Architecture.Parameters} parameters");
            foreach (var b in result.Comparison.Skip(1)) io.Out.WriteLine($"  baseline {b.Name}: {b.Accuracy:P2} at {b.MFlops:F3} MFLOPs");
            io.Out.WriteLine($"Files in {result.OutputDirectory}: {string.Join(", ", RunArtifacts.All)}; report: {result.ReportPath}; took {result.Elapsed:hh\\:mm\\:ss}");
        }
        return FBNetCli.Success;
    }

    /// <summary>The options search and train share (search adds its budget, preset and search epochs).</summary>
    private sealed class RunOptionSet
    {
        public readonly Option<string> Data = CliOptions.RequiredPath("--data", "DIR", "Image folder (one subfolder per class, or train/ and test/ with class subfolders) or a folder of IDX files");
        public readonly Option<string> Out = CliOptions.RequiredPath("--out", "DIR", "Folder for model.zip, model.onnx, architecture.json, metrics.json and report/");
        public readonly Option<double?> Budget = CliOptions.PositiveDouble("--budget-mflops", "Most millions of multiply-adds per image the searched network may cost (default: the geometric mean of the searched space's cheapest and largest architectures; with --time-budget, what the final training can afford in the time left, between that and half the largest; printed at the start)", 1e6);
        public readonly Option<double?> BudgetMs = CliOptions.PositiveDouble("--budget-ms", "Instead of --budget-mflops: most milliseconds per image in ONNX Runtime on this machine, predicted from the latency table (built on first use; see 'fbnet profile')", 1e6);
        public readonly Option<string?> LatencyTable = CliOptions.LatencyTable();
        public readonly Option<int?> LatencyThreads = CliOptions.LatencyThreads();
        public readonly Option<TimeSpan?> TimeBudget = CliOptions.Duration("--time-budget", "Wall-clock limit for the whole run: search and training epochs are planned from measured step times to end within it, the cosine schedule is shortened to end in time, and no new epoch starts after it");
        public readonly Option<SearchSpacePreset?> Preset = CliOptions.Preset();
        public readonly Option<int?> SearchEpochs = CliOptions.Int("--search-epochs", "Supernet search epochs", 1, 1000, "10");
        public readonly Option<int?> Epochs = CliOptions.Int("--epochs", "Training epochs of the final network and the baselines", 1, 10000, $"{FBNetOptions.DefaultMaxEpochs}; with --time-budget as many as fit, at most {FBNetOptions.TimeBudgetMaxEpochs}");
        public readonly Option<int?> BatchSize = CliOptions.Int("--batch-size", "Images per training and search batch (the search batch is lowered to what fits half the available memory, measured)", 1, 4096, "128");
        public readonly Option<int?> Size = CliOptions.Int("--size", "Square size the images are resized to; default: the first image's size, at most 96 (photos are worked on at 96 px on a CPU; the ImageNet preset keeps the full size)", 8, 1024);
        public readonly Option<int?> Channels = CliOptions.Channels();
        public readonly Option<int?> Seed = CliOptions.Int("--seed", "Random seed", 0, int.MaxValue, "1");
        public readonly Option<string[]?> Baselines = CliOptions.Baselines();
        public readonly Option<bool> NoFlip = CliOptions.Flag("--no-flip", "Do not mirror training images left-right at random (turn flipping off for digits, text and other handed images)");
        public readonly Option<bool> Force = CliOptions.Flag("--force", "Replace results already in --out");
        public readonly Option<bool> Json = CliOptions.Flag("--json", "Print the result as JSON on stdout (progress goes to stderr)");

        /// <summary>Training recipe (issue 16), kept apart from the run options above.</summary>
        public readonly RecipeCliOptions Recipe = new();

        /// <summary>Search-algorithm settings (search only), kept apart as the recipe is.</summary>
        public readonly SearchCliOptions SearchSettings = new();

        public RunOptionSet(Command command, bool search)
        {
            command.Add(Data);
            command.Add(Out);
            if (search)
            {
                command.Add(Budget);
                command.Add(BudgetMs);
                command.Add(LatencyTable);
                command.Add(LatencyThreads);
                command.Add(Preset);
                command.Add(SearchEpochs);
                SearchSettings.AddTo(command);
            }
            foreach (var option in new Option[] { Epochs, TimeBudget, BatchSize, Size, Channels, Seed, Baselines, NoFlip, Force, Json })
                command.Add(option);
            Recipe.AddTo(command);
        }
    }

    private static string FinalEpochsText(RunOptions o) => o.FinalEpochs is { } e ? $"{e}"
        : o.TimeBudget is null ? $"{FBNetOptions.DefaultMaxEpochs}" : "as many as fit";
}
