using Xunit;
using System.IO.Compression;
using System.Text.Json;
using FBNetV2.MLNet.Cli;

namespace FBNetV2.MLNet.Tests.Cli;

/// <summary>Usage errors (exit 2), bad input (exit 1), cancellation (130) and archs; none of these trains.</summary>
public sealed class CliUsageTests
{
    [Fact]
    public void No_command_prints_usage_and_exits_2()
    {
        var r = Fbnet.Run();
        Assert.Equal(FBNetCli.UsageError, r.ExitCode);
        Assert.Contains("no command given", r.Err);
        Assert.Contains("search", r.Err);
    }

    [Fact]
    public void Unknown_command_is_a_usage_error()
    {
        var r = Fbnet.Run("serach", "--data", "x");
        Assert.Equal(FBNetCli.UsageError, r.ExitCode);
        Assert.Contains("'serach'", r.Err);
        Assert.Contains("Commands: search, train, evaluate, predict, export, archs", r.Err);
        Assert.Empty(r.Out);
    }

    [Fact]
    public void Unknown_option_is_a_usage_error()
    {
        var r = Fbnet.Run("archs", "--jsn");
        Assert.Equal(FBNetCli.UsageError, r.ExitCode);
        Assert.Contains("'--jsn'", r.Err);
        Assert.Contains("fbnet archs --help", r.Err);
    }

    [Fact]
    public void Missing_required_options_are_named()
    {
        var r = Fbnet.Run("search", "--out", "somewhere");
        Assert.Equal(FBNetCli.UsageError, r.ExitCode);
        Assert.Contains("'--data' is required", r.Err);

        r = Fbnet.Run("train", "--data", "x", "--out", "y");
        Assert.Equal(FBNetCli.UsageError, r.ExitCode);
        Assert.Contains("'--arch' is required", r.Err);
    }

    [Fact]
    public void Missing_value_is_a_usage_error()
    {
        var r = Fbnet.Run("search", "--data", "x", "--out", "y", "--epochs");
        Assert.Equal(FBNetCli.UsageError, r.ExitCode);
        Assert.Contains("--epochs", r.Err);
    }

    [Theory]
    [InlineData("--epochs", "abc", "--epochs expects a whole number from 1 to 10000, got 'abc'")]
    [InlineData("--epochs", "0", "--epochs must be from 1 to 10000, got 0")]
    [InlineData("--search-epochs", "2.5", "--search-epochs expects a whole number")]
    [InlineData("--budget-mflops", "lots", "--budget-mflops expects a number such as 2.5, got 'lots'")]
    [InlineData("--budget-mflops", "-3", "--budget-mflops must be greater than 0")]
    [InlineData("--size", "4", "--size must be from 8 to 1024, got 4")]
    [InlineData("--channels", "2", "--channels expects 1 (gray) or 3 (RGB), got '2'")]
    [InlineData("--time-budget", "soon", "--time-budget expects a positive duration such as 30m")]
    [InlineData("--time-budget", "300000000h", "--time-budget expects a positive duration such as 30m")] // beyond TimeSpan
    [InlineData("--preset", "Huge", "--preset expects Auto, Compact, Photo or ImageNet, got 'Huge'")]
    [InlineData("--baselines", "Compact-S,Tiny", "got unknown 'Tiny'")]
    public void Bad_values_say_what_is_expected(string option, string value, string message)
    {
        var r = Fbnet.Run("search", "--data", "x", "--out", "y", option, value);
        Assert.Equal(FBNetCli.UsageError, r.ExitCode);
        Assert.Contains(message, r.Err);
    }

    [Theory]
    [InlineData("--latency-threads", "4")]
    [InlineData("--latency-table", "table.json")]
    public void Latency_flags_without_a_latency_budget_are_refused(string option, string value)
    {
        // Without --budget-ms nothing reads them: refused rather than ignored.
        var r = Fbnet.Run("search", "--data", "x", "--out", "y", "--budget-mflops", "5", option, value);
        Assert.Equal(FBNetCli.Failure, r.ExitCode);
        Assert.Contains("apply to a latency budget only; add --budget-ms", r.Err);
    }

