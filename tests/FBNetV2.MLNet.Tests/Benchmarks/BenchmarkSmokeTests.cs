using System.Diagnostics;
using Xunit;

namespace FBNetV2.MLNet.Tests.Benchmarks;

/// <summary>
/// Runs documented benchmark commands on a tiny setting through the Benchmarks app host (what `dotnet run --project
/// examples/Benchmarks` starts), so that a command that cannot run from the docs fails here rather than on a reader's
/// machine.
/// </summary>
public class BenchmarkSmokeTests
{
    [Fact]
    public void Scaling_runs_its_child_processes_under_the_app_host()
    {
        // Under `dotnet run` the process is the app host, not dotnet: the children must be started as the app itself
        // (the bug was a dll path passed as the command, and every row NaN).
        var (code, output) = Run("scaling", "--resolution-options", "2", "--channel-options", "2", "--steps", "1");
        Assert.True(code == 0, output);
        var row = output.Split('\n').Single(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s*2\s+2\s*\|"));
        Assert.DoesNotContain("NaN", output);
        var numbers = row.Split([' ', '|'], StringSplitOptions.RemoveEmptyEntries).Skip(2).Select(double.Parse).ToArray();
        Assert.Equal(10, numbers.Length); // plain ms, MB; masked ms, MB, x time, x mem; explicit ms, MB, x time, x mem
        Assert.All(numbers, n => Assert.True(n > 0 && double.IsFinite(n), row));
    }

    internal static (int ExitCode, string Output) Run(params string[] args)
    {
        var own = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string host = Path.Combine(TestPaths.RepositoryRoot, "examples", "Benchmarks", "bin", own.Parent!.Name, own.Name,
            OperatingSystem.IsWindows() ? "Benchmarks.exe" : "Benchmarks");
        Assert.True(File.Exists(host), $"'{host}' is missing; the test project builds it through its ProjectReference.");
        var psi = new ProcessStartInfo(host, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3))) { p.Kill(entireProcessTree: true); Assert.Fail($"{string.Join(' ', args)} still running after 3 minutes"); }
        return (p.ExitCode, output + err.Result);
    }
}
