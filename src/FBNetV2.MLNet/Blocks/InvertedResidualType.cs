using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Latency;
using FBNetV2.MLNet.Network;
using FBNetV2.MLNet.Onnx;
using FBNetV2.MLNet.Search;
using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Blocks;

/// <summary>
/// Inverted residual (MobileNetV2/V3, FBNet): [1x1 expand] -> kxk depthwise -> [SE] -> 1x1 linear projection, plus the
/// input when shapes agree. Token <c>ir_k{kernel}_e{expansion}|h{hidden}_c{out}[_s{stride}][_se][_hs|_relu]</c>; <c>e1</c>
/// means no expansion conv (the depthwise conv runs on the input).
/// </summary>
internal sealed class InvertedResidualType : BlockType, IBlockModuleFactory, IOnnxBlockEmitter, ILatencyBlock, ISearchableBlock
{
    public override BlockKind Kind => BlockKind.InvertedResidual;
    public override string Token => "ir";
    public override IReadOnlyList<string> Keys { get; } = ["k", "e", "h", "c", "s", "se", "hs", "relu"];

    internal override BlockSpec Parse(TokenFields f, int inChannels)
    {
        int kernel = f.Int("k", 3);
        var (hidden, ratio) = f.HiddenOrExpansion(inChannels);
        if (ratio is { } x && (x == 1 || hidden == inChannels)) hidden = 0;
        return BlockSpec.Ir(kernel, hidden, f.Int("c"), f.Int("s", 1), f.Has("se"), f.Activation);
    }

    public override string Format(BlockSpec b, int inChannels) =>
        $"ir_k{b.Kernel}_{TokenFields.Width(b.Hidden, inChannels, zeroIsE1: true)}_c{b.OutChannels}" + (b.Stride != 1 ? $"_s{b.Stride}" : "")
        + (b.SqueezeExcite ? "_se" : "") + TokenFields.Act(b.Activation);

    public override IEnumerable<(string Part, long Flops, long Params)> Costs(BlockSpec b, int inC, int inSize)
    {
        int outSize = FBNetArchitecture.ConvOut(inSize, b.Stride);
        int hidden = b.HiddenWidth(inC);
        if (b.Hidden != 0) { var (f, p) = ArchitectureCost.ConvBn(inC, hidden, 1, inSize); yield return ("pw", f, p); }
        { var (f, p) = ArchitectureCost.ConvBn(hidden, hidden, b.Kernel, outSize, hidden); yield return ("dw", f, p); }
        if (b.SqueezeExcite)
        {
            int r = b.SqueezeWidth(inC);
            var (f1, p1) = ArchitectureCost.Linear(hidden, r);
            var (f2, p2) = ArchitectureCost.Linear(r, hidden);
            yield return ("se", f1 + f2, p1 + p2);
        }
        { var (f, p) = ArchitectureCost.ConvBn(hidden, b.OutChannels, 1, outSize); yield return ("pwl", f, p); }
    }

    public override bool HasResidual(BlockSpec b, int inChannels) => b.Stride == 1 && inChannels == b.OutChannels;

    public nn.Module<Tensor, Tensor> CreateModule(BlockSpec spec, int inChannels) => new InvertedResidualBlock(spec, inChannels);

    public string Emit(OnnxGraphBuilder g, string name, nn.Module<Tensor, Tensor> module, string x, bool residual) =>
        OnnxExporter.EmitInvertedResidual(g, name, (InvertedResidualBlock)module, x, residual);

    /// <summary>Blocks with an expansion conv and e1 blocks (no expansion conv) are separate families.</summary>
    public string LatencyKey(BlockSpec spec, int inSize) => spec.Hidden != 0
        ? LatencyKeys.Block(spec.Kernel, spec.SqueezeExcite, spec.Activation, spec.Stride, inSize)
        : LatencyKeys.BlockWithoutExpansion(spec.Kernel, spec.SqueezeExcite, spec.Activation, spec.Stride, inSize);

    /// <summary>Input, hidden and output width; an e1 block's hidden width is its input width, so its family has two axes.</summary>
    public double[] LatencyWidths(BlockSpec spec, int inChannels) =>
        spec.Hidden != 0 ? [inChannels, spec.Hidden, spec.OutChannels] : [inChannels, spec.OutChannels];

    public SuperBlock CreateSuper(CandidateOp[] ops, int inMax, int hiddenMax, int outMax, int stride) =>
        new SuperInvertedResidual(ops, inMax, hiddenMax, outMax, stride);
}
