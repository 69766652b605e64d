using System.Collections.ObjectModel;

namespace FBNetV2.MLNet.Architecture;

/// <summary>
/// A network as pure data: input, stem, stages of blocks, head and class count. The network, the exact costs, the
/// ONNX export and the search all read this one description.
/// </summary>
public sealed class FBNetArchitecture : IEquatable<FBNetArchitecture>
{
    /// <summary>Largest supported width or input size; far above any mobile network, it keeps typos from allocating terabytes.</summary>
    public const int MaxWidth = 8192;

    /// <summary>Describes a network and checks it; widths, kernels, strides and sizes out of range are an <see cref="ArgumentException"/> naming the block.</summary>
    /// <param name="inputChannels">1 for gray images, 3 for RGB.</param>
    /// <param name="inputSize">Side of the square image the pipeline feeds, in pixels.</param>
    /// <param name="stem">The first conv.</param>
    /// <param name="stages">The blocks, grouped in stages (a stage usually starts with a downsampling block).</param>
    /// <param name="head">The layers between the last block and the classifier.</param>
    /// <param name="numClasses">Classes the classifier scores; at least 2.</param>
    /// <param name="subsample">The network works on every <paramref name="subsample"/>-th pixel of the input (1: all of them).</param>
    public FBNetArchitecture(int inputChannels, int inputSize, StemSpec stem, IEnumerable<IEnumerable<BlockSpec>> stages,
        HeadSpec head, int numClasses, int subsample = 1)
    {
        InputChannels = inputChannels;
        InputSize = inputSize;
        Subsample = subsample;
        Stem = stem;
        Stages = new ReadOnlyCollection<IReadOnlyList<BlockSpec>>(stages.Select(s => (IReadOnlyList<BlockSpec>)s.ToArray()).ToArray());
        Head = head;
        NumClasses = numClasses;
        Validate();
    }

    /// <summary>Channels of the input image (1 gray, 3 RGB).</summary>
    public int InputChannels { get; }

    /// <summary>Height and width of the image the pipeline feeds (square).</summary>
    public int InputSize { get; }

    /// <summary>
    /// Resolution factor r (token <c>_sub{r}</c>), as searched by DMaskingNAS's resolution choice: the network first
    /// averages the input over r x r windows with stride r (the last window of a size not divisible by r averages the
    /// pixels it covers), so the stem runs on a <see cref="Resolution"/>-sized map. Average pooling rather than picking
    /// every r-th pixel, which aliased fine detail (docs/benchmarks.md, "Pooled resolution option"). Architecture strings
    /// and JSON saved when r &gt; 1 meant that strided pick now build the pooled network; an ONNX model or model.zip
    /// exported then keeps its strided Slice node (the graph carries its operator) and so its old function.
    /// </summary>
    public int Subsample { get; }

    /// <summary>Size of the map the stem runs on: ceil(InputSize / Subsample).</summary>
    public int Resolution => (InputSize + Subsample - 1) / Subsample;

    /// <summary>The first conv, on the (subsampled) input.</summary>
    public StemSpec Stem { get; }

    /// <summary>The blocks in order, grouped in stages; each block's input is the previous block's output (the stem's for the first).</summary>
    public IReadOnlyList<IReadOnlyList<BlockSpec>> Stages { get; }

    /// <summary>The optional 1x1 conv and fully connected layer before the classifier.</summary>
    public HeadSpec Head { get; }

    /// <summary>Number of classes the classifier outputs.</summary>
    public int NumClasses { get; }

    /// <summary>All blocks in order, with the width and size of the map each one receives.</summary>
    public IEnumerable<(BlockSpec Block, int InChannels, int InSize, int StageIndex, int IndexInStage)> Blocks()
    {
        int c = Stem.OutChannels, size = ConvOut(Resolution, Stem.Stride);
        for (int s = 0; s < Stages.Count; s++)
            for (int b = 0; b < Stages[s].Count; b++)
            {
                var block = Stages[s][b];
                yield return (block, c, size, s, b);
                c = block.OutChannels;
                size = ConvOut(size, block.Stride);
            }
    }

    /// <summary>Width of the last block's output (the head's input).</summary>
    public int BodyChannels => Stages.SelectMany(s => s).LastOrDefault()?.OutChannels ?? Stem.OutChannels;

    /// <summary>Spatial size of the last block's output.</summary>
    public int BodySize => Blocks().Select(b => ConvOut(b.InSize, b.Block.Stride)).DefaultIfEmpty(ConvOut(Resolution, Stem.Stride)).Last();

    /// <summary>Width of the vector the classifier reads.</summary>
    public int ClassifierInput => Head.Features > 0 ? Head.Features : Head.Channels > 0 ? Head.Channels : BodyChannels;

    /// <summary>Output size of a "same"-padded conv with odd kernel: ceil(size / stride).</summary>
    internal static int ConvOut(int size, int stride) => (size + stride - 1) / stride;

    /// <summary>The same network with a classifier for <paramref name="numClasses"/> classes (to fit a predefined network to a data set).</summary>
    public FBNetArchitecture WithClasses(int numClasses) => new(InputChannels, InputSize, Stem, Stages, Head, numClasses, Subsample);

    /// <summary>The same stem, blocks and head on another input: channels (1 or 3), size in pixels and subsampling factor.</summary>
    public FBNetArchitecture WithInput(int inputChannels, int inputSize, int subsample = 1) =>
        new(inputChannels, inputSize, Stem, Stages, Head, NumClasses, subsample);

    /// <summary>Exact multiply-adds of one forward pass for one image.</summary>
    public long Flops => ArchitectureCost.Of(this).Flops;

