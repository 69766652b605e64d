using Xunit;
using System.Diagnostics;
using System.Text.Json;

namespace FBNetV2.MLNet.Tests.MLNet;

/// <summary>
/// Loads the saved zip in a separate process that references only ML.NET, its image and ONNX transformers and ONNX
/// Runtime (tests/FBNetV2.MLNet.ScoringProbe, built with the tests), and expects the training process's scores.
/// </summary>
[Collection(nameof(FashionPipelineCollection))]
public sealed class ScoringProbeTests(FashionPipelineFixture f)
{
    [Fact]
    public async Task Separate_process_without_TorchSharp_scores_identically()
    {
        string probe = ProbeAssembly();
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(probe)!, "TorchSharp.dll")), "the probe must not ship TorchSharp");
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(probe)!, "FBNetV2.MLNet.dll")), "the probe must not ship this library");

        using var dir = new TempDirectory();
        string zip = Path.Combine(dir.Path, "model.zip");
        f.Ml.Model.Save(f.Model, f.Test.Schema, zip);
        var images = f.TestImages.Where((_, i) => i % 30 == 0).Select(t => t.ImagePath).ToArray();

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { probe, zip }.Concat(images)) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "probe timed out");
        Assert.True(process.ExitCode == 0, $"probe exited with {process.ExitCode}: {await stderr}");

        var probed = JsonSerializer.Deserialize<List<FBNetPipelineTests.ImagePrediction>>(await stdout)!;
        var expected = FBNetPipelineTests.Scores(f.Ml, f.Model.Transform(f.Test))
            .ToDictionary(p => p.ImagePath);
        Assert.Equal(images.Length, probed.Count);
        foreach (var p in probed)
        {
            Assert.Equal(expected[p.ImagePath].PredictedLabel, p.PredictedLabel);
            Assert.Equal(expected[p.ImagePath].Score, p.Score);
        }
    }

    /// <summary>tests/FBNetV2.MLNet.ScoringProbe/bin/&lt;configuration&gt;/&lt;tfm&gt;/, mirroring this assembly's folder.</summary>
    private static string ProbeAssembly()
    {
        var own = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string path = Path.Combine(TestPaths.RepositoryRoot, "tests", "FBNetV2.MLNet.ScoringProbe", "bin", own.Parent!.Name, own.Name, "FBNetV2.MLNet.ScoringProbe.dll");
        Assert.True(File.Exists(path), $"'{path}' is missing; the test project builds it through its ProjectReference.");
        return path;
    }
}
