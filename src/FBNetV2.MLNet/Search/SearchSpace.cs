using System.Numerics;
using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Latency;

namespace FBNetV2.MLNet.Search;

/// <summary>
/// The DMaskingNAS search space: input resolution (as an average-pooling factor of the pipeline's input), stem width,
/// and per stage the width, block types, hidden widths (0 is the e1 block without expansion conv) and depth; the
/// compact preset also searches the stem's activation and the head's width and activation. Membership of an
/// architecture, and its choice, is <c>TryChoiceOf</c>.
/// </summary>
public sealed partial class SearchSpace : ILatencyCoverage
{
    /// <summary>
    /// A space of your own (<see cref="SearchFBNetOptions.CustomSearchSpace"/>); the presets <see cref="Compact"/>,
    /// <see cref="PhotoSearchSpace.Create"/> and <see cref="ImageNet"/> are starting points. Option lists are sorted and
    /// deduplicated; an impossible space (a stride that shrinks a 1x1 map, no options, a block kind that cannot be
    /// searched) is an <see cref="ArgumentException"/> naming the stage.
    /// </summary>
    /// <param name="inputChannels">1 for gray images, 3 for RGB.</param>
    /// <param name="inputSize">Side of the square image the pipeline feeds, in pixels.</param>
    /// <param name="numClasses">Classes of the data.</param>
    /// <param name="subsamples">Resolution options as subsampling factors of the input: 1 is full resolution, 2 half (the input average-pooled in 2x2 windows, here and in the exported network).</param>
    /// <param name="stemWidths">Width options of the stem conv.</param>
    /// <param name="stemStride">Stride of the stem conv: 1 for small inputs, 2 for photos.</param>
    /// <param name="stages">The stages in order, each with its own options; a hidden width of 0 is the e1 block (inverted residuals only).</param>
    /// <param name="head">The fixed head after the last stage (this constructor searches neither its width nor its activation).</param>
    /// <param name="stemActivation">Non-linearity of the stem.</param>
    public SearchSpace(int inputChannels, int inputSize, int numClasses, int[] subsamples, int[] stemWidths, int stemStride,
        IReadOnlyList<StageSpace> stages, HeadSpec head, Activation stemActivation = Activation.HSwish)
        : this(inputChannels, inputSize, numClasses, subsamples, stemWidths, stemStride, stages, head, [stemActivation], [head.Channels], [head.Activation])
    {
    }

    /// <summary>
    /// A space whose stem activation, head width and head activation are searched too (each a decision when it has
    /// more than one option): the compact preset, whose hand-designed references differ in exactly these.
    /// </summary>
    internal SearchSpace(int inputChannels, int inputSize, int numClasses, int[] subsamples, int[] stemWidths, int stemStride,
        IReadOnlyList<StageSpace> stages, HeadSpec head, Activation[] stemActivations, int[] headWidths, Activation[] headActivations)
    {
        InputChannels = inputChannels; InputSize = inputSize; NumClasses = numClasses;
        Subsamples = subsamples.Distinct().Order().ToArray();
        StemWidths = stemWidths.Distinct().Order().ToArray();
        StemStride = stemStride;
        StemActivations = stemActivations.Distinct().Order().ToArray();
        Stages = stages.Select(s => s with { Widths = s.Widths.Distinct().Order().ToArray(), HiddenWidths = s.HiddenWidths.Distinct().Order().ToArray() }).ToArray();
        HeadWidths = headWidths.Distinct().Order().ToArray();
        HeadActivations = headActivations.Distinct().Order().ToArray();
        Head = head with { Channels = HeadWidths.Length > 0 ? HeadWidths[^1] : head.Channels, Activation = HeadActivations.Length > 0 ? HeadActivations[0] : head.Activation };
        Validate();
        Decisions = SearchDecisions.Build(this);
    }

    /// <summary>The labelled decisions of this space, in the order the supernet, costs, choices and reports share.</summary>
    internal SearchDecisions Decisions { get; }

    /// <summary>Kernel of the stem conv (the stem's width is searched, its kernel is not).</summary>
    public int StemKernel => 3;

    /// <summary>Channels of the input image: 1 gray, 3 RGB.</summary>
    public int InputChannels { get; }

    /// <summary>Side of the square input image in pixels, as the pipeline feeds it.</summary>
    public int InputSize { get; }

    /// <summary>Classes the searched networks score.</summary>
    public int NumClasses { get; }

