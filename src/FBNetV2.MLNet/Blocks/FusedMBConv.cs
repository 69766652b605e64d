using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Latency;
using FBNetV2.MLNet.Network;
using FBNetV2.MLNet.Onnx;
using FBNetV2.MLNet.Search;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Blocks;

/// <summary>
/// Fused MBConv (EfficientNetV2; timm's EdgeResidual): a full kxk conv from the input to the hidden width (BN,
/// activation), optional SE, a 1x1 linear projection (BN), plus the input when shapes agree. On small maps a full conv
/// runs faster than a 1x1 expansion and a depthwise conv. Token <c>fused_k{kernel}_e{expansion}|h{hidden}_c{out}
/// [_s{stride}][_se][_hs|_relu]</c>; unlike <c>ir</c>, <c>e1</c> keeps the conv (hidden = input width, rounded to 8).
/// This file is the whole kind: descriptor, module and searchable super-module.
/// </summary>
internal sealed class FusedMBConvType : BlockType, IBlockModuleFactory, IOnnxBlockEmitter, ILatencyBlock, ISearchableBlock
{
    public override BlockKind Kind => BlockKind.Fused;
    public override string Token => "fused";
    public override IReadOnlyList<string> Keys { get; } = ["k", "e", "h", "c", "s", "se", "hs", "relu"];

    internal override BlockSpec Parse(TokenFields f, int inChannels) =>
        new(BlockKind.Fused, f.Int("c"), f.Int("s", 1), f.Int("k", 3), f.HiddenOrExpansion(inChannels).Hidden, f.Has("se"), f.Activation);

    public override string Format(BlockSpec b, int inChannels) =>
        $"fused_k{b.Kernel}_{TokenFields.Width(b.Hidden, inChannels, zeroIsE1: false)}_c{b.OutChannels}" + (b.Stride != 1 ? $"_s{b.Stride}" : "")
        + (b.SqueezeExcite ? "_se" : "") + TokenFields.Act(b.Activation);

    public override IEnumerable<(string Part, long Flops, long Params)> Costs(BlockSpec b, int inC, int inSize)
    {
        int outSize = FBNetArchitecture.ConvOut(inSize, b.Stride);
        { var (f, p) = ArchitectureCost.ConvBn(inC, b.Hidden, b.Kernel, outSize); yield return ("conv", f, p); }
        if (b.SqueezeExcite)
        {
            int r = b.SqueezeWidth(inC);
            var (f1, p1) = ArchitectureCost.Linear(b.Hidden, r);
            var (f2, p2) = ArchitectureCost.Linear(r, b.Hidden);
            yield return ("se", f1 + f2, p1 + p2);
        }
        { var (f, p) = ArchitectureCost.ConvBn(b.Hidden, b.OutChannels, 1, outSize); yield return ("pwl", f, p); }
    }

    public override void Validate(BlockSpec b, int inChannels, string where)
    {
        if (b.Hidden < 1) throw new ArgumentException($"{where}: a fused block needs a hidden width (e.g. e4 or h96), got {b.Hidden}.");
    }

    public override int HiddenWidth(BlockSpec b, int inChannels) => b.Hidden;

    public override bool HasResidual(BlockSpec b, int inChannels) => b.Stride == 1 && inChannels == b.OutChannels;

    public nn.Module<Tensor, Tensor> CreateModule(BlockSpec spec, int inChannels) => new FusedMBConvBlock(spec, inChannels);

    public string Emit(OnnxGraphBuilder g, string name, nn.Module<Tensor, Tensor> module, string x, bool residual)
    {
        var block = (FusedMBConvBlock)module;
        var y = OnnxExporter.EmitConvBnAct(g, $"{name}.conv", block.conv, x);
        if (block.se is not null) y = OnnxExporter.EmitSqueezeExcite(g, $"{name}.se", block.se, y);
        y = OnnxExporter.EmitConvBnAct(g, $"{name}.pwl", block.pwl, y);
        return residual && block.Residual ? g.Node("Add", $"{name}.add", [y, x]) : y;
    }

