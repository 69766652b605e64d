namespace FBNetV2.MLNet.Architecture;

/// <summary>
/// Head: an optional 1x1 conv (BN, activation) to <see cref="Channels"/>, global average pooling, an optional
/// fully connected layer to <see cref="Features"/> with activation (MobileNetV3's 1280, FBNetV2's 1984), then the
/// classifier. 0 turns a layer off.
/// </summary>
/// <param name="Channels">Width of the 1x1 conv after the last block; 0: none.</param>
/// <param name="Features">Width of the fully connected layer after pooling; 0: none.</param>
/// <param name="Activation">Non-linearity of both layers.</param>
public sealed record HeadSpec(int Channels, int Features = 0, Activation Activation = Activation.HSwish);