    [Theory]
    [InlineData("30m", 30 * 60)]
    [InlineData("2h", 2 * 3600)]
    [InlineData("1h30m", 90 * 60)]
    [InlineData("90s", 90)]
    [InlineData("00:10:00", 600)]
    public void Durations_parse(string text, int seconds)
    {
        Assert.True(CliOptions.TryParseDuration(text, out var value));
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Fact]
    public void Archs_json_lists_the_predefined_architectures()
    {
        var r = Fbnet.Run("archs", "--json");
        Assert.Equal(0, r.ExitCode);
        using var json = JsonDocument.Parse(r.Out);
        var rows = json.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!);
        Assert.Equal(FBNetV2.MLNet.Architecture.PredefinedArchitectures.Names.Count, rows.Count);
        var compact = rows["Compact-S"];
        Assert.Equal(FBNetV2.MLNet.Architecture.PredefinedArchitectures.Get("Compact-S").Parameters, compact.GetProperty("parameters").GetInt64());
        Assert.InRange(compact.GetProperty("mflops").GetDouble(), 0.1, 10);
        Assert.Equal(56.4, rows["FBNetV2-F1"].GetProperty("publishedMFlops").GetDouble());
    }

    [Fact]
    public void Archs_table_is_readable()
    {
        var r = Fbnet.Run("archs");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Compact-M", r.Out);
        Assert.Contains("MFLOPs", r.Out);
    }

    [Fact]
    public void Missing_or_empty_data_folder_is_bad_input()
    {
        using var temp = new TempDirectory();
        var r = Fbnet.Run("train", "--arch", "Compact-S", "--data", Path.Combine(temp.Path, "nope"), "--out", temp.Folder("out"));
        Assert.Equal(FBNetCli.Failure, r.ExitCode);
        Assert.Contains("does not exist", r.Err);

        r = Fbnet.Run("train", "--arch", "Compact-S", "--data", temp.Folder("empty"), "--out", Path.Combine(temp.Path, "out2"));
        Assert.Equal(FBNetCli.Failure, r.ExitCode);
        Assert.Contains("is empty", r.Err);
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "out2")));
    }

    [Fact]
    public void Unknown_architecture_is_bad_input()
    {
        using var temp = new TempDirectory();
        Fbnet.ShapesFolder(temp.Folder("data"), perClass: 1);
        var r = Fbnet.Run("train", "--arch", "Compact-XXL", "--data", Path.Combine(temp.Path, "data"), "--out", Path.Combine(temp.Path, "out"));
        Assert.Equal(FBNetCli.Failure, r.ExitCode);
        Assert.Contains("--arch: 'Compact-XXL' is neither a predefined architecture", r.Err);
    }

    [Fact]
    public void Existing_results_are_refused_without_force_and_left_untouched()
    {
        using var temp = new TempDirectory();
        string data = Fbnet.ShapesFolder(temp.Folder("data"), perClass: 2);
        string output = temp.Folder("out");
        File.WriteAllText(Path.Combine(output, "model.zip"), "earlier model");
        File.WriteAllText(Path.Combine(output, "metrics.json"), "{\"earlier\": true}");
        var before = File.GetLastWriteTimeUtc(Path.Combine(output, "model.zip"));

        var r = Fbnet.Run("train", "--arch", "Compact-S", "--data", data, "--out", output, "--epochs", "1");
        Assert.Equal(FBNetCli.Failure, r.ExitCode);
        Assert.Contains("already holds results (model.zip, metrics.json)", r.Err);
        Assert.Contains("--force", r.Err);
        Assert.Equal("earlier model", File.ReadAllText(Path.Combine(output, "model.zip")));
        Assert.Equal("{\"earlier\": true}", File.ReadAllText(Path.Combine(output, "metrics.json")));
        Assert.Equal(before, File.GetLastWriteTimeUtc(Path.Combine(output, "model.zip")));
        Assert.Equal(["metrics.json", "model.zip"], Directory.GetFileSystemEntries(output).Select(e => Path.GetFileName(e)!).Order().ToArray());
    }

    [Fact]
    public void Evaluate_on_a_zip_that_is_not_a_model_is_a_clear_error()
    {
        using var temp = new TempDirectory();
        string data = Fbnet.ShapesFolder(temp.Folder("data"), perClass: 1);
        string zip = Path.Combine(temp.Path, "photos.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            using var writer = new StreamWriter(archive.CreateEntry("readme.txt").Open());
            writer.Write("not a model");
        }
        var r = Fbnet.Run("evaluate", "--model", zip, "--data", data);
        Assert.Equal(FBNetCli.Failure, r.ExitCode);
        Assert.Contains("holds no ONNX model", r.Err);

        string text = Path.Combine(temp.Path, "model.zip");
        File.WriteAllText(text, "hello");
        r = Fbnet.Run("evaluate", "--model", text, "--data", data);
        Assert.Equal(FBNetCli.Failure, r.ExitCode);
        Assert.Contains("is not a complete ML.NET model zip", r.Err);

        r = Fbnet.Run("predict", "--model", Path.Combine(temp.Path, "missing.zip"), Path.Combine(data, "disc", "disc-00.png"));
        Assert.Equal(FBNetCli.Failure, r.ExitCode);
        Assert.Contains("does not exist", r.Err);
    }

    [Fact]
    public void Cancelled_before_start_exits_130_and_writes_nothing()
    {
        using var temp = new TempDirectory();
        string data = Fbnet.ShapesFolder(temp.Folder("data"), perClass: 2);
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var r = Fbnet.Run(cancel.Token, "train", "--arch", "Compact-S", "--data", data, "--out", Path.Combine(temp.Path, "out"));
        Assert.Equal(FBNetCli.Cancelled, r.ExitCode);
        Assert.Contains("Cancelled", r.Err);
        Assert.False(Directory.Exists(Path.Combine(temp.Path, "out")));
    }
}

