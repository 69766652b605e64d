using FBNetV2.MLNet;
using FBNetV2.MLNet.Runs;

// The main job: search an FBNet architecture for Fashion-MNIST under a FLOPs budget with DMaskingNAS, train it,
// evaluate it, and write model.zip, model.onnx, architecture.json, metrics.json and report/report.html.
// With no arguments it runs on the committed sample (1000 training, 300 test images) in a few minutes on 2 cores.
var a = Arguments.Parse(args);
if (a is null) return 2;
bool sample = a.Data is null;
string data = a.Data ?? Path.Combine(AppContext.BaseDirectory, "data", "sample");
string output = a.Output ?? Path.Combine("fbnet-output", $"fashion-mnist-{DateTime.Now:yyyyMMdd-HHmmss}");
var options = new RunOptions
{
    DataPath = data,
    OutputDirectory = output,
    Force = a.Force,
    BudgetMFlops = a.BudgetMFlops, // null: the geometric mean of the space's cheapest and largest architectures
    SearchSpace = SearchSpacePreset.Compact,
    // The sample's 6 search and 12 final epochs keep the whole job under 5 minutes on 2 idle cores (6/15 measured 4:27-4:49, 8/20 took
    // about 6); 2 warm-up epochs, then 4 of architecture steps (the distribution reaches ~30 % of uniform entropy).
    SearchEpochs = a.SearchEpochs ?? (sample ? 6 : 10),
    // With --time-budget and no --epochs the library plans as many epochs as fit the time the search leaves (at most
    // 300), so a fixed count is set only without one: a fixed 30 would leave most of a long budget unused.
    FinalEpochs = a.Epochs ?? (a.TimeBudget is not null ? null : sample ? 12 : 30),
    BatchSize = sample ? 64 : 128,
    // A search step holds every candidate's activations (about 15 MB per 28 px image at the compact space's widest):
    // at 32 images the sample's peak resident memory stays under 1.5 GB (at 64: 1.72 GB measured).
    SearchBatchSize = sample ? 32 : null,
    TimeBudget = a.TimeBudget,
    Seed = a.Seed,
    Baselines = ["Compact-S", "Compact-M"],
    Log = new Printer(),
};
Console.WriteLine($"FBNetV2 search on {(sample ? "the committed Fashion-MNIST sample" : data)}, budget {(options.BudgetMFlops is { } b ? $"{b} MFLOPs" : "from the space (printed below)")}; writing to {Path.GetFullPath(output)}");
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); Console.WriteLine("Cancelling after the current batch..."); };
try
{
    var result = FBNetRun.Run(options, cancel.Token);
    Console.WriteLine();
    Console.WriteLine($"Architecture: {result.Architecture}");
    Console.WriteLine($"Final test accuracy: {result.TestAccuracy:P2} at {result.Architecture.Flops / 1e6:F3} MFLOPs, {result.Architecture.Parameters} parameters");
    foreach (var p in result.Comparison.Skip(1)) Console.WriteLine($"  baseline {p.Name}: {p.Accuracy:P2} at {p.MFlops:F3} MFLOPs");
    Console.WriteLine($"Files in {result.OutputDirectory}; report: {result.ReportPath}; took {result.Elapsed:hh\\:mm\\:ss}");
    return 0;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("Cancelled; nothing was written.");
    return 130;
}
catch (Exception e) when (e is ArgumentException or IOException or FormatException or InvalidOperationException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

internal sealed class Printer : IProgress<string>
{
    public void Report(string value) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {value}");
}

internal sealed record Arguments(string? Data, string? Output, bool Force, double? BudgetMFlops, int? SearchEpochs, int? Epochs, TimeSpan? TimeBudget, int Seed)
{
    public static Arguments? Parse(string[] args)
    {
        string? data = null, output = null; bool force = false; double? budget = null; int? searchEpochs = null, epochs = null; TimeSpan? time = null; int seed = 1;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            try
            {
                switch (args[i])
                {
                    case "--data": data = Next(); break;
                    case "--out": output = Next(); break;
                    case "--force": force = true; break;
                    case "--budget-mflops": budget = double.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture); break;
                    case "--search-epochs": searchEpochs = int.Parse(Next()); break;
                    case "--epochs": epochs = int.Parse(Next()); break;
                    case "--time-budget": time = TimeSpan.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture); break;
                    case "--seed": seed = int.Parse(Next()); break;
                    case "-h" or "--help": Usage(); return null;
                    default: throw new ArgumentException($"Unknown argument '{args[i]}'.");
                }
            }
            catch (FormatException) { Console.Error.WriteLine($"error: '{args[i]}' is not a valid value for {args[i - 1]}."); Usage(); return null; }
            catch (ArgumentException e) { Console.Error.WriteLine($"error: {e.Message}"); Usage(); return null; }
        }
        return new Arguments(data, output, force, budget, searchEpochs, epochs, time, seed);
    }

    private static void Usage() => Console.Error.WriteLine(
        "usage: dotnet run --project examples/FashionMnist -- [--data <image folder | IDX folder, e.g. /usr/share/datasets/fashion-mnist>] [--out <dir>] [--force]\n" +
        "       [--budget-mflops N (default: from the space)] [--search-epochs N] [--epochs N] [--time-budget hh:mm:ss] [--seed 1]");
}
