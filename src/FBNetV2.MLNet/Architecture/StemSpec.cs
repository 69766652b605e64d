namespace FBNetV2.MLNet.Architecture;

/// <summary>The first conv (kxk, BN, activation). Small inputs (28-64 px) want stride 1.</summary>
public sealed record StemSpec(int OutChannels, int Stride = 2, int Kernel = 3, Activation Activation = Activation.HSwish);
