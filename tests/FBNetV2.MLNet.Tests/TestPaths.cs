namespace FBNetV2.MLNet.Tests;

/// <summary>Paths of repository files, found from the test binaries so that tests run from any working directory.</summary>
internal static class TestPaths
{
    private static readonly Lazy<string> Root = new(FindRepositoryRoot);

    /// <summary>The folder holding FBNetV2.MLNet.sln.</summary>
    public static string RepositoryRoot => Root.Value;

    /// <summary>The committed Fashion-MNIST sample (train/ and test/ class folders).</summary>
    public static string FashionMnistSample => Path.Combine(RepositoryRoot, "examples", "FashionMnist", "data", "sample");

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FBNetV2.MLNet.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"No folder above '{AppContext.BaseDirectory}' holds FBNetV2.MLNet.sln.");
    }
}