    /// <summary>Exact number of trainable parameters (equals the TorchSharp module's own count).</summary>
    public long Parameters => ArchitectureCost.Of(this).Parameters;

    /// <summary>The compact string form, e.g. <c>in_c1_s28|conv_k3_c16_s1_hs|ir_k3_e4_c24_s2,ir_k5_h96_c24_se_hs|head_c256|cls10</c>.</summary>
    public override string ToString() => ArchitectureString.Format(this);

    /// <summary>
    /// Reads the string form that <see cref="ToString"/> writes, one token per block in the style of timm / mobile-vision:
    /// <c>in_c1_s28|conv_k3_c16_s1_hs|ir_k3_e1_c16|ir_k5_e4_c24_s2,ir_k3_h72_c24_se_hs,skip|head_c256_f0_hs|cls10</c>.
    /// Segments are separated by '|': input (<c>in_c{channels}_s{size}[_sub{subsample}]</c>), stem
    /// (<c>conv_k{kernel}_c{out}_s{stride}</c>), one segment per stage with its blocks separated by ',', head
    /// (<c>head_c{channels}_f{features}</c>) and classes (<c>cls{n}</c>). Blocks: <c>ir_k{kernel}_e{expansion}_c{out}[_s{stride}][_se][_hs]</c>
    /// (inverted residual), <c>fused_k{kernel}_e{expansion}_c{out}[...]</c> (fused MBConv) and <c>skip[_c{out}][_s{stride}]</c>;
    /// <c>h{hidden}</c> may stand for <c>e{expansion}</c>, which rounds input width * expansion to a multiple of 8 as FBNet
    /// does (for <c>ir</c>, <c>e1</c> means no expansion conv). <c>_hs</c> selects h-swish, <c>_relu</c> or nothing ReLU.
    /// </summary>
    /// <exception cref="FormatException">The text is malformed or describes an invalid network; the message names the segment and token and says what was expected.</exception>
    public static FBNetArchitecture Parse(string text) => ArchitectureString.Parse(text);

    /// <summary>True when both describe the same network (their string forms are equal).</summary>
    public bool Equals(FBNetArchitecture? other) => other is not null && ToString() == other.ToString();

    /// <summary>True when <paramref name="obj"/> is an architecture that describes the same network.</summary>
    public override bool Equals(object? obj) => Equals(obj as FBNetArchitecture);

    /// <summary>A hash of the string form, consistent with <see cref="Equals(FBNetArchitecture?)"/>.</summary>
    public override int GetHashCode() => ToString().GetHashCode();

    private void Validate()
    {
        static void Check(bool ok, string message) { if (!ok) throw new ArgumentException(message); }
        Check(InputChannels is 1 or 3, $"Input channels must be 1 (grayscale) or 3 (RGB), got {InputChannels}.");
        Check(InputSize is >= 1 and <= MaxWidth, $"Input size must be between 1 and {MaxWidth} pixels, got {InputSize}.");
        Check(Subsample >= 1 && Subsample <= InputSize, $"Subsample must be between 1 and the input size {InputSize}, got {Subsample}.");
        Check(NumClasses >= 2, $"A classifier needs at least 2 classes, got {NumClasses}.");
        CheckConv("stem", Stem.OutChannels, Stem.Kernel, Stem.Stride);
        CheckActivation("stem", Stem.Activation);
        CheckActivation("head", Head.Activation);
        Check(Head.Channels is >= 0 and <= MaxWidth && Head.Features is >= 0 and <= MaxWidth,
            $"Head widths must be between 0 and {MaxWidth}, got {Head.Channels} and {Head.Features}.");
        Check(Resolution > 1 || Stem.Stride == 1, $"stem: stride {Stem.Stride} on a 1x1 input; use a larger input or stride 1.");
        foreach (var (block, inC, inSize, s, i) in Blocks())
        {
            string where = $"stage {s + 1} block {i + 1}";
            var type = BlockType.All.FirstOrDefault(t => t.Kind == block.Kind)
                ?? throw new ArgumentException($"{where}: unknown block kind {(int)block.Kind}; expected {string.Join(" or ", BlockType.All.Select(t => t.Kind))}.");
            CheckActivation(where, block.Activation);
            Check(inSize > 1 || block.Stride == 1,
                $"{where}: stride {block.Stride} would shrink a 1x1 map; the earlier strides already reduce the {InputSize}px input to 1px. Use fewer downsamplings or a larger input.");
            CheckConv(where, block.OutChannels, type.CheckedKernel(block), block.Stride);
            Check(block.Hidden is >= 0 and <= MaxWidth, $"{where}: hidden width must be between 0 and {MaxWidth}, got {block.Hidden}.");
            type.Validate(block, inC, where);
        }
    }

    private static void CheckActivation(string where, Activation activation)
    {
        if (!Enum.IsDefined(activation))
            throw new ArgumentException($"{where}: unknown activation {(int)activation}; expected {string.Join(" or ", Enum.GetNames<Activation>())}.");
    }

    private static void CheckConv(string where, int channels, int kernel, int stride)
    {
        if (channels < 1 || channels > MaxWidth) throw new ArgumentException($"{where}: width must be between 1 and {MaxWidth}, got {channels}.");
        if (kernel < 1 || kernel % 2 == 0 || kernel > 11) throw new ArgumentException($"{where}: kernel must be odd and between 1 and 11, got {kernel}.");
        if (stride is < 1 or > 4) throw new ArgumentException($"{where}: stride must be between 1 and 4, got {stride}.");
    }
}