public class CliExitCodeTests
{
    private static (int Code, string Err) Guard(Func<int> body)
    {
        var err = new StringWriter();
        int code = FBNetCli.Guard(new CliIO(TextWriter.Null, err, CancellationToken.None), body);
        return (code, err.ToString());
    }

    [Fact]
    public void Bad_input_exits_1_and_internal_errors_exit_3()
    {
        Assert.Equal(FBNetCli.Failure, Guard(() => throw new CliInputException("--data 'x' does not exist")).Code);
        Assert.Equal(FBNetCli.Failure, Guard(() => throw new ArgumentException("Budget must be positive")).Code);
        Assert.Equal(FBNetCli.Failure, Guard(() => { ArgumentException.ThrowIfNullOrEmpty(""); return 0; }).Code);
        // Out of memory in libtorch, as FitPlan.Guard reports it: the machine's limit, with what to lower.
        var memory = Guard(() => FBNetV2.MLNet.FitPlan.Guard("training network x", 3, 224, new Func<int>(() =>
            throw new System.Runtime.InteropServices.ExternalException("CUDA out of memory. Tried to allocate 2.00 GiB"))));
        Assert.Equal(FBNetCli.Failure, memory.Code);
        Assert.Contains("Lower BatchSize", memory.Err);

        // Faults of the program, not of the input: a null dereference, and argument or state exceptions that .NET's
        // collections raise when fbnet's own code is wrong.
        var nullRef = Guard(() => throw new NullReferenceException());
        Assert.Equal((FBNetCli.InternalError, true), (nullRef.Code, nullRef.Err.Contains("internal error")));
        var duplicate = Guard(() => { _ = new Dictionary<int, int> { { 1, 1 }, { 1, 2 } }; return 0; });
        Assert.Equal(FBNetCli.InternalError, duplicate.Code);
        Assert.Contains("internal error (a bug, not a problem with your input)", duplicate.Err);
        Assert.Equal(FBNetCli.InternalError, Guard(() => Array.Empty<int>().First()).Code);
        // A tensor's own check (here TorchSharp refusing to copy the memory of a transposed, non-contiguous tensor)
        // is fbnet's misuse of TorchSharp, not the user's input.
        var tensor = Guard(() => { using var t = TorchSharp.torch.zeros(2, 3); using var transposed = t.t(); return transposed.bytes.Length; });
        Assert.Equal((FBNetCli.InternalError, true), (tensor.Code, tensor.Err.Contains("non-contiguous")));
        Assert.Equal(3, FBNetCli.InternalError); // documented in the README
    }
}

