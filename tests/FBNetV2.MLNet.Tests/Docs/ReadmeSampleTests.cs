using Xunit;

namespace FBNetV2.MLNet.Tests.Docs;

public class ReadmeSampleTests
{
    [Fact]
    public void ReadmeShowsTheCompiledImageFolderPipelineVerbatim()
    {
        // examples/ImageFolder is built with the solution, so the README's code compiles as long as it matches.
        string example = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "examples", "ImageFolder", "Program.cs"));
        string readme = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "README.md"));
        int start = example.IndexOf("// <readme>", StringComparison.Ordinal), end = example.IndexOf("// </readme>", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "examples/ImageFolder/Program.cs lost its <readme> markers");
        string region = example[(example.IndexOf('\n', start) + 1)..end].Trim();
        Assert.Contains(region.ReplaceLineEndings("\n"), readme.ReplaceLineEndings("\n"));
    }
}
