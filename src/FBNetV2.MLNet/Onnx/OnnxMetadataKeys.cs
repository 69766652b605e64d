namespace FBNetV2.MLNet.Onnx;

/// <summary>Keys of the model metadata_props an exported model carries, so scoring code can rebuild its pipeline from the file alone.</summary>
public static class OnnxMetadataKeys
{
    /// <summary>Compact architecture string (<see cref="FBNetV2.MLNet.Architecture.FBNetArchitecture.ToString"/>; read back with <see cref="FBNetV2.MLNet.Architecture.FBNetArchitecture.Parse"/>).</summary>
    public const string Architecture = "fbnet.architecture";

    /// <summary>JSON array of class labels, one per output column.</summary>
    public const string ClassNames = "fbnet.class_names";

    /// <summary>Multiply-adds of one forward pass for one image (invariant integer).</summary>
    public const string Flops = "fbnet.flops";

    /// <summary>Trainable parameters before BatchNorm folding (invariant integer).</summary>
    public const string Parameters = "fbnet.parameters";

    /// <summary>Always "NCHW".</summary>
    public const string InputLayout = "fbnet.input_layout";

    /// <summary>Height and width of the square input in pixels.</summary>
    public const string InputSize = "fbnet.input_size";

    /// <summary>Input channels: 1 gray, 3 RGB.</summary>
    public const string InputChannels = "fbnet.input_channels";

    /// <summary>JSON array of the per-channel mean the model subtracts (applied inside the graph; feed pixels in [0, 1]).</summary>
    public const string Mean = "fbnet.mean";

    /// <summary>JSON array of the per-channel std the model divides by (applied inside the graph).</summary>
    public const string Std = "fbnet.std";

    /// <summary>Factor the graph applies to its input before the normalisation (invariant float; 1 means pixels in [0, 1]).</summary>
    public const string PixelScale = "fbnet.pixel_scale";
}
