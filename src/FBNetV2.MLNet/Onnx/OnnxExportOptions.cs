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

    /// <summary>
    /// Factor that brings the pixels the model is fed into [0, 1] (1/255 for raw bytes). It is folded into the in-graph
    /// normalisation, so it costs nothing at inference; the metadata keeps the [0, 1] mean and std and this scale.
    /// </summary>
    public float PixelScale { get; init; } = 1f;

    /// <summary>Name of the pixel input [batch, C, S, S]. ML.NET's OnnxTransformer binds inputs to columns of the same name.</summary>
    public string InputName { get; init; } = OnnxExporter.InputName;

    /// <summary>Name of the probabilities output [batch, classes].</summary>
    public string OutputName { get; init; } = OnnxExporter.OutputName;

    /// <summary>
    /// When set, an int64 output [batch] of this name holds the arg-max class index, so that consumers that cannot
    /// take an arg-max themselves (ML.NET has no public transform for it) get the prediction from the graph.
    /// </summary>
    public string? PredictedIndexName { get; init; }

    /// <summary>Free text stored as the model's doc string.</summary>
    public string? Description { get; init; }
}