    public string LatencyKey(BlockSpec spec, int inSize) =>
        LatencyKeys.Block(Token, spec.Kernel, spec.SqueezeExcite, spec.Activation, spec.Stride, inSize);

    public double[] LatencyWidths(BlockSpec spec, int inChannels) => [inChannels, spec.Hidden, spec.OutChannels];

    public SuperBlock CreateSuper(CandidateOp[] ops, int inMax, int hiddenMax, int outMax, int stride) =>
        new SuperFusedMBConv(ops, inMax, hiddenMax, outMax, stride);
}

/// <summary>The TorchSharp module of a fused MBConv block.</summary>
internal sealed class FusedMBConvBlock : nn.Module<Tensor, Tensor>
{
    internal readonly ConvBnAct conv;
    internal readonly SqueezeExcite? se;
    internal readonly ConvBnAct pwl;

    public FusedMBConvBlock(BlockSpec spec, int inChannels) : base(nameof(FusedMBConvBlock))
    {
        conv = new ConvBnAct(inChannels, spec.Hidden, spec.Kernel, spec.Stride, spec.Activation);
        if (spec.SqueezeExcite) se = new SqueezeExcite(spec.Hidden, spec.SqueezeWidth(inChannels));
        pwl = new ConvBnAct(spec.Hidden, spec.OutChannels, 1, 1, null);
        Residual = spec.HasResidual(inChannels);
        RegisterComponents();
    }

    public bool Residual { get; }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = conv.forward(x);
        if (se is not null) y = se.forward(y);
        y = pwl.forward(y);
        if (Residual) y = y.Plus(x);
        return y.MoveToOuterDisposeScope();
    }
}

/// <summary>
/// The fused candidates of a searched layer as one fused block at maximum widths: one full conv at the largest kernel
/// from the maximum input width to the maximum hidden width, smaller kernels as centre masks, the hidden-width mask on
/// its BN output and the output-width mask on the projection's (as in <see cref="SuperInvertedResidual"/>). The input
/// arrives masked to its chosen width, so the conv's extra input channels see zeros. At one-hot weights it is exactly
/// the chosen fused block.
/// </summary>
internal sealed class SuperFusedMBConv : SuperBlock
{
    internal readonly Conv2d conv;
    internal readonly BatchNorm2d conv_bn;
    internal readonly SqueezeExcite? se;
    internal readonly ConvBnAct pwl;

    public SuperFusedMBConv(CandidateOp[] ops, int inMax, int hiddenMax, int outMax, int stride) : base(nameof(SuperFusedMBConv), ops)
    {
        conv = nn.Conv2d(inMax, hiddenMax, MaxKernel, stride: stride, padding: MaxKernel / 2, bias: false);
        conv_bn = nn.BatchNorm2d(hiddenMax);
        if (ops.Any(o => o.SqueezeExcite)) se = new SqueezeExcite(hiddenMax, Divisible.MakeDivisible(hiddenMax / 4, 8));
        pwl = new ConvBnAct(hiddenMax, outMax, 1, 1, null);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, LayerMasks m, Tensor g)
    {
        using var scope = NewDisposeScope();
        // A fused block always has its conv: a space with the e1 option and fused candidates is refused.
        var y = Activate(MaskedBatchNorm.Forward(conv_bn, MixedKernelConv(conv, x, g), m.Hidden), ActivationWeights(g));
        y = MixedSqueezeExcite(se, y, m.Squeeze, g);
        return MaskedBatchNorm.Forward(pwl.bn, pwl.conv.forward(y), m.Out).MoveToOuterDisposeScope();
    }

    public override void CopyInto(nn.Module<Tensor, Tensor> target, BlockSpec spec)
    {
        var block = (FusedMBConvBlock)target;
        CopyConvBn(block.conv, conv, conv_bn);
        if (block.se is not null) CopySqueezeExcite(block.se, se!);
        CopyConvBn(block.pwl, pwl.conv, pwl.bn);
    }
}
