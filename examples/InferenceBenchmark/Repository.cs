internal static class Repository
{
    /// <summary>The checkout this program was built in: the committed sample lives there.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FBNetV2.MLNet.sln"))) return dir.FullName;
        throw new InvalidOperationException("Run from inside the repository: the benchmark reads examples/FashionMnist/data/sample.");
    }
}