    /// <summary>Resolution options as subsampling factors of the input (1 = full resolution), ascending.</summary>
    public int[] Subsamples { get; }

    /// <summary>Width options of the stem conv, ascending.</summary>
    public int[] StemWidths { get; }

    /// <summary>Stride of the stem conv (not searched).</summary>
    public int StemStride { get; }

    /// <summary>Non-linearity of the stem: the only option, or the first of the searched ones.</summary>
    public Activation StemActivation => StemActivations[0];

    /// <summary>Stem activation options, ascending (ReLU before h-swish); searched when there are several.</summary>
    internal Activation[] StemActivations { get; }

    /// <summary>Head conv width options, ascending (0: no head conv); searched when there are several.</summary>
    internal int[] HeadWidths { get; }

    /// <summary>Head activation options, ascending; searched when there are several.</summary>
    internal Activation[] HeadActivations { get; }

    /// <summary>The head of a member with this head width and activation option.</summary>
    internal HeadSpec HeadAt(int width, int activation) => Head with { Channels = HeadWidths[width], Activation = HeadActivations[activation] };

    /// <summary>The stages and their options, with widths sorted and deduplicated.</summary>
    public IReadOnlyList<StageSpace> Stages { get; }

    /// <summary>
    /// The head after the last stage: fixed, or, where the space searches its width and activation (the compact
    /// preset), the widest option with the first activation option.
    /// </summary>
    public HeadSpec Head { get; }

    /// <summary>Size of the map entering each stage for a given resolution (pooling) factor.</summary>
    internal int StageInputSize(int stage, int subsample) => MapSize(InputSize, subsample, StemStride, Stages.Take(stage));

    /// <summary>Side of the map after pooling by <paramref name="subsample"/>, the stem and <paramref name="stages"/>.</summary>
    private static int MapSize(int inputSize, int subsample, int stemStride, IEnumerable<StageSpace> stages)
    {
        int size = FBNetArchitecture.ConvOut(FBNetArchitecture.ConvOut(inputSize, subsample), stemStride);
        foreach (var st in stages) size = FBNetArchitecture.ConvOut(size, st.Stride);
        return size;
    }

    /// <summary>log10 of the number of distinct architectures (skipped layers count once per depth).</summary>
    public double Log10Size
    {
        get
        {
            var total = BigInteger.One * Subsamples.Length * StemWidths.Length * StemActivations.Length * HeadWidths.Length * HeadActivations.Length;
            foreach (var st in Stages)
            {
                var layer = new BigInteger(st.Ops.Length * st.HiddenWidths.Length);
                var stage = layer; // first block is mandatory
                var depthWays = BigInteger.Zero;
                for (int extra = 0; extra < st.MaxBlocks; extra++) depthWays += BigInteger.Pow(layer, extra);
                stage *= st.AllowSkip ? depthWays : BigInteger.Pow(layer, st.MaxBlocks - 1);
                total *= stage * st.Widths.Length;
            }
            return BigInteger.Log10(total);
        }
    }

