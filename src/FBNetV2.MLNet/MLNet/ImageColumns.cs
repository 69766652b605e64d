using Microsoft.ML;
using Microsoft.ML.Data;

namespace FBNetV2.MLNet;

/// <summary>
/// What FBNet needs from an ML.NET schema: the image shape behind the feature vector and the label's key type with
/// its class names. Every check names the column or option at fault and the fix, since ML.NET's own errors about
/// vector sizes and key types rarely point back to the pipeline step that caused them.
/// </summary>
internal sealed record ImageColumns(int Channels, int Height, int Width, KeyDataViewType LabelType, string[] ClassNames)
{
    public int ImageSize => Channels * Height * Width;

    /// <summary>Checks the column kinds that <see cref="SchemaShape"/> can express (used before any data is seen).</summary>
    public static void Check(SchemaShape schema, FBNetOptions o)
    {
        var label = Find(schema, o.LabelColumnName)
            ?? throw MissingColumn(o.LabelColumnName, nameof(o.LabelColumnName), "a key-typed label (MapValueToKey)");
        CheckLabel(o.LabelColumnName, label.Kind == SchemaShape.Column.VectorKind.Scalar, label.IsKey, label.ItemType);
        var features = Find(schema, o.FeatureColumnName)
            ?? throw MissingColumn(o.FeatureColumnName, nameof(o.FeatureColumnName), "the pixel vector (ExtractPixels)");
        if (features.Kind != SchemaShape.Column.VectorKind.Vector || features.ItemType != NumberDataViewType.Single)
            throw NotPixelVector(o.FeatureColumnName, features.Kind == SchemaShape.Column.VectorKind.Scalar ? $"{features.ItemType}" : $"vector of {features.ItemType} ({features.Kind})");
    }

    /// <summary>Reads the shape and the classes from a concrete schema.</summary>
    public static ImageColumns From(DataViewSchema schema, FBNetOptions o)
    {
        var label = schema.GetColumnOrNull(o.LabelColumnName)
            ?? throw MissingColumn(o.LabelColumnName, nameof(o.LabelColumnName), "a key-typed label (MapValueToKey)");
        CheckLabel(o.LabelColumnName, label.Type is not VectorDataViewType, label.Type is KeyDataViewType, label.Type);
        var keyType = (KeyDataViewType)label.Type;
        if (keyType.RawType != typeof(uint))
            throw new ArgumentException($"Label column '{o.LabelColumnName}' is a key of {keyType.RawType.Name}; FBNet reads UInt32 keys as MapValueToKey writes them. Map the label with MapValueToKey.", nameof(o.LabelColumnName));
        if (keyType.Count < 2)
            throw new ArgumentException($"Label column '{o.LabelColumnName}' has {keyType.Count} class; a classifier needs at least 2. Check that the training data holds images of several classes.", nameof(o.LabelColumnName));
        var classNames = ReadClassNames(label, (int)keyType.Count);

        var features = schema.GetColumnOrNull(o.FeatureColumnName)
            ?? throw MissingColumn(o.FeatureColumnName, nameof(o.FeatureColumnName), "the pixel vector (ExtractPixels)");
        if (features.Type is not VectorDataViewType { ItemType: NumberDataViewType item } vector || item != NumberDataViewType.Single || !vector.IsKnownSize)
            throw NotPixelVector(o.FeatureColumnName, $"{features.Type}");
        var (c, h, w) = Shape(vector, o);
        return new ImageColumns(c, h, w, keyType, classNames);
    }

    /// <summary>The scoring data must carry the same pixel vector the model was trained on.</summary>
    public void CheckScoring(DataViewSchema schema, string featureColumn)
    {
        var features = schema.GetColumnOrNull(featureColumn)
            ?? throw new ArgumentException($"The data has no feature column '{featureColumn}'. Apply the same image steps as in training (LoadImages, ResizeImages, ExtractPixels).", nameof(schema));
        if (features.Type is not VectorDataViewType { ItemType: NumberDataViewType item, Size: var size } || item != NumberDataViewType.Single || size != ImageSize)
            throw new ArgumentException($"Feature column '{featureColumn}' is {features.Type} but the model was trained on vectors of {ImageSize} floats ({Channels}x{Height}x{Width}). " +
                "Resize and extract pixels exactly as in training.", nameof(schema));
    }

    private static SchemaShape.Column? Find(SchemaShape schema, string name) =>
        schema.Where(c => c.Name == name).Cast<SchemaShape.Column?>().FirstOrDefault();

