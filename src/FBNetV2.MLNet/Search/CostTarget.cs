namespace FBNetV2.MLNet.Search;

/// <summary>What the search's budget limits.</summary>
public enum CostTarget
{
    /// <summary>Multiply-adds of one forward pass.</summary>
    Flops,

    /// <summary>Trainable parameters.</summary>
    Parameters,

    /// <summary>ONNX Runtime latency in milliseconds on this machine, predicted from a measured latency table.</summary>
    Latency,
}
