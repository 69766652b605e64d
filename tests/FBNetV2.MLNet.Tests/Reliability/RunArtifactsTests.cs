using FBNetV2.MLNet.Runs;
using Xunit;

namespace FBNetV2.MLNet.Tests.Reliability;

/// <summary>A run's files are replaced whole or not at all.</summary>
public class RunArtifactsTests
{
    [Fact]
    public void A_failed_write_keeps_the_old_file_and_leaves_no_partial_one()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, RunArtifacts.MetricsJson);
        File.WriteAllText(path, "earlier results");
        var e = Assert.Throws<IOException>(() => RunArtifacts.WriteAtomically(path, p =>
        {
            File.WriteAllText(p, "half of the new res"); // as a full disk would leave it
            throw new IOException("No space left on device");
        }));
        Assert.Equal("No space left on device", e.Message);
        Assert.Equal("earlier results", File.ReadAllText(path));
        Assert.Equal([RunArtifacts.MetricsJson], Directory.GetFiles(dir.Path).Select(f => Path.GetFileName(f)).ToArray());

        RunArtifacts.WriteAtomically(path, p => File.WriteAllText(p, "new results"));
        Assert.Equal("new results", File.ReadAllText(path));
        Assert.Equal([RunArtifacts.MetricsJson], Directory.GetFiles(dir.Path).Select(f => Path.GetFileName(f)).ToArray());
    }
}
