using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Search;

/// <summary>
/// A searched layer: the shared candidate block (type, hidden width) plus skip for depth after a stage's first
/// block; the stage's output-width mask is applied inside the block.
/// </summary>
internal sealed class SuperLayer : nn.Module
{
    private readonly (SuperBlock Block, long[] Ops)[] kinds;

    /// <param name="stage">The stage's options.</param>
    /// <param name="stageIndex">Stage index (0-based).</param>
    /// <param name="blockIndex">Block index within the stage (0-based).</param>
    /// <param name="inWidths">Width options of the layer's input (the stem's or previous stage's for a first block, else the stage's).</param>
    public SuperLayer(StageSpace stage, int stageIndex, int blockIndex, int[] inWidths) : base(nameof(SuperLayer))
    {
        StageIndex = stageIndex;
        BlockIndex = blockIndex;
        int inMax = inWidths.Max();
        // Hidden width 0 is the e1 option: its inner map is the input, so the inner maps reach the input's maximum width.
        HasE1 = stage.HiddenWidths.Contains(SearchSpace.E1);
        int hiddenMax = Math.Max(stage.HiddenWidths.Max(), HasE1 ? inMax : 0);
        static int SqueezeOf(int hidden) => hidden == 0 ? 0 : Divisible.MakeDivisible(hidden / 4, 8);
        int squeezeMax = SqueezeOf(hiddenMax);
        Hidden = new ChannelMask(stage.HiddenWidths, hiddenMax);
        Squeeze = new ChannelMask(stage.HiddenWidths.Select(SqueezeOf).ToArray(), squeezeMax);
        if (HasE1)
        {
            E1Index = Array.IndexOf(stage.HiddenWidths, SearchSpace.E1);
            InputHidden = new ChannelMask(inWidths, hiddenMax);
            InputSqueeze = new ChannelMask(inWidths.Select(SqueezeOf).ToArray(), squeezeMax);
        }
        // One super-module per block kind among the candidates, each at maximum widths with its kind's candidates masked
        // inside it. The inverted residual keeps the parameter name "block" so that saved supernets still load.
        kinds = stage.Ops.Select((op, i) => (op, i)).GroupBy(t => t.op.Kind).Select(group =>
        {
            var ops = group.Select(t => t.op).ToArray();
            var type = BlockType.Of(group.Key);
            var super = type.Facet<ISearchableBlock>("searchable super-module")
                .CreateSuper(ops, inMax, hiddenMax, stage.Widths.Max(), blockIndex == 0 ? stage.Stride : 1);
            register_module(group.Key == BlockKind.InvertedResidual ? "block" : type.Token, super);
            return (super, group.Select(t => (long)t.i).ToArray());
        }).ToArray();
        Ops = stage.Ops;
        HasSkip = blockIndex > 0 && stage.AllowSkip;
        // After the first block the width is the stage's own and the stride 1, so the residual add always fits; a
        // first block with stride 1 adds its input with the probability that the input and output widths agree.
        Residual = blockIndex > 0;
        MayAddInput = blockIndex == 0 && stage.Stride == 1;
        RegisterComponents();
    }

    public CandidateOp[] Ops { get; }

    /// <summary>The super-module holding candidate <paramref name="op"/> and the op's index inside it.</summary>
    public (SuperBlock Block, int Index) Holder(int op)
    {
        foreach (var (block, ops) in kinds)
            if (Array.IndexOf(ops, (long)op) is int i and >= 0) return (block, i);
        throw new ArgumentOutOfRangeException(nameof(op), $"Layer s{StageIndex + 1}.b{BlockIndex + 1} has {Ops.Length} candidates, not {op + 1}.");
    }

    public int StageIndex { get; }
    public int BlockIndex { get; }
    public ChannelMask Hidden { get; }
    public ChannelMask Squeeze { get; }

    /// <summary>Whether hidden width 0, the e1 block without expansion conv, is an option.</summary>
    public bool HasE1 { get; }
    private int E1Index { get; }
    private ChannelMask? InputHidden { get; }
    private ChannelMask? InputSqueeze { get; }
    public bool HasSkip { get; }
    public bool Residual { get; }
    public bool MayAddInput { get; }

