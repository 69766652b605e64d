namespace FBNetV2.MLNet.Runs;

/// <summary>The files a run writes, and the rule that results already there are never overwritten unless asked.</summary>
internal static class RunArtifacts
{
    public const string ModelZip = "model.zip";
    public const string ModelOnnx = "model.onnx";
    public const string ArchitectureJson = "architecture.json";
    public const string MetricsJson = "metrics.json";
    public const string ReportFolder = "report";

    public static readonly string[] All = [ModelZip, ModelOnnx, ArchitectureJson, MetricsJson, ReportFolder];

    /// <summary>Creates the folder, or checks that it holds no earlier results unless <paramref name="force"/> is set.</summary>
    public static void Prepare(string directory, bool force)
    {
        var existing = All.Where(name => File.Exists(Path.Combine(directory, name)) || Directory.Exists(Path.Combine(directory, name))).ToList();
        if (existing.Count > 0 && !force)
            throw new IOException($"Output folder '{directory}' already holds results ({string.Join(", ", existing)}). Choose another folder or pass --force to replace them.");
        // Probe that the folder can be created and written now rather than after an hour of training.
        string probe = Path.Combine(directory, ".fbnet-write-test");
        try { Directory.CreateDirectory(directory); File.WriteAllText(probe, ""); File.Delete(probe); }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new IOException($"Output folder '{directory}' is not writable ({e.Message}). Choose a folder you can write to.", e);
        }
    }

    /// <summary>
    /// Writes through a temporary file in the same folder, so a crash leaves either the old file or the new one; a
    /// write that fails (a full disk) takes its partial temporary file away with it.
    /// </summary>
    public static void WriteAtomically(string path, Action<string> write)
    {
        string temp = path + ".tmp";
        try
        {
            write(temp);
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }
}