    private void Validate()
    {
        static void Check(bool ok, string message) { if (!ok) throw new ArgumentException(message); }
        Check(InputChannels is 1 or 3, $"Input channels must be 1 or 3, got {InputChannels}.");
        Check(NumClasses >= 2, $"A classifier needs at least 2 classes, got {NumClasses}.");
        Check(Stages.Count > 0, "The search space has no stages; give at least one stage.");
        Check(Subsamples.Length > 0 && StemWidths.Length > 0, "The search space needs at least one resolution and one stem width.");
        foreach (var sub in Subsamples)
            Check(sub >= 1 && sub <= InputSize,
                $"Resolution option 1/{sub} is not possible for a {InputSize}px input: resolution options must be at most the input size (subsample factors 1..{InputSize}).");
        Check(StemWidths[0] >= 1, "Stem widths must be positive.");
        Check(StemStride is >= 1 and <= 4, $"Stem stride must be between 1 and 4, got {StemStride}.");
        Check(StemActivations.Length > 0 && StemActivations.All(Enum.IsDefined), "The stem needs at least one known activation option.");
        Check(HeadActivations.Length > 0 && HeadActivations.All(Enum.IsDefined), "The head needs at least one known activation option.");
        Check(HeadWidths.Length > 0 && HeadWidths[0] >= 0 && HeadWidths[^1] <= FBNetArchitecture.MaxWidth,
            $"Head width options must be between 0 and {FBNetArchitecture.MaxWidth}.");
        Check(HeadWidths.Length == 1 || HeadWidths[0] >= 1, "A searched head width needs positive options (0, no head conv, only as the single option).");
        for (int s = 0; s < Stages.Count; s++)
        {
            var st = Stages[s];
            string where = $"Stage {s + 1}";
            Check(st.Widths.Length > 0 && st.Widths[0] >= 1, $"{where} has no width options.");
            Check(st.HiddenWidths.Length > 0 && st.HiddenWidths[0] >= 0, $"{where} has no hidden width options (0, the e1 block, or a positive width).");
            Check(st.Ops.Length > 0, $"{where} has no block types.");
            Check(st.MaxBlocks >= 1, $"{where} needs at least one block.");
            Check(st.Stride is >= 1 and <= 4, $"{where}: stride must be between 1 and 4, got {st.Stride}.");
            Check(st.Widths[^1] <= FBNetArchitecture.MaxWidth && st.HiddenWidths[^1] <= FBNetArchitecture.MaxWidth, $"{where}: widths above {FBNetArchitecture.MaxWidth}.");
            foreach (var op in st.Ops)
            {
                Check(op.Kernel % 2 == 1 && op.Kernel is >= 1 and <= 11, $"{where}: kernel {op.Kernel} must be odd, 1..11.");
                Check(BlockType.All.Any(t => t.Kind == op.Kind && t is ISearchableBlock),
                    $"{where}: candidate {op.Kind} cannot be searched; searchable kinds: {string.Join(", ", BlockType.All.Where(t => t is ISearchableBlock).Select(t => t.Kind))}.");
                if (st.HiddenWidths[0] == 0)
                {
                    // Hidden width 0 is the e1 block (no expansion conv); a kind without one says so in its own check.
                    try { op.ToSpec(0, 8, 1).Type.Validate(op.ToSpec(0, 8, 1), 8, where); }
                    catch (ArgumentException e) { throw new ArgumentException($"{where}: hidden width option 0 (the e1 block, no expansion conv) does not fit candidate {op}: {e.Message}", e); }
                }
            }
            foreach (var sub in Subsamples)
                Check(StageInputSize(s, sub) > 1 || st.Stride == 1,
                    $"{where}: stride {st.Stride} would shrink a 1x1 map at resolution 1/{sub} of {InputSize}px; remove a downsampling or drop that resolution option.");
        }
    }

    /// <summary>
    /// Picks a preset from the input: <see cref="Compact"/> below 96 px, else <see cref="PhotoSearchSpace"/> (the
    /// input subsampled to 96 px or less, practical on a CPU). <see cref="ImageNet"/> at full resolution is for a GPU
    /// and is chosen by name.
    /// </summary>
    public static SearchSpace Auto(int inputChannels, int inputSize, int numClasses) =>
        inputSize < PhotoSearchSpace.MinInputSize ? Compact(inputChannels, inputSize, numClasses) : PhotoSearchSpace.Create(inputChannels, inputSize, numClasses);

    /// <summary>Every combination of kernel 3 or 5, with or without SE, ReLU or h-swish (MobileNetV3-Small mixes all of them).</summary>
    private static readonly CandidateOp[] CompactOps =
    [
        new(3, false, Activation.Relu), new(5, false, Activation.Relu), new(3, true, Activation.Relu), new(5, true, Activation.Relu),
        new(3, false, Activation.HSwish), new(5, false, Activation.HSwish), new(3, true, Activation.HSwish), new(5, true, Activation.HSwish),
    ];

    /// <summary>Hidden width option of the e1 block: no 1x1 expansion conv, the depthwise conv runs on the block's input.</summary>
    internal const int E1 = 0;

    /// <summary>
    /// Compact space for 28-64 px inputs (Auto uses it below 96 px): stride-1 stem and three downsamplings; resolution options full and, from
    /// 49 px, 1/2 (see <see cref="CompactSubsamples"/>). It
    /// holds the hand-designed networks the search has to beat (a test checks each): HandCNN-28 as is (ReLU stem and
    /// head, e1 blocks up to 256 wide at 4x4), Compact-M, and MobileNetV3-Small-28 at half width (SE with ReLU, five
    /// blocks at 7x7, head 288). Blocks choose e1 (no expansion conv) or a hidden width; the stem and head choose their
    /// activation, the head its width. From about 0.1 to 60 M multiply-adds at 28 px.
    /// </summary>
    public static SearchSpace Compact(int inputChannels = 1, int inputSize = 28, int numClasses = 10) =>
        CompactWithResolutions(inputChannels, inputSize, numClasses, CompactSubsamples(inputSize));

