using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Network;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Search;

/// <summary>
/// The weight-sharing supernet of a <see cref="SearchSpace"/>. Every conv exists once, at its maximum width; width
/// choices are masks, block types a Gumbel-weighted sum, depth a skip option, resolution a Gumbel mix of
/// pooled-and-reinserted paths. Architecture logits (one vector per decision, in
/// <see cref="SearchSpace.Decisions"/> order) are parameters too, kept apart from the weights.
/// </summary>
internal sealed class Supernet : nn.Module<Tensor, Tensor>
{
    internal readonly ConvBnAct stem;
    internal readonly ModuleList<SuperLayer> layers;
    internal readonly ConvBnAct? head_conv;
    internal readonly Linear? head_fc;
    internal readonly Linear classifier;
    internal readonly ParameterList alphas;
    private readonly Tensor mean;
    private readonly Tensor std;
    private readonly ChannelMask stemMask;
    private readonly ChannelMask[] stageMasks;
    private readonly ChannelMask? headMask;

    public Supernet(SearchSpace space, float[] mean, float[] std) : base(nameof(Supernet))
    {
        Space = space;
        this.mean = tensor(mean).reshape(1, space.InputChannels, 1, 1);
        this.std = tensor(std).reshape(1, space.InputChannels, 1, 1);
        stemMask = new ChannelMask(space.StemWidths);
        stageMasks = space.Stages.Select(s => new ChannelMask(s.Widths)).ToArray();
        stem = new ConvBnAct(space.InputChannels, stemMask.Max, space.StemKernel, space.StemStride, space.StemActivation);
        var list = new List<SuperLayer>();
        int[] inWidths = space.StemWidths;
        for (int s = 0; s < space.Stages.Count; s++)
        {
            for (int b = 0; b < space.Stages[s].MaxBlocks; b++)
                list.Add(new SuperLayer(space.Stages[s], s, b, b == 0 ? inWidths : space.Stages[s].Widths));
            inWidths = space.Stages[s].Widths;
        }
        layers = new ModuleList<SuperLayer>(list.ToArray());
        int c = inWidths.Max();
        // The head conv at its widest option; a searched width masks it as any other width.
        if (space.Head.Channels > 0)
        {
            head_conv = new ConvBnAct(c, space.Head.Channels, 1, 1, space.Head.Activation);
            c = space.Head.Channels;
            if (space.HeadWidths.Length > 1) headMask = new ChannelMask(space.HeadWidths);
        }
        if (space.Head.Features > 0) { head_fc = nn.Linear(c, space.Head.Features); c = space.Head.Features; }
        classifier = nn.Linear(c, space.NumClasses);
        // Uniform start: every option equally likely.
        alphas = new ParameterList(space.Decisions.OptionCounts().Select(n => new Parameter(zeros(n))).ToArray());
        RegisterComponents();
    }

    public SearchSpace Space { get; }

    /// <summary>Gumbel-softmax temperature for the next forward passes.</summary>
    public double Temperature { get; set; } = 5.0;

    /// <summary>Straight-through one-hot samples instead of soft weights.</summary>
    public bool HardSampling { get; set; }

    /// <summary>Draw Gumbel noise per image rather than once per batch.</summary>
    public bool PerSampleNoise { get; set; }

    /// <summary>
    /// Run one architecture drawn from the distribution (one-hot weights without gradient to the logits), so that only
    /// its path is computed: <see cref="SearchOptions.SinglePathWeightSteps"/>.
    /// </summary>
    public bool SinglePath { get; set; }

    /// <summary>
    /// Every width decision (stem, stage, hidden, head) at its widest option, one-hot and without gradient to the logits;
    /// the other decisions as sampled: <see cref="SearchOptions.WidestWidthWarmup"/>.
    /// </summary>
    public bool WidestWidths { get; set; }

    /// <summary>When set, runs this one architecture (one-hot weights) with the shared weights: inherited-weight evaluation.</summary>
    public ArchitectureChoice? FixedChoice { get; set; }

    public IEnumerable<Parameter> WeightParameters() => named_parameters().Where(p => !p.name.StartsWith("alphas.")).Select(p => p.parameter);
    public IEnumerable<Parameter> ArchitectureParameters() => alphas;

