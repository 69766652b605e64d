using FBNetV2.MLNet.Data;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace FBNetV2.MLNet;

/// <summary>
/// Copies the feature vectors and keyed labels of an <see cref="IDataView"/> into <see cref="LabeledImages"/> for the
/// TorchSharp trainer, checking values row by row so that a bad image is reported by row and column, not as a
/// diverged loss later.
/// </summary>
internal static class ImageDataReader
{
    /// <summary>Feature values as they are in the view, and zero-based class indices (key - 1).</summary>
    public static (float[] Pixels, int[] Labels) Read(IDataView data, ImageColumns columns, FBNetOptions o, string role)
    {
        columns.CheckScoring(data.Schema, o.FeatureColumnName);
        var labelColumn = data.Schema[o.LabelColumnName];
        if (labelColumn.Type is not KeyDataViewType key || key.Count != columns.LabelType.Count)
            throw new ArgumentException($"Label column '{o.LabelColumnName}' of the {role} data is {labelColumn.Type} but the training label is {columns.LabelType}. " +
                "Map both with the same MapValueToKey transformer (fit it once, apply it to both).", nameof(o.ValidationSet));
        var featureColumn = data.Schema[o.FeatureColumnName];
        // The pixels are held once: rows are counted first (a cursor over no columns loads no image) and the array
        // is allocated at its final size, instead of growing a list and copying it (twice the data at the peak).
        long rows = CountRows(data, o.CancellationToken);
        if (rows == 0)
            throw new ArgumentException($"The {role} data has no rows.", role == "training" ? "input" : nameof(o.ValidationSet));
        if (rows * columns.ImageSize > Array.MaxLength)
            throw new ArgumentException($"The {role} data has {rows} rows of {columns.ImageSize} values, more than one array can hold ({Array.MaxLength}). " +
                "Resize the images smaller or train on a subset.", role == "training" ? "input" : nameof(o.ValidationSet));
        var pixels = new float[rows * columns.ImageSize];
        var labels = new int[rows];
        using var cursor = data.GetRowCursor([featureColumn, labelColumn]);
        var getFeatures = cursor.GetGetter<VBuffer<float>>(featureColumn);
        var getLabel = cursor.GetGetter<uint>(labelColumn);
        VBuffer<float> features = default;
        uint label = 0;
        long row = 0;
        for (; cursor.MoveNext(); row++)
        {
            o.CancellationToken.ThrowIfCancellationRequested();
            if (row >= rows)
                throw new InvalidOperationException($"The {role} data view returned more rows on the second pass than on the first ({rows}); it must give the same rows every time it is read.");
            getLabel(ref label);
            if (label == 0)
                throw new ArgumentException($"Row {row} of the {role} data has a missing label in column '{o.LabelColumnName}' (a value MapValueToKey did not know). " +
                    "Filter such rows out or fit MapValueToKey on data that holds every class.", nameof(o.LabelColumnName));
            getFeatures(ref features);
            var dense = pixels.AsSpan((int)(row * columns.ImageSize), columns.ImageSize);
            features.CopyTo(dense);
            int bad = FirstNonFinite(dense);
            if (bad >= 0)
                throw new ArgumentException($"Row {row} of the {role} data has {dense[bad]} at position {bad} of feature column '{o.FeatureColumnName}'. " +
                    "Pixels must be finite; check the image loading and any custom steps before the trainer.", nameof(o.FeatureColumnName));
            labels[row] = (int)label - 1;
        }
        if (row != rows)
            throw new InvalidOperationException($"The {role} data view returned {row} rows on the second pass but {rows} on the first; it must give the same rows every time it is read.");
        return (pixels, labels);
    }

    private static long CountRows(IDataView data, CancellationToken cancellationToken)
    {
        if (data.GetRowCount() is long known) return known;
        long n = 0;
        using var cursor = data.GetRowCursor([]);
        while (cursor.MoveNext())
        {
            if ((n & 1023) == 0) cancellationToken.ThrowIfCancellationRequested();
            n++;
        }
        return n;
    }

    private static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++) if (!float.IsFinite(values[i])) return i;
        return -1;
    }

    /// <summary>
    /// The explicit scale, or 1/255 when the data exceeds 1 (ExtractPixels' default byte range) and 1 otherwise.
    /// Decided once from the training data, so validation and scoring use the same factor.
    /// </summary>
    public static float ResolveScale(float[] trainingPixels, FBNetOptions o)
    {
        if (o.PixelScale is { } s)
        {
            CheckScale(s);
            return s;
        }
        return trainingPixels.Max() > 1f ? 1f / 255f : 1f;
    }

    /// <summary>Throws unless <see cref="FBNetOptions.PixelScale"/> is a finite number greater than 0.</summary>
    public static void CheckScale(float scale)
    {
        const string fix = "the factor that maps the feature values to [0, 1] (1/255 for ExtractPixels' bytes), or null to choose it from the data";
        OptionCheck.Finite(scale, nameof(FBNetOptions.PixelScale), "greater than 0", fix);
        if (!(scale > 0))
            throw new ArgumentOutOfRangeException(nameof(FBNetOptions.PixelScale), $"PixelScale must be greater than 0, got {OptionCheck.Show(scale)}. Set PixelScale to {fix}.");
    }

    /// <summary>Scales the pixels into [0, 1] (in place) and wraps them for the trainer.</summary>
    public static LabeledImages ToLabeledImages(float[] pixels, int[] labels, float scale, ImageColumns columns, FBNetOptions o, string role)
    {
        for (int i = 0; i < pixels.Length; i++)
        {
            float v = pixels[i] * scale;
            // A small tolerance absorbs the rounding of 255 * (1/255).
            if (v < 0f || v > 1.0001f)
                throw new ArgumentException($"Row {i / columns.ImageSize} of the {role} data has feature value {pixels[i]} in column '{o.FeatureColumnName}', which PixelScale {scale} maps to {v}, outside [0, 1]. " +
                    $"{(o.PixelScale is null ? "Set PixelScale explicitly" : "Fix PixelScale")} (1/255 for ExtractPixels' default output) or remove the offset from ExtractPixels.", nameof(o.PixelScale));
            pixels[i] = Math.Min(v, 1f);
        }
        return new LabeledImages(pixels, labels, columns.Channels, columns.Height, columns.Width, columns.ClassNames);
    }
}
