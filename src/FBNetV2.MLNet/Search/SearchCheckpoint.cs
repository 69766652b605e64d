using System.Text.Json;
using TorchSharp.Modules;

namespace FBNetV2.MLNet.Search;

/// <summary>
/// Per-epoch search state: supernet weights and logits, both optimizers, and the history. Written to a temporary file
/// and renamed over the old one, so a crash while writing leaves the previous checkpoint intact.
/// </summary>
internal static class SearchCheckpoint
{
    private const string Magic = "FBNetV2.MLNet search checkpoint v1";
    public const string FileName = "search.ckpt";

    public static void Save(string directory, string fingerprint, int epochsDone, Supernet net, SGD weights, Adam architecture,
        IReadOnlyList<SearchProgress> history, IReadOnlyList<IReadOnlyList<DecisionDistribution>> distributions)
    {
        string path = Path.Combine(directory, FileName), temp = path + ".tmp";
        try
        {
            Directory.CreateDirectory(directory);
            // File.Create truncates a stale .tmp that a killed writer left; search.ckpt itself is only ever replaced by the rename.
            using (var stream = File.Create(temp))
            using (var writer = new BinaryWriter(stream))
            {
                writer.Write(Magic);
                writer.Write(fingerprint);
                writer.Write(epochsDone);
                writer.Write(JsonSerializer.Serialize(history));
                writer.Write(JsonSerializer.Serialize(distributions));
                net.save(writer);
                weights.save_state_dict(writer);
                architecture.save_state_dict(writer);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { } // the original error matters more
            throw new IOException($"Could not write the search checkpoint for epoch {epochsDone} to '{path}' ({e.Message}). " +
                (File.Exists(path) ? "The previous checkpoint is kept and a new run resumes from it. " : "") +
                "Free disk space or choose another CheckpointDirectory / WorkspacePath.", e);
        }
    }

    /// <summary>
    /// Creates the folder and checks that a file can be written in it, so that a read-only or impossible folder is
    /// reported before the first epoch rather than after it.
    /// </summary>
    public static void EnsureWritable(string directory)
    {
        string probe = Path.Combine(directory, $".{FileName}.write-test");
        try
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new IOException($"The search checkpoint folder '{directory}' (CheckpointDirectory / WorkspacePath) cannot be written ({e.Message}). " +
                "Choose a folder you can write to, or set it to null to search without a checkpoint.", e);
        }
    }

    /// <summary>Loads the checkpoint into the given objects; returns the number of finished epochs, or 0 when there is none.</summary>
    public static int TryLoad(string directory, string fingerprint, Supernet net, SGD weights, Adam architecture,
        List<SearchProgress> history, List<IReadOnlyList<DecisionDistribution>> distributions)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return 0;
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new BinaryReader(stream);
            if (reader.ReadString() != Magic) throw new InvalidDataException("not a search checkpoint");
            string found = reader.ReadString();
            if (found != fingerprint)
                throw new InvalidOperationException($"The checkpoint {path} belongs to another search (different space, data, seed or options). " +
                    "Use another CheckpointDirectory or delete the file to start over.");
            int epochs = reader.ReadInt32();
            history.AddRange(JsonSerializer.Deserialize<List<SearchProgress>>(reader.ReadString())!);
            distributions.AddRange(JsonSerializer.Deserialize<List<List<DecisionDistribution>>>(reader.ReadString())!);
            net.load(reader);
            weights.load_state_dict(reader);
            architecture.load_state_dict(reader);
            return epochs;
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or IOException or JsonException or ArgumentException or FormatException or OverflowException)
        {
            throw new InvalidDataException($"The search checkpoint {path} is damaged ({e.Message}). Delete it to start the search over.", e);
        }
    }
}