public class CliSearchTests
{
    [Fact]
    public void Search_on_a_tiny_folder_succeeds_under_its_budget_and_writes_every_result()
    {
        using var temp = new TempDirectory();
        string data = Fbnet.ShapesFolder(temp.Folder("shapes"), perClass: 8);
        string output = Path.Combine(temp.Path, "run");
        var r = Fbnet.Run("search", "--data", data, "--out", output, "--preset", "Compact", "--size", "28", "--budget-mflops", "1.5",
            "--search-epochs", "1", "--epochs", "1", "--batch-size", "16", "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        using var json = JsonDocument.Parse(r.Out);
        var root = json.RootElement;
        Assert.Equal("search", root.GetProperty("command").GetString());
        var arch = FBNetV2.MLNet.Architecture.FBNetArchitecture.Parse(root.GetProperty("architecture").GetString()!);
        Assert.True(arch.Flops <= 1.5e6, $"{arch.Flops} multiply-adds > the 1.5 M budget");
        Assert.Equal(arch.Flops / 1e6, root.GetProperty("mflops").GetDouble(), 6);
        foreach (var f in new[] { "model.zip", "model.onnx", "architecture.json", "metrics.json", "report/report.html" })
            Assert.True(File.Exists(Path.Combine(output, f)), f);
        // metrics.json lists the candidates in ranking order with the accuracies that ranked them: the chosen network
        // first, the proxy-trained ones (the default 3) ahead of the rest, by falling proxy accuracy.
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")));
        var candidates = metrics.RootElement.GetProperty("candidates").EnumerateArray().ToArray();
        Assert.Equal(arch.ToString(), candidates[0].GetProperty("architecture").GetString());
        var proxy = candidates.TakeWhile(c => c.GetProperty("ProxyAccuracy").ValueKind == JsonValueKind.Number).ToArray();
        Assert.Equal(candidates.Length > 1 ? Math.Min(3, candidates.Length) : 0, proxy.Length); // a lone candidate needs no ranking
        Assert.All(candidates.Skip(proxy.Length), c => Assert.Equal(JsonValueKind.Null, c.GetProperty("ProxyAccuracy").ValueKind));
        Assert.All(proxy, c => Assert.True(c.GetProperty("ProxySteps").GetInt32() >= 1));
        var proxyAccuracies = proxy.Select(c => c.GetProperty("ProxyAccuracy").GetDouble()).ToArray();
        Assert.Equal(proxyAccuracies.OrderDescending(), proxyAccuracies);
        var predict = Fbnet.Run("predict", "--model", Path.Combine(output, "model.zip"), Path.Combine(data, "disc", "disc-00.png"));
        Assert.True(predict.ExitCode == 0, predict.ToString());

        // The settings the search ran with: the library's defaults, and the learning rate the default travel (6) gave
        // over the architecture steps the search planned.
        var recipe = metrics.RootElement.GetProperty("searchRecipe");
        Assert.Equal(6, recipe.GetProperty("architectureTravel").GetDouble());
        Assert.Equal(6, recipe.GetProperty("architectureLearningRate").GetDouble() * recipe.GetProperty("architectureSteps").GetInt32(), 9);
        Assert.Equal(3, recipe.GetProperty("proxyCandidates").GetInt32());
        Assert.Equal(4, recipe.GetProperty("sampledCandidates").GetInt32());
        Assert.Equal(0, recipe.GetProperty("architectureWeightDecay").GetDouble());
        Assert.True(recipe.GetProperty("twoSidedCost").GetBoolean());
        Assert.Equal(0, recipe.GetProperty("parameterWeight").GetDouble());
        Assert.Equal(0.5, recipe.GetProperty("finalTemperature").GetDouble());
        Assert.Equal(JsonValueKind.Null, recipe.GetProperty("temperatureDecay").ValueKind);
        Assert.Equal(1, recipe.GetProperty("epochs").GetInt32());
        Assert.Equal(1, recipe.GetProperty("seed").GetInt32());
    }

    [Fact]
    public void Search_options_reach_the_search_and_are_recorded()
    {
        using var temp = new TempDirectory();
        string data = Fbnet.ShapesFolder(temp.Folder("shapes"), perClass: 8);
        string output = Path.Combine(temp.Path, "run");
        // FBNet's own settings (arch weight decay 5e-4, one-sided cost, temperature x0.956 per epoch, learning rate
        // 0.01, no entropy term), two search epochs so that the architecture moves in one, and a ranking narrowed to
        // one sampled candidate and 2 proxied.
        var r = Fbnet.Run("search", "--data", data, "--out", output, "--preset", "Compact", "--size", "28", "--budget-mflops", "1.5",
            "--search-epochs", "2", "--search-warmup-epochs", "1", "--epochs", "1", "--batch-size", "16", "--json",
            "--arch-learning-rate", "0.01", "--arch-weight-decay", "0.0005", "--one-sided-cost", "--temperature-decay", "0.956", "--entropy-weight", "0",
            "--cost-alpha", "0.3", "--cost-beta", "0.5", "--initial-temperature", "4", "--sampled-candidates", "1", "--proxy-candidates", "2", "--global-arch-moment", "--param-weight", "0.3");
        Assert.True(r.ExitCode == 0, r.ToString());
        using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "metrics.json")));
        var recipe = metrics.RootElement.GetProperty("searchRecipe");
        Assert.Equal(2, recipe.GetProperty("epochs").GetInt32());
        Assert.Equal(1, recipe.GetProperty("warmupEpochs").GetInt32());
        Assert.Equal(0.01, recipe.GetProperty("architectureLearningRate").GetDouble());
        Assert.Equal(JsonValueKind.Null, recipe.GetProperty("architectureTravel").ValueKind); // a given rate is not sized by a travel
        Assert.Equal(0.0005, recipe.GetProperty("architectureWeightDecay").GetDouble());
        Assert.False(recipe.GetProperty("twoSidedCost").GetBoolean());
        Assert.Equal(0.956, recipe.GetProperty("temperatureDecay").GetDouble());
        Assert.Equal(JsonValueKind.Null, recipe.GetProperty("finalTemperature").ValueKind); // the decay is the schedule
        Assert.Equal(0, recipe.GetProperty("entropyWeight").GetDouble());
        Assert.Equal(0.3, recipe.GetProperty("costAlpha").GetDouble());
        Assert.Equal(0.5, recipe.GetProperty("costBeta").GetDouble());
        Assert.Equal(4, recipe.GetProperty("initialTemperature").GetDouble());
        Assert.True(recipe.GetProperty("globalArchitectureSecondMoment").GetBoolean());
        Assert.Equal(0.3, recipe.GetProperty("parameterWeight").GetDouble());
        Assert.Equal(2, recipe.GetProperty("proxyCandidates").GetInt32());
        // What the ranking did with them: the argmax and one sample at most, and no more than 2 proxy-trained.
        var candidates = metrics.RootElement.GetProperty("candidates").EnumerateArray().ToArray();
        Assert.InRange(candidates.Length, 1, 2);
        Assert.True(candidates.Count(c => c.GetProperty("ProxyAccuracy").ValueKind == JsonValueKind.Number) <= 2);
        // The temperatures the search reported follow FBNet's schedule: 4 in epoch 1, 4 x 0.956 in epoch 2.
        Assert.Contains("tau 4.000", r.Err);
        Assert.Contains("tau 3.824", r.Err);
        string html = File.ReadAllText(Path.Combine(output, "report", "report.html"));
        Assert.Contains("<h2>Search settings</h2>", html);
        Assert.Contains("<tr><th>temperatureDecay</th><td>0.956</td></tr>", html);
    }

    [Fact]
    public void A_search_run_again_with_its_workspace_resumes_and_refuses_other_options()
    {
        using var temp = new TempDirectory();
        string data = Fbnet.ShapesFolder(temp.Folder("shapes"), perClass: 8);
        string workspace = Path.Combine(temp.Path, "workspace");
        string[] SearchIn(string folder, string output, params string[] extra) => ["search", "--data", data, "--out", Path.Combine(temp.Path, output), "--preset", "Compact",
            "--size", "28", "--budget-mflops", "1.5", "--search-epochs", "2", "--epochs", "1", "--batch-size", "16", "--json", "--workspace", folder, .. extra];
        string[] Search(string output, params string[] extra) => SearchIn(workspace, output, extra);
        var first = Fbnet.Run(Search("first"));
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.DoesNotContain("resuming the search", first.Err);
        Assert.True(File.Exists(Path.Combine(workspace, FBNetV2.MLNet.Search.SearchCheckpoint.FileName)), "no checkpoint in --workspace");

        // Both epochs are in the checkpoint: the second run says so, runs no search epoch, and derives the same network
        // from the same distribution.
        var again = Fbnet.Run(Search("again"));
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("resuming the search from the checkpoint in " + workspace + ": 2 of 2 epochs were done.", again.Err);
        Assert.DoesNotContain("search 2/2", again.Err);
        using (var a = JsonDocument.Parse(first.Out))
        using (var b = JsonDocument.Parse(again.Out))
            Assert.Equal(a.RootElement.GetProperty("architecture").GetString(), b.RootElement.GetProperty("architecture").GetString());

        // Another search setting with the same workspace: refused with the difference named, not resumed as if it were the same search.
        var other = Fbnet.Run(Search("other", "--arch-travel", "9"));
        Assert.Equal(FBNetCli.Failure, other.ExitCode);
        Assert.Contains("belongs to another search (ArchitectureTravel 6 -> 9)", other.Err);
        Assert.Contains("--workspace", other.Err);

        var file = Fbnet.Run(SearchIn(Path.Combine(data, "disc", "disc-00.png"), "file"));
        Assert.Equal(FBNetCli.Failure, file.ExitCode);
        Assert.Contains("is a file; expected a folder for the search checkpoint", file.Err);
    }
}
