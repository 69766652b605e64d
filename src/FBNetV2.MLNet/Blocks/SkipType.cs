using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Network;
using FBNetV2.MLNet.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Blocks;

/// <summary>
/// Skip: identity when width and size are kept (how depth is searched), else a 1x1 conv (BN, ReLU). Token
/// <c>skip[_c{out}][_s{stride}]</c>. It has no latency family of its own (an identity costs nothing) and is searched
/// as the skip option of a layer, not as a candidate.
/// </summary>
internal sealed class SkipType : BlockType, IBlockModuleFactory, IOnnxBlockEmitter
{
    public override BlockKind Kind => BlockKind.Skip;
    public override string Token => "skip";
    public override IReadOnlyList<string> Keys { get; } = ["c", "s"];

    internal override BlockSpec Parse(TokenFields f, int inChannels) => BlockSpec.SkipTo(f.Int("c", inChannels), f.Int("s", 1));

    public override string Format(BlockSpec b, int inChannels) =>
        "skip" + (b.OutChannels != inChannels ? $"_c{b.OutChannels}" : "") + (b.Stride != 1 ? $"_s{b.Stride}" : "");

    public override IEnumerable<(string Part, long Flops, long Params)> Costs(BlockSpec b, int inC, int inSize)
    {
        if (IsIdentity(b, inC)) yield break;
        var (f, p) = ArchitectureCost.ConvBn(inC, b.OutChannels, 1, FBNetArchitecture.ConvOut(inSize, b.Stride));
        yield return ("proj", f, p);
    }

    public override void Validate(BlockSpec b, int inChannels, string where)
    {
        if (b.SqueezeExcite || b.Hidden != 0) throw new ArgumentException($"{where}: a skip block has no hidden width or SE.");
    }

    public override int CheckedKernel(BlockSpec block) => 1;

    public override bool IsIdentity(BlockSpec b, int inChannels) => b.Stride == 1 && inChannels == b.OutChannels;

    public nn.Module<Tensor, Tensor> CreateModule(BlockSpec spec, int inChannels) => new SkipBlock(spec, inChannels);

    public string Emit(OnnxGraphBuilder g, string name, nn.Module<Tensor, Tensor> module, string x, bool residual) =>
        ((SkipBlock)module).proj is { } proj ? OnnxExporter.EmitConvBnAct(g, $"{name}.proj", proj, x) : x;
}
