using System.Text.Json;
using FBNetV2.MLNet.Network;
using FBNetV2.MLNet.Training;
using TorchSharp.Modules;

namespace FBNetV2.MLNet.Search;

/// <summary>
/// Per-epoch search state: supernet weights and logits, both optimizers, and the history. Written to a temporary file
/// and renamed over the old one, so a crash while writing leaves the previous checkpoint intact.
/// </summary>
internal static class SearchCheckpoint
{
    private const string Magic = "FBNetV2.MLNet search checkpoint v2";
    public const string FileName = "search.ckpt";

    public static void Save(string directory, IReadOnlyList<(string Name, string Value)> identity, int epochsDone, Supernet net, ScalarSafeSgd weights, Adam architecture,
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
                writer.Write(Format(identity));
                writer.Write(epochsDone);
                writer.Write(JsonSerializer.Serialize(history));
                writer.Write(JsonSerializer.Serialize(distributions));
                // TorchSharp writes a tensor's memory as it lies and refuses a non-contiguous one ("Bytes() called on
                // non-contiguous tensor"). In channels-last strides a k x k kernel over more than one input channel
                // is not contiguous (the stem of an RGB supernet, and its momentum), so every RGB search with a
                // checkpoint failed after its first epoch; those tensors are written contiguous and put back after.
                ChannelsLast.WhileContiguous(LaidOutTensors(net, weights), () =>
                {
                    net.save(writer);
                    weights.save_state_dict(writer);
                });
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
                "Free disk space or choose another checkpoint folder (WorkspacePath, fbnet search --workspace).", e);
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
            throw new IOException($"The search checkpoint folder '{directory}' (WorkspacePath, fbnet search --workspace) cannot be written ({e.Message}). " +
                "Choose a folder you can write to, or set it to null to search without a checkpoint.", e);
        }
    }

    /// <summary>Loads the checkpoint into the given objects; returns the number of finished epochs, or 0 when there is none.</summary>
    public static int TryLoad(string directory, IReadOnlyList<(string Name, string Value)> identity, Supernet net, ScalarSafeSgd weights, Adam architecture,
        List<SearchProgress> history, List<IReadOnlyList<DecisionDistribution>> distributions)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return 0;
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new BinaryReader(stream);
            string magic = reader.ReadString();
            if (magic.StartsWith("FBNetV2.MLNet search checkpoint", StringComparison.Ordinal) && magic != Magic)
                throw new InvalidOperationException($"The checkpoint {path} was written by another version of FBNetV2.MLNet ('{magic}'). " +
                    "Use another checkpoint folder (WorkspacePath, fbnet search --workspace) or delete the file to start over.");
            if (magic != Magic) throw new InvalidDataException("not a search checkpoint");
            string found = reader.ReadString();
            if (found != Format(identity))
            {
                var saved = Parse(found);
                var differences = identity.Where(p => !saved.TryGetValue(p.Name, out var v) || v != p.Value)
                    .Select(p => $"{p.Name} {(saved.TryGetValue(p.Name, out var v) ? v : "(absent)")} -> {p.Value}")
                    // An entry the checkpoint has and this search does not (an option since removed) is a difference
                    // too; without it the message named none.
                    .Concat(saved.Keys.Where(k => identity.All(p => p.Name != k)).Select(k => $"{k} {saved[k]} -> (absent)")).ToList();
                throw new InvalidOperationException($"The checkpoint {path} belongs to another search ({string.Join(", ", differences)}). " +
                    "Resume with the options it was written with, or use another checkpoint folder (WorkspacePath, fbnet search --workspace) or delete the file to start over.");
            }
            int epochs = reader.ReadInt32();
            history.AddRange(JsonSerializer.Deserialize<List<SearchProgress>>(reader.ReadString())!);
            distributions.AddRange(JsonSerializer.Deserialize<List<List<DecisionDistribution>>>(reader.ReadString())!);
            // Read into contiguous tensors, as Save wrote them (TorchSharp reads into a tensor's memory as it lies).
            ChannelsLast.WhileContiguous(LaidOutTensors(net, weights), () =>
            {
                net.load(reader);
                weights.load_state_dict(reader);
            });
            architecture.load_state_dict(reader);
            return epochs;
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or IOException or JsonException or ArgumentException or FormatException or OverflowException)
        {
            throw new InvalidDataException($"The search checkpoint {path} is damaged ({e.Message}). Delete it to start the search over.", e);
        }
    }

    /// <summary>
    /// The learned distributions of a checkpoint, one list per finished epoch, without the supernet: for looking at what a
    /// search learned (for example how likely it found a given network) without building the supernet it came from.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<DecisionDistribution>> ReadDistributions(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"There is no search checkpoint in '{directory}' ({FileName}); give the folder a search wrote with its checkpoint option.", path);
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new BinaryReader(stream);
            string magic = reader.ReadString();
            if (magic != Magic) throw new InvalidDataException($"not a search checkpoint of this version ('{magic}')");
            reader.ReadString(); // identity
            reader.ReadInt32(); // finished epochs
            reader.ReadString(); // history
            return JsonSerializer.Deserialize<List<List<DecisionDistribution>>>(reader.ReadString())!;
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or IOException or JsonException or ArgumentException)
        {
            throw new InvalidDataException($"The search checkpoint {path} cannot be read ({e.Message}).", e);
        }
    }

    /// <summary>The tensors Save writes and TryLoad reads in their memory order: the supernet's parameters and buffers and the weights' momentum.</summary>
    private static IEnumerable<TorchSharp.torch.Tensor> LaidOutTensors(Supernet net, ScalarSafeSgd weights) =>
        net.parameters().Cast<TorchSharp.torch.Tensor>().Concat(net.buffers()).Concat(weights.MomentumBuffers());

    private static string Format(IReadOnlyList<(string Name, string Value)> identity) => string.Join("\n", identity.Select(p => $"{p.Name}={p.Value}"));

    private static Dictionary<string, string> Parse(string text) =>
        text.Split('\n').Select(l => l.Split('=', 2)).Where(p => p.Length == 2).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.First()[1]);
}
