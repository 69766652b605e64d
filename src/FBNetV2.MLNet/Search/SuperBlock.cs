using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Network;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Search;

/// <summary>
/// The candidates of one block kind in a searched layer as one module at maximum widths (DMaskingNAS): widths are
/// masks, kernel sizes are centre masks of the largest kernel, SE and activations are mixed. At one-hot weights it is
/// exactly the chosen block, and <see cref="CopyInto"/> copies that block's weights into a plain module. The shared
/// mixing pieces live here so that every kind masks the same way.
/// </summary>
internal abstract class SuperBlock : nn.Module
{
    /// <summary>
    /// The masks of one searched layer, all [rows, C, 1, 1]: <see cref="Expand"/> on the expansion conv's output (the
    /// hidden-width options that have one), <see cref="Hidden"/> on the inner map (those plus the e1 option's input
    /// width), <see cref="Squeeze"/> on the SE bottleneck (following the inner width), <see cref="Out"/> on the output,
    /// and <see cref="Direct"/>, the weight [rows, 1, 1, 1] of the e1 option (the inner map is the input itself), or null
    /// when the layer has no e1 option or a fixed choice gives it none.
    /// </summary>
    internal readonly record struct LayerMasks(Tensor Expand, Tensor Hidden, Tensor Squeeze, Tensor Out, Tensor? Direct);

    private readonly Tensor kernelMasks; // [kernel options, kmax, kmax]

    protected SuperBlock(string name, CandidateOp[] ops) : base(name)
    {
        Ops = ops;
        Kernels = ops.Select(o => o.Kernel).Distinct().Order().ToArray();
        Activations = ops.Select(o => o.Activation).Distinct().Order().ToArray();
        int kmax = Kernels[^1];
        var masks = new float[Kernels.Length * kmax * kmax];
        for (int i = 0; i < Kernels.Length; i++)
        {
            int k = Kernels[i], off = (kmax - k) / 2;
            for (int r = off; r < off + k; r++)
                for (int c = off; c < off + k; c++) masks[(i * kmax + r) * kmax + c] = 1f;
        }
        kernelMasks = tensor(masks, [Kernels.Length, kmax, kmax]);
    }

    public CandidateOp[] Ops { get; }
    public int[] Kernels { get; }
    public Activation[] Activations { get; }
    public int MaxKernel => Kernels[^1];

    /// <param name="x">Input [N, Cin, H, W], masked to its effective width.</param>
    /// <param name="masks">The layer's width masks and the weight of its e1 option.</param>
    /// <param name="g">Weights of this kind's candidates [rows, ops], summing to one per row.</param>
    public abstract Tensor forward(Tensor x, LayerMasks masks, Tensor g);

    /// <summary>Copies the weights of the block <paramref name="spec"/> (one of <see cref="Ops"/> at its widths) into <paramref name="target"/>.</summary>
    public abstract void CopyInto(nn.Module<Tensor, Tensor> target, BlockSpec spec);

    /// <summary>
    /// The kxk conv of every candidate kernel size at once. Convolution is linear in its weights: with one set of
    /// weights per batch, mixing kernels is one conv with a mixed kernel mask; per-image weights need one conv per size.
    /// </summary>
    protected Tensor MixedKernelConv(Conv2d conv, Tensor x, Tensor g)
    {
        if (g.shape[0] == 1)
        {
            Tensor? mix = null;
            for (int i = 0; i < Kernels.Length; i++)
            {
                var w = Sum(g, o => o.Kernel == Kernels[i]);
                if (w is null) continue;
                var m = kernelMasks[i] * w.reshape(1, 1);
                mix = mix.PlusOrFirst(m);
            }
            return nn.functional.conv2d(x, conv.weight! * mix!.unsqueeze(0).unsqueeze(0), null, conv.stride, conv.padding, groups: conv.groups);
        }
        Tensor? z = null;
        for (int i = 0; i < Kernels.Length; i++)
        {
            var w = Sum(g, o => o.Kernel == Kernels[i]);
            if (w is null) continue;
            var part = nn.functional.conv2d(x, conv.weight! * kernelMasks[i].unsqueeze(0).unsqueeze(0), null, conv.stride, conv.padding, groups: conv.groups) * w;
            z = z.PlusOrFirst(part);
        }
        return z!;
    }