    /// <param name="x">Input, already masked to its effective width.</param>
    /// <param name="outMask">The stage's output-width mask [rows, Cmax, 1, 1].</param>
    /// <param name="gOp">Block-type weights [rows, ops (+1 for skip)].</param>
    /// <param name="gHidden">Hidden-width weights [rows, options].</param>
    /// <param name="gIn">Weights [rows, options] of the input's width decision (the e1 option's inner width is the input's).</param>
    /// <param name="sameWidth">For a first block with stride 1: weight [rows] of "input width equals output width".</param>
    public Tensor forward(Tensor x, Tensor outMask, Tensor gOp, Tensor gHidden, Tensor gIn, Tensor? sameWidth = null)
    {
        using var scope = NewDisposeScope();
        int ops = Ops.Length;
        var gBlock = gOp[.., TensorIndex.Slice(0, ops)];
        var keep = gBlock.sum(1, keepdim: true);
        Tensor? y = null;
        if (keep.requires_grad || keep.abs().max().item<float>() > 0)
        {
            // Block-type weights given that the layer is kept. The keep weight scales the block's output through its output
            // mask, which folds into the last BN's scale and shift instead of costing a pass over the map.
            var g = gBlock / keep.AtLeast(1e-6);
            var masks = Masks(gHidden, gIn, outMask * keep.reshape(-1, 1, 1, 1));
            if (kinds.Length == 1) y = kinds[0].Block.forward(x, masks, g);
            else
            {
                // Several kinds: each super-module mixes its own candidates (weights renormalised within the kind) and
                // the kinds are mixed by their total weight; a kind a fixed choice gives no weight is not run.
                foreach (var (block, index) in kinds)
                {
                    var gKind = g.index_select(1, tensor(index, device: g.device));
                    var wKind = gKind.sum(1, keepdim: true);
                    if (!wKind.requires_grad && wKind.abs().max().item<float>() == 0) continue;
                    var part = block.forward(x, masks, gKind / wKind.AtLeast(1e-6))
                        * wKind.reshape(-1, 1, 1, 1);
                    y = y.PlusOrFirst(part);
                }
            }
            // keep * (block + x) + skip * x = keep * block + x, since keep + skip = 1 (the skip weight's gradient then comes
            // through the softmax alone: a gradient shift common to every option of a decision does not reach its logits).
            if (Residual) y = y!.Plus(x);
            else if (MayAddInput && sameWidth is not null) y = y!.addcmul(MatchChannels(x, y!.shape[1]), (sameWidth * keep.flatten()).reshape(-1, 1, 1, 1), TorchScalars.One);
        }
        else if (HasSkip) y = x.alias(); // skipped by a fixed choice
        // The block's output is masked inside it and x arrives masked, so the sum needs no mask of its own.
        return y!.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The layer's masks: the hidden-width options with an expansion conv mask its output; the e1 option adds the
    /// input's width mask, weighted by its probability, to the inner-map and SE masks.
    /// </summary>
    private SuperBlock.LayerMasks Masks(Tensor gHidden, Tensor gIn, Tensor outMask)
    {
        var expand = Hidden.Mask(gHidden); // the e1 option's row is all zeros
        var squeeze = Squeeze.Mask(gHidden);
        if (!HasE1) return new(expand, expand, squeeze, outMask, null);
        var direct = gHidden[.., E1Index].to_type(expand.dtype).reshape(-1, 1, 1, 1);
        var hidden = expand.Plus(InputHidden!.Mask(gIn) * direct);
        squeeze = squeeze.Plus(InputSqueeze!.Mask(gIn) * direct);
        bool none = !direct.requires_grad && direct.abs().max().item<float>() == 0; // a fixed choice with an expansion conv
        return new(expand, hidden, squeeze, outMask, none ? null : direct);
    }

    /// <summary>
    /// The input brought to the output's maximum width for the residual add of a stride-1 first block whose stage
    /// widths differ from the previous stage's (the ImageNet preset's stride-1 stages). The add only counts when the
    /// chosen input and output widths are equal, and then both are at most the smaller maximum and every channel
    /// above it is masked to zero: dropping the input's extra channels or padding zeros is exact at one-hot weights.
    /// </summary>
    private static Tensor MatchChannels(Tensor x, long channels)
    {
        long have = x.shape[1];
        if (have == channels) return x;
        if (have > channels) return x.narrow(1, 0, channels);
        return nn.functional.pad(x, [0, 0, 0, 0, 0, channels - have]);
    }
}
