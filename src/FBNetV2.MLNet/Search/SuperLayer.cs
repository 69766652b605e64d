using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Search;

/// <summary>
/// A searched layer: a Gumbel-weighted sum of candidate block types (FBNet), plus skip for depth after a stage's first
/// block, sharing one hidden-width mask; the stage's output-width mask is applied to the sum.
/// </summary>
public sealed class SuperLayer : nn.Module
{
    public readonly ModuleList<SuperInvertedResidual> ops;

    public SuperLayer(StageSpace stage, int stageIndex, int blockIndex, int inMax) : base(nameof(SuperLayer))
    {
        StageIndex = stageIndex;
        BlockIndex = blockIndex;
        int stride = blockIndex == 0 ? stage.Stride : 1;
        Hidden = new ChannelMask(stage.HiddenWidths);
        ops = new ModuleList<SuperInvertedResidual>(stage.Ops.Select(op => new SuperInvertedResidual(op, inMax, Hidden.Max, stage.Widths.Max(), stride)).ToArray());
        HasSkip = blockIndex > 0 && stage.AllowSkip;
        // After the first block the width is the stage's own and the stride 1, so the residual add always fits.
        Residual = blockIndex > 0;
        RegisterComponents();
    }

    public int StageIndex { get; }
    public int BlockIndex { get; }
    public ChannelMask Hidden { get; }
    public bool HasSkip { get; }
    public bool Residual { get; }

    /// <param name="x">Input, already masked to its effective width.</param>
    /// <param name="outMask">The stage's output-width mask [rows, Cmax, 1, 1].</param>
    /// <param name="gOp">Block-type weights [rows, ops (+1 for skip)].</param>
    /// <param name="gHidden">Hidden-width weights [rows, options].</param>
    public Tensor forward(Tensor x, Tensor outMask, Tensor gOp, Tensor gHidden)
    {
        using var scope = NewDisposeScope();
        var hiddenMask = Hidden.Mask(gHidden);
        Tensor? sum = null;
        for (int k = 0; k < ops.Count; k++)
        {
            var w = gOp[.., k].reshape(-1, 1, 1, 1);
            // A fixed (one-hot) choice runs only the chosen op: same result, a fraction of the work.
            if (!w.requires_grad && w.abs().max().item<float>() == 0) continue;
            var y = ops[k].forward(x, hiddenMask);
            if (Residual) y = y + x;
            sum = sum is null ? w * y : sum + w * y;
        }
        if (HasSkip)
        {
            var w = gOp[.., ops.Count].reshape(-1, 1, 1, 1);
            sum = sum is null ? w * x : sum + w * x;
        }
        return (sum! * outMask).MoveToOuterDisposeScope();
    }
}
