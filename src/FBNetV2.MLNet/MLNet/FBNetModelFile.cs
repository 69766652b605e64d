using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace FBNetV2.MLNet;

/// <summary>
/// Loads a saved model zip (what <c>mlContext.Model.Save</c> or a run's model.zip holds) with errors that name the file
/// and say what to do, where ML.NET reports a missing or damaged zip in terms of its own internals.
/// </summary>
public static class FBNetModelFile
{
    /// <summary>
    /// <c>mlContext.Model.Load</c> with checks first: the file must exist and be a whole zip, and a failure to load is
    /// reported as what it is (a damaged file, or a package the app does not reference).
    /// </summary>
    /// <param name="mlContext">The context to load into.</param>
    /// <param name="path">A model.zip written by a run or by <c>mlContext.Model.Save</c>.</param>
    /// <param name="inputSchema">The schema the pipeline was saved with (its ImagePath and Label columns, for a run's model).</param>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a complete ML.NET model zip (truncated, damaged or another kind of file).</exception>
    /// <exception cref="InvalidOperationException">The zip is whole but a component it names cannot be loaded in this app (a package is not referenced).</exception>
    /// <remarks>
    /// Damage is reported only where it is real: the zip's own structure and checksums are verified first, by reading
    /// every entry. A whole zip that ML.NET then cannot load either names a component this app lacks (a missing
    /// assembly or loader; the fix is a package reference, not a new copy of the file) or has contents ML.NET rejects
    /// as malformed. Anything else (a bug, out of memory) is passed on unchanged, never relabelled as a damaged file.
    /// </remarks>
    public static ITransformer Load(MLContext mlContext, string path, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Model file '{path}' does not exist. Give the path of a model.zip written by a run or by mlContext.Model.Save.", path);
        VerifyZip(path);
        try
        {
            return mlContext.Model.Load(path, out inputSchema);
        }
        catch (Exception e) when (Unwrap(e) is var cause && IsMissingComponent(cause))
        {
            throw new InvalidOperationException($"Model file '{path}' is a whole ML.NET model zip, but this app cannot load a component it uses " +
                $"({cause.GetType().Name}: {FirstLine(cause.Message)}). Reference Microsoft.ML, Microsoft.ML.ImageAnalytics, " +
                "Microsoft.ML.OnnxTransformer and an ONNX Runtime package.", e);
        }
        catch (Exception e) when (Unwrap(e) is var cause && cause is FormatException or InvalidDataException or EndOfStreamException)
        {
            throw Damaged(path, $"ML.NET rejects its contents: {cause.GetType().Name}: {FirstLine(cause.Message)}", e);
        }
    }

    /// <summary>
    /// The ONNX model inside a model.zip saved from an FBNet pipeline (the single-row graph ML.NET scores with).
    /// ML.NET has no public API that returns a loaded OnnxTransformer's model bytes, so this one method reads the entry
    /// OnnxTransformer writes ("OnnxModel": an Int32 length, then the bytes); the layout is checked, never assumed.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a whole zip, or holds no ONNX model, several, or one in another layout.</exception>
    public static byte[] ReadOnnxModel(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Model file '{path}' does not exist. Give the path of a model.zip written by a run or by mlContext.Model.Save.", path);
        VerifyZip(path);
        using var zip = ZipFile.OpenRead(path);
        var entries = zip.Entries.Where(e => e.Name == OnnxEntryName).ToList();
        if (entries.Count == 0)
            throw new InvalidDataException($"Model file '{path}' holds no ONNX model; an FBNet model.zip holds one. Pass the model.zip that a search or a training wrote.");
        if (entries.Count > 1)
            throw new InvalidDataException($"Model file '{path}' holds {entries.Count} ONNX models ({string.Join(", ", entries.Select(e => e.FullName))}); an FBNet model has one. Export from the run folder instead.");
        using var stream = entries[0].Open();
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        var bytes = memory.ToArray();
        if (bytes.Length >= 4 && BitConverter.ToInt32(bytes, 0) == bytes.Length - 4) return bytes[4..];
        throw new InvalidDataException($"Model file '{path}': its entry '{entries[0].FullName}' is not in the layout ML.NET's OnnxTransformer writes (length-prefixed bytes). Save the model again with this version.");
    }