    private static void CheckLabel(string name, bool scalar, bool isKey, DataViewType itemType)
    {
        if (scalar && itemType is TextDataViewType)
            throw new ArgumentException($"Label column '{name}' holds text; FBNet needs a key type. Add mlContext.Transforms.Conversion.MapValueToKey(\"{name}\") before the trainer.", nameof(FBNetOptions.LabelColumnName));
        if (!scalar || !isKey)
            throw new ArgumentException($"Label column '{name}' is {itemType}{(scalar ? "" : " (vector)")}; FBNet needs a scalar key type. Add mlContext.Transforms.Conversion.MapValueToKey(\"{name}\") before the trainer.", nameof(FBNetOptions.LabelColumnName));
    }

    private static string[] ReadClassNames(DataViewSchema.Column label, int count)
    {
        // Key values name the classes; ToString keeps non-text keys (e.g. numeric labels) readable.
        var keyValues = label.Annotations.Schema.GetColumnOrNull("KeyValues");
        if (keyValues?.Type is not VectorDataViewType { ItemType: TextDataViewType })
            return Enumerable.Range(0, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        VBuffer<ReadOnlyMemory<char>> names = default;
        label.GetKeyValues(ref names);
        var result = names.DenseValues().Select(n => n.ToString()).ToArray();
        if (result.Length != count || result.Any(string.IsNullOrEmpty) || result.Distinct(StringComparer.Ordinal).Count() != count)
            throw new ArgumentException($"Label column '{label.Name}' has key values [{string.Join(", ", result)}] for {count} keys; each class needs one distinct, non-empty name.", nameof(FBNetOptions.LabelColumnName));
        return result;
    }

    private static (int C, int H, int W) Shape(VectorDataViewType vector, FBNetOptions o)
    {
        int[] shape;
        if (o.ImageShape is { } given)
        {
            if (given.Length != 3 || given.Any(d => d <= 0))
                throw new ArgumentException($"ImageShape must be {{channels, height, width}} with positive values, got [{string.Join(", ", given)}].", nameof(o.ImageShape));
            if ((long)given[0] * given[1] * given[2] != vector.Size)
                throw new ArgumentException($"ImageShape {given[0]}x{given[1]}x{given[2]} = {(long)given[0] * given[1] * given[2]} values, but feature column '{o.FeatureColumnName}' holds {vector.Size}. Fix ImageShape or the resize step.", nameof(o.ImageShape));
            shape = given;
        }
        else
        {
            var dims = vector.Dimensions;
            if (dims.Length != 3)
                throw new ArgumentException($"Feature column '{o.FeatureColumnName}' is a vector of {vector.Size} floats without an image shape (dimensions [{string.Join(", ", dims)}]). " +
                    "Produce it with ExtractPixels, or set ImageShape = new[] { channels, height, width }.", nameof(o.ImageShape));
            // ExtractPixels writes [C, H, W], or [H, W, C] with interleavePixelColors: true, which the network cannot read.
            if (dims[2] is 1 or 3 or 4 && dims[0] is not (1 or 3 or 4))
                throw new ArgumentException($"Feature column '{o.FeatureColumnName}' has dimensions [{string.Join(", ", dims)}], which looks interleaved (height, width, channels). " +
                    "Call ExtractPixels with interleavePixelColors: false (the default), or set ImageShape if the layout is really planar.", nameof(o.ImageShape));
            shape = dims.ToArray();
        }
        if (shape[0] is not (1 or 3))
            throw new ArgumentException($"Feature column '{o.FeatureColumnName}' has {shape[0]} channels; FBNet reads 1 (gray) or 3 (RGB). Use ExtractPixels with colorsToExtract Red (after ConvertToGrayscale) or Rgb.", nameof(o.ImageShape));
        if (shape[1] != shape[2])
            throw new ArgumentException($"Images in feature column '{o.FeatureColumnName}' are {shape[1]}x{shape[2]}; FBNet needs square images. Resize them with ResizeImages to a square size.", nameof(o.ImageShape));
        return (shape[0], shape[1], shape[2]);
    }

    private static ArgumentException MissingColumn(string name, string option, string what) =>
        new($"The data has no column '{name}' ({option}); it must hold {what}.", option);

    private static ArgumentException NotPixelVector(string name, string actual) =>
        new($"Feature column '{name}' is {actual}; FBNet needs a known-size vector of Single pixels. Produce it with LoadImages, ResizeImages and ExtractPixels.", nameof(FBNetOptions.FeatureColumnName));
}
