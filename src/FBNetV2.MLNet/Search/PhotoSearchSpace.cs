using FBNetV2.MLNet.Architecture;

namespace FBNetV2.MLNet.Search;

/// <summary>
/// The CPU preset for photos (96 px and up): four stages like the compact space's (as it was before it grew to hold the
/// 28 px reference networks) behind a stride-2 stem, run on the input
/// average-pooled to at most <see cref="MaxWorkingSize"/> px. A 2-core machine searches and trains it in minutes, where the
/// <see cref="SearchSpace.ImageNet"/> space at full resolution needs a GPU (measured in issue 19: 13.9 GB peak at
/// 128 px, minutes per step). The two resolution options are the smallest pooling factor r that brings the input
/// to at most 96 px, and 2r: 224 px works at 75 or 38 px, 160 px at 80 or 40, 96 px at 96 or 48. The exported model
/// takes the pipeline's own size and pools r x r inside (AveragePool), so the ML.NET pipeline resizes as usual.
/// </summary>
public static class PhotoSearchSpace
{
    /// <summary>Largest side the network works at.</summary>
    public const int MaxWorkingSize = 96;

    /// <summary>Inputs from this size up get this preset from <see cref="SearchSpace.Auto"/>.</summary>
    public const int MinInputSize = 96;

    private static readonly CandidateOp[] Ops =
        [new(3, false, Activation.Relu), new(5, false, Activation.Relu), new(3, true, Activation.HSwish), new(5, true, Activation.HSwish)];

    /// <summary>The resolution (pooling) factors for an input size: r = ceil(size / 96) and 2r.</summary>
    public static int[] Subsamples(int inputSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 8);
        int r = (inputSize + MaxWorkingSize - 1) / MaxWorkingSize;
        return [r, 2 * r];
    }

    /// <summary>The photo space for an input of <paramref name="inputSize"/> px (at least 8): the preset <see cref="SearchSpacePreset.Photo"/> selects.</summary>
    /// <param name="inputChannels">1 for gray images, 3 for RGB.</param>
    /// <param name="inputSize">Side of the square image the pipeline feeds, in pixels.</param>
    /// <param name="numClasses">Classes of the data.</param>
    public static SearchSpace Create(int inputChannels = 3, int inputSize = 224, int numClasses = 10) => new(
        inputChannels, inputSize, numClasses, Subsamples(inputSize), StageSpace.Range(8, 16), 2,
        [
            new StageSpace(StageSpace.Range(8, 16), 1, 1, StageSpace.Range(16, 32), Ops),
            new StageSpace(StageSpace.Range(16, 32), 2, 3, StageSpace.Range(32, 96, 16), Ops),
            new StageSpace(StageSpace.Range(24, 48), 2, 3, StageSpace.Range(48, 192, 24), Ops),
            new StageSpace(StageSpace.Range(48, 96, 16), 2, 2, StageSpace.Range(96, 384, 48), Ops),
        ],
        new HeadSpec(256, 0, Activation.HSwish));
}
