namespace FBNetV2.MLNet.Onnx;

/// <summary>What <see cref="OnnxExporter"/> writes besides the network itself.</summary>
public sealed class OnnxExportOptions
{
    /// <summary>Lowest opset with HardSwish.</summary>
    public const int MinOpset = 14;

    /// <summary>Highest opset that IR version 8 covers; every operator the export uses is unchanged up to it.</summary>
    public const int MaxOpset = 18;

    /// <summary>
    /// Label of each output column, in class order; stored as a JSON array in the model metadata. Null writes the
    /// class indices "0", "1", ... so that readers always find one name per class.
    /// </summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>ONNX opset of the default domain, <see cref="MinOpset"/> to <see cref="MaxOpset"/>. 17 is the newest that onnx 1.12's checker knows.</summary>
    public int Opset { get; init; } = 17;

    /// <summary>Free text stored as the model's doc string.</summary>
    public string? Description { get; init; }
}
