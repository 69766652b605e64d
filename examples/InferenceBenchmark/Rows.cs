using Microsoft.ML.Data;

/// <summary>One image as the pipeline's pixel step produces it: 0..255 floats, [1, 28, 28].</summary>
public sealed class FeatureRow
{
    [VectorType(1, 28, 28)] public float[] Features { get; set; } = [];
}

/// <summary>What the FBNet model adds to a row.</summary>
public sealed class Prediction
{
    public float[] Score { get; set; } = [];
    public uint PredictedLabel { get; set; }
}
