using System.Text.Json;
using FBNetV2.MLNet.Cli;
using FBNetV2.MLNet.Latency;
using FBNetV2.MLNet.Search;
using Xunit;

namespace FBNetV2.MLNet.Tests.Cli;

/// <summary><c>fbnet profile</c> and the latency options of <c>fbnet search</c>.</summary>
public sealed class CliProfileTests
{
    [Fact]
    public void Profile_builds_a_table_that_covers_the_space_then_reuses_it_and_refuses_a_foreign_one()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "latency.json");
        string[] args = ["profile", "--size", "16", "--preset", "Compact", "--latency-table", path, "--repeats", "2", "--rounds", "1", "--grid-points", "2"];
        var r = Fbnet.Run([.. args, "--json"]);
        Assert.True(r.ExitCode == FBNetCli.Success, r.ToString());
        Assert.Contains("latency profile", r.Err); // progress on stderr with --json
        var summary = JsonDocument.Parse(r.Out).RootElement;
        var table = LatencyTable.Load(path);
        Assert.Equal(table.Families.Count, summary.GetProperty("families").GetInt32());
        Assert.Empty(LatencyProfiler.Uncovered(table, SearchSpace.Compact(1, 16, 10)));

        var again = Fbnet.Run(args);
        Assert.True(again.ExitCode == FBNetCli.Success, again.ToString());
        Assert.DoesNotContain("latency profile", again.Out); // nothing left to measure
        Assert.Contains($"{table.Families.Count} layer families", again.Out);

        var threads = Fbnet.Run([.. args, "--latency-threads", "2"]);
        Assert.Equal(FBNetCli.Failure, threads.ExitCode);
        Assert.Contains("threads is '1' in the table but '2' here", threads.Err);
        Assert.Contains("--rebuild", threads.Err);
    }

    [Fact]
    public void Search_takes_one_budget_only()
    {
        using var dir = new TempDirectory();
        var r = Fbnet.Run("search", "--data", dir.Folder("data"), "--out", Path.Combine(dir.Path, "out"), "--budget-mflops", "3", "--budget-ms", "0.2");
        Assert.Equal(FBNetCli.Failure, r.ExitCode);
        Assert.Contains("--budget-mflops and --budget-ms", r.Err);
    }

    [Fact]
    public void Profile_rejects_a_folder_as_table_and_bad_numbers()
    {
        using var dir = new TempDirectory();
        var folder = Fbnet.Run("profile", "--latency-table", dir.Path);
        Assert.Equal(FBNetCli.Failure, folder.ExitCode);
        Assert.Contains("is a folder", folder.Err);
        var rounds = Fbnet.Run("profile", "--rounds", "0");
        Assert.Equal(FBNetCli.UsageError, rounds.ExitCode);
        Assert.Contains("--rounds must be from 1", rounds.Err);
    }
}
