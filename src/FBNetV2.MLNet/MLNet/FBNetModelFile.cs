using Microsoft.ML;
using Microsoft.ML.Data;

namespace FBNetV2.MLNet;

/// <summary>
/// Loads a saved model zip (what <c>mlContext.Model.Save</c> or a run's model.zip holds) with errors that name the file
/// and say what to do, where ML.NET reports a missing or damaged zip in terms of its own internals.
/// </summary>
public static class FBNetModelFile
{
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a complete ML.NET model zip (truncated, damaged or another kind of file).</exception>
    public static ITransformer Load(MLContext mlContext, string path, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"Model file '{path}' does not exist. Give the path of a model.zip written by a run or by mlContext.Model.Save.", path);
        try
        {
            return mlContext.Model.Load(path, out inputSchema);
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException or UnauthorizedAccessException))
        {
            var cause = e;
            while (cause is System.Reflection.TargetInvocationException { InnerException: { } inner }) cause = inner;
            throw new InvalidDataException($"Model file '{path}' is not a complete ML.NET model zip: it is truncated, damaged or another kind of file " +
                $"({cause.GetType().Name}: {FirstLine(cause.Message)}). Copy it again from its source, or save the model again.", e);
        }
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