    /// <summary>
    /// Class names in score order, through ML.NET's public schema API: the score column's slot names when a trainer
    /// attached them, else the key values of <paramref name="labelColumn"/> (MapValueToKey before the trainer), whose
    /// key order is the score order. Null when neither names all <paramref name="classes"/> classes.
    /// </summary>
    public static string[]? ReadClassNames(DataViewSchema output, string scoreColumn, string labelColumn, int classes)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (output.GetColumnOrNull(scoreColumn) is { } score && score.HasSlotNames())
        {
            VBuffer<ReadOnlyMemory<char>> slots = default;
            score.GetSlotNames(ref slots);
            var names = slots.DenseValues().Select(s => s.ToString()).ToArray();
            if (names.Length == classes && names.All(n => n.Length > 0)) return names;
        }
        if (output.GetColumnOrNull(labelColumn) is { } label && label.HasKeyValues())
        {
            VBuffer<ReadOnlyMemory<char>> keys = default;
            label.GetKeyValues(ref keys);
            var names = keys.DenseValues().Select(s => s.ToString()).ToArray();
            if (names.Length == classes) return names;
        }
        return null;
    }

    /// <summary>The zip entry where OnnxTransformer keeps its model bytes (under its transformer's folder).</summary>
    private const string OnnxEntryName = "OnnxModel";

    /// <summary>Reads every entry to its end, so a truncated or corrupted zip is found by the zip reader's own checks.</summary>
    private static void VerifyZip(string path)
    {
        int entries = 0;
        try
        {
            using var zip = ZipFile.OpenRead(path);
            foreach (var entry in zip.Entries)
            {
                using var stream = entry.Open();
                stream.CopyTo(Stream.Null);
                entries++;
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw Damaged(path, $"{e.GetType().Name}: {FirstLine(e.Message)}", e);
        }
        if (entries == 0) throw Damaged(path, "the zip is empty", null);
    }

    private static InvalidDataException Damaged(string path, string why, Exception? inner) =>
        new($"Model file '{path}' is not a complete ML.NET model zip: it is truncated, damaged or another kind of file " +
            $"({why}). Copy it again from its source, or save the model again.", inner);

    /// <summary>A missing assembly, type or ML.NET loader: the app lacks a package, the file is fine.</summary>
    private static bool IsMissingComponent(Exception e) =>
        e is FileNotFoundException { FileName: not null } or FileLoadException or TypeLoadException or BadImageFormatException
        // ML.NET, for a loader signature no loaded assembly registers (the zip was verified whole before, so this is
        // not damage): "Couldn't load model: 'TransformerChain/Transform_000'", or ComponentCatalog's message.
        || (e is FormatException && e.Message.StartsWith("Couldn't load model", StringComparison.Ordinal))
        || e.Message.Contains("Unable to locate an extension", StringComparison.Ordinal);

    /// <summary>The innermost exception: ML.NET wraps the cause in "Error during class instantiation" and reflection's wrapper.</summary>
    private static Exception Unwrap(Exception e)
    {
        while (e.InnerException is { } inner) e = inner;
        return e;
    }

    /// <summary>
    /// Checks scoring data against the input schema <see cref="Load"/> returned, before any row is read: every pixel
    /// vector the model reads must be there with the same size. ML.NET would only fail on the first row, saying
    /// "Input shape mismatch" without the fix.
    /// </summary>
    /// <exception cref="ArgumentException">A vector column is missing or has another type or size.</exception>
    public static void CheckInput(DataViewSchema modelInput, DataViewSchema data)
    {
        ArgumentNullException.ThrowIfNull(modelInput);
        ArgumentNullException.ThrowIfNull(data);
        foreach (var column in modelInput)
        {
            if (column.IsHidden || column.Type is not VectorDataViewType expected) continue;
            var found = data.GetColumnOrNull(column.Name);
            string want = Describe(expected);
            if (found is null)
                throw new ArgumentException($"The data has no column '{column.Name}'; the model reads {want} from it. Apply the same image steps as in training (LoadImages, ResizeImages, ExtractPixels).", nameof(data));
            if (found.Value.Type is not VectorDataViewType actual || !actual.ItemType.Equals(expected.ItemType) || actual.Size != expected.Size)
                throw new ArgumentException($"Column '{column.Name}' holds {Describe(found.Value.Type)} but the model was trained on {want}. " +
                    "Resize and extract pixels exactly as in training.", nameof(data));
        }
    }

    private static string Describe(DataViewType type) => type is VectorDataViewType v
        ? $"vectors of {v.Size} {v.ItemType} values" + (v.Dimensions.Length > 1 ? $" ({string.Join("x", v.Dimensions)})" : "")
        : type.ToString() ?? type.GetType().Name;

    private static string FirstLine(string message)
    {
        int newline = message.IndexOf('\n');
        return (newline < 0 ? message : message[..newline]).Trim();
    }
}