    /// <summary>
    /// The compact space's resolution options: full resolution, and half resolution only where the half-resolution
    /// network's last stage still works on at least a 4x4 map, as the full-resolution one does at 28 px (from 49 px).
    /// Below that it ends at 2x2 or 3x3 (28 px: 14, 7, 4, 2), where 3x3 and 5x5 depthwise kernels see mostly padding,
    /// and the supernet's shared weights rank it wrongly: on Fashion-MNIST (28 px) the search picked it at 5 MFLOPs and
    /// it scored 89.65 % trained from scratch against 91.5-92.0 % for the full-resolution picks, and the same network
    /// at full resolution and fewer FLOPs won on two data sets (docs/benchmarks.md, "Half resolution at 28 px").
    /// </summary>
    public static int[] CompactSubsamples(int inputSize) =>
        MapSize(inputSize, 2, CompactStemStride, CompactStages()) >= 4 ? [1, 2] : [1];

    /// <summary>The compact space with explicit resolution options (tests exercise resolution mixing at small sizes).</summary>
    internal static SearchSpace CompactWithResolutions(int inputChannels, int inputSize, int numClasses, int[] subsamples) => new(
        inputChannels, inputSize, numClasses, subsamples, StageSpace.Range(8, 16), CompactStemStride, CompactStages(),
        new HeadSpec(384, 0, Activation.HSwish), [Activation.Relu, Activation.HSwish], StageSpace.Range(128, 384, 32), [Activation.Relu, Activation.HSwish]);

    private const int CompactStemStride = 1;

    /// <summary>The compact preset's stages (a fresh list per space: spaces do not share their stage objects).</summary>
    private static List<StageSpace> CompactStages() =>
    [
        new StageSpace(StageSpace.Range(8, 32), 1, 1, [E1, .. StageSpace.Range(16, 32)], CompactOps),
        new StageSpace(StageSpace.Range(16, 64), 2, 3, [E1, .. StageSpace.Range(32, 96)], CompactOps),
        new StageSpace([.. StageSpace.Range(24, 64), .. StageSpace.Range(80, 128, 16)], 2, 5, [E1, .. StageSpace.Range(48, 144)], CompactOps),
        new StageSpace([.. StageSpace.Range(48, 96, 16), .. StageSpace.Range(128, 256, 32)], 2, 3, [E1, .. StageSpace.Range(96, 288, 16)], CompactOps),
    ];

    private static readonly CandidateOp[] ImageNetOps =
    [
        new(3, false, Activation.Relu), new(5, false, Activation.Relu), new(3, false, Activation.HSwish), new(5, false, Activation.HSwish),
        new(3, true, Activation.HSwish), new(5, true, Activation.HSwish),
    ];

    /// <summary>FBNetV2-style space for 128 px and up: stride-2 stem, stages with strides 1,2,2,2,1,2 and widths as in FBNetV2's F/L models.</summary>
    public static SearchSpace ImageNet(int inputChannels = 3, int inputSize = 224, int numClasses = 1000) => new(
        inputChannels, inputSize, numClasses, [1, 2], StageSpace.Range(8, 16), 2,
        [
            new StageSpace(StageSpace.Range(8, 16), 1, 1, StageSpace.Range(8, 32), ImageNetOps),
            new StageSpace(StageSpace.Range(16, 32), 2, 4, StageSpace.Range(32, 192, 16), ImageNetOps),
            new StageSpace(StageSpace.Range(24, 48), 2, 4, StageSpace.Range(48, 288, 24), ImageNetOps),
            new StageSpace(StageSpace.Range(56, 112, 8), 2, 6, StageSpace.Range(96, 672, 48), ImageNetOps),
            new StageSpace(StageSpace.Range(96, 160, 16), 1, 6, StageSpace.Range(192, 960, 96), ImageNetOps),
            new StageSpace(StageSpace.Range(144, 224, 16), 2, 6, StageSpace.Range(288, 1344, 96), ImageNetOps),
        ],
        new HeadSpec(1344, 1984, Activation.HSwish));
}
