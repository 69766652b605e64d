using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace FBNetV2.MLNet.Cli;

/// <summary>
/// A model.zip written by an fbnet run (or by any pipeline ending in TrainFBNet / SearchFBNet that starts from an
/// ImagePath text column): the loaded transformer, the class names in score order, and the ONNX model inside.
/// </summary>
internal sealed class ModelFile : IDisposable
{
    public const string ImagePathColumn = "ImagePath";
    public const string LabelColumn = "Label";
    public const string ScoreColumn = "Score";
    public const string PredictedLabelColumn = "PredictedLabel";

    /// <summary>The OnnxTransformer keeps its model bytes in this zip entry (under its transformer's folder).</summary>
    private const string OnnxEntryName = "OnnxModel";

    private ModelFile(string path, ITransformer transformer, DataViewSchema inputSchema, IReadOnlyList<string> classNames)
    {
        Path = path;
        Transformer = transformer;
        InputSchema = inputSchema;
        ClassNames = classNames;
    }

    public string Path { get; }
    public ITransformer Transformer { get; }
    public DataViewSchema InputSchema { get; }

    /// <summary>Score[i] belongs to ClassNames[i].</summary>
    public IReadOnlyList<string> ClassNames { get; }

    public static ModelFile Load(MLContext ml, string path)
    {
        string full = RequireZip(path);
        using (var zip = OpenZip(full))
        {
            if (FindOnnxEntries(zip).Count == 0)
                throw NotAModel(path, "it holds no ONNX model");
        }
        ITransformer transformer;
        DataViewSchema input;
        try { transformer = ml.Model.Load(full, out input); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw NotAModel(path, $"ML.NET could not load it: {e.Message}");
        }
        try
        {
            if (input.GetColumnOrNull(ImagePathColumn)?.Type is not TextDataViewType)
                throw NotAModel(path, $"its pipeline does not start from an '{ImagePathColumn}' text column");
            DataViewSchema output;
            try { output = transformer.GetOutputSchema(input); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw NotAModel(path, $"its pipeline cannot run: {e.Message}");
            }
            if (output.GetColumnOrNull(ScoreColumn)?.Type is not VectorDataViewType { ItemType: NumberDataViewType } scoreType || scoreType.Size == 0)
                throw NotAModel(path, $"it writes no '{ScoreColumn}' vector");
            var names = ReadClassNames(output, scoreType.Size)
                ?? throw NotAModel(path, $"neither its '{ScoreColumn}' slot names nor its '{LabelColumn}' key values name the {scoreType.Size} classes");
            return new ModelFile(path, transformer, input, names);
        }
        catch
        {
            (transformer as IDisposable)?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Class names in score order: the Score column's SlotNames when a trainer attached them, else the key values of the
    /// label column (MapValueToKey before the trainer), whose key order is the score order.
    /// </summary>
    private static string[]? ReadClassNames(DataViewSchema output, int classes)
    {
        var score = output[ScoreColumn];
        if (score.HasSlotNames())
        {
            VBuffer<ReadOnlyMemory<char>> slots = default;
            score.GetSlotNames(ref slots);
            var names = slots.DenseValues().Select(s => s.ToString()).ToArray();
            if (names.Length == classes && names.All(n => n.Length > 0)) return names;
        }
        if (output.GetColumnOrNull(LabelColumn) is { } label && label.HasKeyValues())
        {
            VBuffer<ReadOnlyMemory<char>> keys = default;
            label.GetKeyValues(ref keys);
            var names = keys.DenseValues().Select(s => s.ToString()).ToArray();
            if (names.Length == classes) return names;
        }
        return null;
    }

    /// <summary>The ONNX model bytes stored inside a model.zip (the single-row graph ML.NET scores with).</summary>
    public static byte[] ExtractOnnx(string path)
    {
        string full = RequireZip(path);
        using var zip = OpenZip(full);
        var entries = FindOnnxEntries(zip);
        if (entries.Count == 0) throw NotAModel(path, "it holds no ONNX model");
        if (entries.Count > 1)
            throw new CliInputException($"'{path}' holds {entries.Count} ONNX models ({string.Join(", ", entries.Select(e => e.FullName))}); an FBNet model has one. Export from the run folder instead.");
        using var stream = entries[0].Open();
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        var bytes = memory.ToArray();
        // ML.NET writes the array with an Int32 length prefix.
        if (bytes.Length >= 4 && BitConverter.ToInt32(bytes, 0) == bytes.Length - 4) return bytes[4..];
        throw NotAModel(path, $"its entry '{entries[0].FullName}' is not in the layout ML.NET writes");
    }

    private static List<ZipArchiveEntry> FindOnnxEntries(ZipArchive zip) =>
        zip.Entries.Where(e => e.Name == OnnxEntryName || e.Name.EndsWith("/" + OnnxEntryName, StringComparison.Ordinal)).ToList();

    private static string RequireZip(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new CliInputException($"--model '{path}' is a folder; expected the model.zip an fbnet run wrote, e.g. '{System.IO.Path.Combine(path, "model.zip")}'.");
        if (!File.Exists(full))
            throw new CliInputException($"--model file '{path}' does not exist; expected the model.zip an fbnet run wrote.");
        return full;
    }

    private static ZipArchive OpenZip(string full)
    {
        try { return ZipFile.OpenRead(full); }
        catch (InvalidDataException) { throw NotAModel(full, "it is not a zip file"); }
        catch (UnauthorizedAccessException e) { throw new CliInputException($"--model '{full}' cannot be read ({e.Message})."); }
    }

    private static CliInputException NotAModel(string path, string why) =>
        new($"'{path}' is not an FBNet model: {why}. Pass the model.zip that 'fbnet search' or 'fbnet train' wrote.");

    public void Dispose() => (Transformer as IDisposable)?.Dispose();
}