    /// <summary>Architecture distribution: softmax of each decision's logits.</summary>
    public Tensor[] Probabilities() => alphas.Select(a => nn.functional.softmax(a, 0)).ToArray();

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var g = Weights(x.shape[0], x.device);
        var y = (x - mean) / std;
        var decisions = Space.Decisions;
        var gRes = g[decisions.IndexOf(DecisionRole.Resolution)];
        var gStem = g[decisions.IndexOf(DecisionRole.StemWidth)];
        var gStemAct = decisions.WeightsOf(g, DecisionRole.StemActivation);
        var gHead = decisions.WeightsOf(g, DecisionRole.HeadWidth);
        var gHeadAct = decisions.WeightsOf(g, DecisionRole.HeadActivation);
        int fullSize = Space.StageInputSize(Space.Stages.Count - 1, 1);
        fullSize = FBNetArchitecture.ConvOut(fullSize, Space.Stages[^1].Stride);
        Tensor? features = null;
        var stageWeights = new List<(Tensor Width, List<(Tensor Op, Tensor Hidden)> Blocks)>();
        for (int s = 0; s < Space.Stages.Count; s++)
        {
            var width = g[decisions.IndexOf(DecisionRole.StageWidth, s)];
            var blocks = new List<(Tensor, Tensor)>();
            for (int b = 0; b < Space.Stages[s].MaxBlocks; b++)
                blocks.Add((g[decisions.IndexOf(DecisionRole.BlockOp, s, b)], g[decisions.IndexOf(DecisionRole.BlockHidden, s, b)]));
            stageWeights.Add((width, blocks));
        }
        for (int j = 0; j < Space.Subsamples.Length; j++)
        {
            var wRes = gRes[.., j].reshape(-1, 1, 1, 1);
            if (!wRes.requires_grad && wRes.abs().max().item<float>() == 0) continue;
            int r = Space.Subsamples[j];
            var h = Activate(Space.StemActivations, gStemAct, MaskedBatchNorm.Forward(stem.bn, stem.conv.forward(ResolutionMixing.Subsample(y, r)), stemMask.Mask(gStem)));
            int layerIndex = 0;
            for (int s = 0; s < Space.Stages.Count; s++)
            {
                var outMask = stageMasks[s].Mask(stageWeights[s].Width);
                var sameWidth = SameWidth(s == 0 ? Space.StemWidths : Space.Stages[s - 1].Widths, s == 0 ? gStem : stageWeights[s - 1].Width,
                    Space.Stages[s].Widths, stageWeights[s].Width);
                bool first = true;
                foreach (var (gOp, gHidden) in stageWeights[s].Blocks)
                {
                    // The input's width decision: the previous stage's (the stem's) for a first block, else the stage's own.
                    var gIn = !first ? stageWeights[s].Width : s == 0 ? gStem : stageWeights[s - 1].Width;
                    h = layers[layerIndex++].forward(h, outMask, gOp, gHidden, gIn, first ? sameWidth : null);
                    first = false;
                }
            }
            if (head_conv is not null)
            {
                var z = head_conv.conv.forward(h);
                z = headMask is null ? BatchNorms.Forward(head_conv.bn, z) : MaskedBatchNorm.Forward(head_conv.bn, z, headMask.Mask(gHead!));
                h = Activate(Space.HeadActivations, gHeadAct, z);
            }
            // Rescale by the density of real positions so that pooling the mix averages each path over its own
            // pixels: at a one-hot choice the pooled features are exactly those of the derived network.
            double density = (double)fullSize * fullSize / (h.shape[2] * h.shape[3]);
            var placed = (ResolutionMixing.Reinsert(h, r, fullSize) * wRes).Times(density);
            features = features.PlusOrFirst(placed);
        }
        var pooled = nn.functional.adaptive_avg_pool2d(features!, [1, 1]).flatten(1);
        if (head_fc is not null) pooled = Activate(Space.HeadActivations, gHeadAct, head_fc.forward(pooled));
        return classifier.forward(pooled).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A searched non-linearity: the one option, or every option's output weighted by its Gumbel weight (exactly the
    /// chosen one at one-hot weights; options a fixed choice gives no weight are not computed).
    /// </summary>
    private static Tensor Activate(Activation[] options, Tensor? g, Tensor z)
    {
        if (g is null) return Activations.Apply(options[0], z);
        var weights = new List<(Activation, Tensor)>();
        for (int i = 0; i < options.Length; i++)
        {
            var w = g[.., i];
            if (!w.requires_grad && w.abs().max().item<float>() == 0) continue;
            var shape = new long[z.dim()];
            Array.Fill(shape, 1L);
            shape[0] = -1;
            weights.Add((options[i], w.to_type(z.dtype).reshape(shape)));
        }
        return ActivationMix.Apply(z, weights.ToArray());
    }

