using FBNetV2.MLNet.Architecture;

namespace FBNetV2.MLNet.Tests.Onnx;

/// <summary>
/// Small random but valid architectures that cover every layer kind the export handles: odd input sizes, subsampling,
/// stride-2 stems, expansions or none, fused blocks, SE, both activations, identity and projecting skips, optional head layers.
/// </summary>
public static class RandomArchitectures
{
    private const int MaxDownsamplings = 3;

    public static FBNetArchitecture Create(int seed)
    {
        var r = new Random(seed);
        int channels = r.Next(2) == 0 ? 1 : 3;
        int inputSize = r.Next(8, 41), subsample = r.Next(1, 4);
        int size = (inputSize + subsample - 1) / subsample;
        int downsamplings = 0;

        // Strides only where the map is larger than 1x1, at most MaxDownsamplings in all.
        int Stride()
        {
            if (size <= 1 || downsamplings >= MaxDownsamplings || r.Next(3) != 0) return 1;
            downsamplings++;
            size = FBNetArchitecture.ConvOut(size, 2);
            return 2;
        }

        var stem = new StemSpec(r.Next(4, 25), Stride(), r.Next(2) == 0 ? 3 : 5, RandomActivation(r));
        int c = stem.OutChannels;
        var stages = new List<List<BlockSpec>>();
        for (int s = r.Next(1, 5); s > 0; s--)
        {
            var stage = new List<BlockSpec>();
            for (int b = r.Next(1, 4); b > 0; b--)
            {
                int kind = r.Next(6);
                BlockSpec block = kind switch
                {
                    0 => BlockSpec.SkipTo(c),
                    1 => BlockSpec.SkipTo(r.Next(4, 33), Stride()),
                    2 or 3 => BlockSpec.Ir(r.Next(2) == 0 ? 3 : 5, r.Next(2) == 0 ? 0 : r.Next(8, 65), r.Next(4, 33), Stride(),
                        se: r.Next(2) == 0, act: RandomActivation(r)),
                    _ => new BlockSpec(BlockKind.Fused, r.Next(4, 33), Stride(), r.Next(2) == 0 ? 3 : 5, r.Next(4, 65), r.Next(2) == 0, RandomActivation(r)),
                };
                // Half the inverted residuals and fused blocks keep width and stride so that their residual Add is exercised.
                if (kind is 3 or 5 && block.Stride == 1) block = block with { OutChannels = c };
                stage.Add(block);
                c = block.OutChannels;
            }
            stages.Add(stage);
        }
        var head = new HeadSpec(r.Next(2) == 0 ? 0 : r.Next(16, 129), r.Next(2) == 0 ? 0 : r.Next(16, 129), RandomActivation(r));
        return new FBNetArchitecture(channels, inputSize, stem, stages, head, r.Next(2, 13), subsample);
    }

    /// <summary>Per-channel mean and std far enough from 0 and 1 that a wrong normalisation shows.</summary>
    public static (float[] Mean, float[] Std) Normalisation(int seed, int channels)
    {
        var r = new Random(seed ^ 0x5EED);
        return (Enumerable.Range(0, channels).Select(_ => 0.2f + 0.5f * r.NextSingle()).ToArray(),
                Enumerable.Range(0, channels).Select(_ => 0.1f + 0.4f * r.NextSingle()).ToArray());
    }

    private static Activation RandomActivation(Random r) => r.Next(2) == 0 ? Activation.Relu : Activation.HSwish;
}