    /// <summary>
    /// SE gate mixed with its bypass by the weight of the candidates with and without SE: y * gate * wSe + y * wPlain,
    /// computed as y * (gate * wSe + wPlain) so that the mixing happens on the pooled [N, C, 1, 1] gate and the full
    /// map is multiplied once, as in the plain SE block.
    /// </summary>
    protected Tensor MixedSqueezeExcite(SqueezeExcite? se, Tensor y, Tensor squeezeMask, Tensor g)
    {
        if (se is null) return y;
        var wSe = Sum(g, o => o.SqueezeExcite);
        var wPlain = Sum(g, o => !o.SqueezeExcite);
        if (wSe is null) return y * wPlain!;
        var squeezed = nn.functional.relu(se.reduce.forward(nn.functional.adaptive_avg_pool2d(y, [1, 1]))) * squeezeMask;
        var gate = nn.functional.hardsigmoid(se.expand.forward(squeezed)) * wSe;
        return y * (wPlain is null ? gate : gate.Plus(wPlain));
    }

    protected (Activation Act, Tensor Weight)[] ActivationWeights(Tensor g) =>
        Activations.Select(a => (a, Sum(g, o => o.Activation == a))).Where(t => t.Item2 is not null).Select(t => (t.a, t.Item2!)).ToArray();

    protected static Tensor Activate(Tensor z, (Activation Act, Tensor Weight)[] weights) => ActivationMix.Apply(z, weights);

    /// <summary>The activation mix, then <paramref name="d"/> x added onto the first channels (the e1 option's input).</summary>
    protected static Tensor ActivateAndAdd(Tensor z, (Activation Act, Tensor Weight)[] weights, Tensor x, Tensor d) => ActivationMix.ApplyAndAdd(z, weights, x, d);

    /// <summary>
    /// Sum of options weighted by weights that sum to one per row. Two options are one lerp, a + w_b (b - a), one
    /// kernel instead of two products and a sum on the full map; the logits' gradient is the same, because a shift
    /// common to every option's weight gradient vanishes through the softmax.
    /// </summary>
    internal static Tensor Mix((Tensor Value, Tensor Weight)[] options)
    {
        // A fixed choice (no gradient) leaves one option at weight exactly 1.
        if (options.Length == 1 && !options[0].Weight.requires_grad) return options[0].Value;
        if (options.Length == 2) return options[0].Value.lerp(options[1].Value, options[1].Weight.to_type(options[0].Value.dtype));
        Tensor? sum = null;
        foreach (var (v, w) in options)
        {
            var part = v * w;
            sum = sum.PlusOrFirst(part);
        }
        return sum!;
    }

    /// <summary>Total weight [rows, 1, 1, 1] of the ops matching a predicate, or null when a fixed choice gives them none.</summary>
    protected Tensor? Sum(Tensor g, Func<CandidateOp, bool> predicate)
    {
        var idx = Enumerable.Range(0, Ops.Length).Where(i => predicate(Ops[i])).Select(i => (long)i).ToArray();
        if (idx.Length == 0) return null;
        var w = g.index_select(1, tensor(idx, device: g.device)).sum(1).reshape(-1, 1, 1, 1);
        if (!w.requires_grad && w.abs().max().item<float>() == 0) return null;
        return w;
    }

    internal static void CopyConvBn(ConvBnAct target, Conv2d conv, BatchNorm2d bn)
    {
        Copy(target.conv.weight!, conv.weight!);
        foreach (var (t, s) in new[] { (target.bn.weight!, bn.weight!), (target.bn.bias!, bn.bias!), (target.bn.running_mean!, bn.running_mean!), (target.bn.running_var!, bn.running_var!) })
            Copy(t, s);
    }

    internal static void CopySqueezeExcite(SqueezeExcite target, SqueezeExcite source)
    {
        Copy(target.reduce.weight!, source.reduce.weight!); Copy(target.reduce.bias!, source.reduce.bias!);
        Copy(target.expand.weight!, source.expand.weight!); Copy(target.expand.bias!, source.expand.bias!);
    }

    /// <summary>Copies the leading block of <paramref name="source"/> into <paramref name="target"/>; spatial kernel dims are centre-cropped.</summary>
    internal static void Copy(Tensor target, Tensor source)
    {
        var slice = source;
        for (int d = 0; d < target.dim(); d++)
        {
            long want = target.shape[d], have = slice.shape[d];
            long offset = d >= 2 ? (have - want) / 2 : 0;
            slice = slice.narrow(d, offset, want);
        }
        target.copy_(slice);
    }
}
