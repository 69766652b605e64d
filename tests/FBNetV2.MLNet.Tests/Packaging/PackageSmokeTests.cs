using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace FBNetV2.MLNet.Tests.Packaging;

/// <summary>Runs only with FBNET_PACKAGE_SMOKE=1; otherwise the test shows as skipped with the reason.</summary>
public sealed class PackageSmokeFactAttribute : FactAttribute
{
    public PackageSmokeFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("FBNET_PACKAGE_SMOKE") != "1")
            Skip = "Package smoke test not run: set FBNET_PACKAGE_SMOKE=1 to run tests/PackageSmoke/run.sh " +
                   "(packs FBNetV2.MLNet and the fbnet tool, builds a fresh console app from the packages, installs the tool; about 2 minutes, ~1 GB of temp disk).";
    }
}

public sealed class PackageSmokeTests(ITestOutputHelper output)
{
    [PackageSmokeFact]
    public void Packages_work_when_consumed_from_a_local_feed()
    {
        string script = Path.Combine(TestPaths.RepositoryRoot, "tests", "PackageSmoke", "run.sh");
        var start = new ProcessStartInfo("bash", [script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = TestPaths.RepositoryRoot,
        };
        // The script runs its own dotnet builds; the test host's MSBuild variables must not leak into them.
        foreach (var name in new[] { "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildExtensionsPath", "DOTNET_HOST_PATH" })
            start.Environment.Remove(name);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue("stderr: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool exited = process.WaitForExit(TimeSpan.FromMinutes(10));
        if (!exited) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        foreach (var line in lines) output.WriteLine(line);
        output.WriteLine($"tests/PackageSmoke/run.sh took {clock.Elapsed.TotalSeconds:F0} s");
        Assert.True(exited, "tests/PackageSmoke/run.sh ran over 10 minutes");
        Assert.True(process.ExitCode == 0, $"tests/PackageSmoke/run.sh exited {process.ExitCode}:\n{string.Join("\n", lines.TakeLast(40))}");
    }
}