    /// <summary>Weight [rows] that a stage's input width equals its output width (then its first block is residual).</summary>
    private static Tensor SameWidth(int[] inWidths, Tensor gIn, int[] outWidths, Tensor gOut)
    {
        var equal = new float[inWidths.Length * outWidths.Length];
        for (int i = 0; i < inWidths.Length; i++)
            for (int j = 0; j < outWidths.Length; j++) equal[i * outWidths.Length + j] = inWidths[i] == outWidths[j] ? 1f : 0f;
        using var e = tensor(equal, [inWidths.Length, outWidths.Length], dtype: gIn.dtype, device: gIn.device);
        return (gIn.matmul(e) * gOut).sum(1);
    }

    /// <summary>
    /// The plain network of one architecture of the space with the supernet's weights: the first channels of every
    /// conv, the centre of wider kernels, the matching BN statistics. In eval mode it computes exactly what the
    /// supernet computes with <see cref="FixedChoice"/> set to that architecture.
    /// </summary>
    public FBNetNetwork Extract(ArchitectureChoice choice)
    {
        var arch = choice.Derive(Space);
        var net = new FBNetNetwork(arch, mean.data<float>().ToArray(), std.data<float>().ToArray());
        using var _ = no_grad();
        CopyConvBn(net.stem, stem.conv, stem.bn);
        var specs = arch.Blocks().Select(b => b.Block).ToList();
        int layerIndex = 0, blockIndex = 0;
        for (int s = 0; s < Space.Stages.Count; s++)
        {
            var st = Space.Stages[s];
            for (int b = 0; b < st.MaxBlocks; b++, layerIndex++)
            {
                if (choice.Op[s][b] == st.Ops.Length) continue; // skipped: identity, left out of the plain network
                var (source, _) = layers[layerIndex].Holder(choice.Op[s][b]);
                source.CopyInto(net.blocks[blockIndex], specs[blockIndex]);
                blockIndex++;
            }
        }
        if (head_conv is not null) CopyConvBn(net.head_conv!, head_conv.conv, head_conv.bn);
        if (head_fc is not null) { Copy(net.head_fc!.weight!, head_fc.weight!); Copy(net.head_fc.bias!, head_fc.bias!); }
        Copy(net.classifier.weight!, classifier.weight!);
        Copy(net.classifier.bias!, classifier.bias!);
        return net;
    }

    private static void CopyConvBn(ConvBnAct target, Conv2d conv, BatchNorm2d bn) => SuperBlock.CopyConvBn(target, conv, bn);

    private static void Copy(Tensor target, Tensor source) => SuperBlock.Copy(target, source);

    /// <summary>Mixing weights for every decision: Gumbel-softmax samples, or one-hot for a fixed choice.</summary>
    private Tensor[] Weights(long batch, Device device)
    {
        if (FixedChoice is { } choice)
            return ExpectedCost.OneHot(Space, choice).Select(t => t.to_type(ScalarType.Float32).unsqueeze(0).to(device)).ToArray();
        long rows = PerSampleNoise ? batch : 1;
        var weights = SinglePath ? alphas.Select(a => GumbelSoftmax.SampleOneHot(a)).ToArray()
            : alphas.Select(a => GumbelSoftmax.Sample(a, Temperature, rows, HardSampling)).ToArray();
        if (WidestWidths)
            for (int i = 0; i < weights.Length; i++)
                if (WidestOption(Space, i) is int widest and >= 0)
                    weights[i] = nn.functional.one_hot(tensor(new long[] { widest }, device: device), weights[i].shape[1])
                        .to_type(weights[i].dtype).expand(weights[i].shape).contiguous();
        return weights;
    }

    /// <summary>The option with the most channels of a width decision (e1, no expansion conv, counts as none), or -1 for other decisions.</summary>
    internal static int WidestOption(SearchSpace space, int decision)
    {
        var d = space.Decisions[decision];
        int[] widths = d.Role switch
        {
            DecisionRole.StemWidth => space.StemWidths,
            DecisionRole.StageWidth => space.Stages[d.Stage].Widths,
            DecisionRole.BlockHidden => space.Stages[d.Stage].HiddenWidths,
            DecisionRole.HeadWidth => space.HeadWidths,
            DecisionRole.Resolution or DecisionRole.StemActivation or DecisionRole.BlockOp or DecisionRole.HeadActivation => [],
            _ => throw new NotSupportedException($"Decision role {d.Role} is not classified as a width or not."),
        };
        if (widths.Length == 0) return -1;
        int best = 0;
        for (int k = 1; k < widths.Length; k++) if (widths[k] > widths[best]) best = k;
        return best;
    }
}
