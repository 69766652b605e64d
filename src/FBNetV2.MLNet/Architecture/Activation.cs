namespace FBNetV2.MLNet.Architecture;

/// <summary>Non-linearity of a layer: ReLU, or h-swish as in MobileNetV3 / FBNetV2.</summary>
public enum Activation
{
    /// <summary>max(0, x): cheap everywhere, the activation of FBNet's and MobileNetV2's blocks.</summary>
    Relu,

    /// <summary>h-swish, x * ReLU6(x + 3) / 6 (MobileNetV3): a little more accurate in deeper layers, a little slower.</summary>
    HSwish,
}
