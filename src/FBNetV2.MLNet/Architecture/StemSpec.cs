namespace FBNetV2.MLNet.Architecture;

/// <summary>The first conv (kxk, BN, activation). Small inputs (28-64 px) want stride 1.</summary>
/// <param name="OutChannels">Width of the stem's output.</param>
/// <param name="Stride">1 keeps the input's size, 2 halves it (ImageNet-size inputs).</param>
/// <param name="Kernel">Side of the conv kernel: odd, 1 to 11.</param>
/// <param name="Activation">Non-linearity after BN.</param>
public sealed record StemSpec(int OutChannels, int Stride = 2, int Kernel = 3, Activation Activation = Activation.HSwish);
