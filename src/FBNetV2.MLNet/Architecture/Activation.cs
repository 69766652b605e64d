namespace FBNetV2.MLNet.Architecture;

/// <summary>Non-linearity of a layer: ReLU, or h-swish as in MobileNetV3 / FBNetV2.</summary>
public enum Activation
{
    Relu,
    HSwish,
}
