using FBNetV2.MLNet.Architecture;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Network;

/// <summary>
/// The TorchSharp network for an <see cref="FBNetArchitecture"/>. Input: [N, C, InputSize, InputSize] pixels in
/// [0, 1]; the per-channel normalisation and the resolution option's average pooling live inside the module so that training,
/// evaluation and the ONNX export all see the same function. Output: class logits.
/// </summary>
public sealed class FBNetNetwork : nn.Module<Tensor, Tensor>
{
    internal readonly ConvBnAct stem;
    internal readonly ModuleList<nn.Module<Tensor, Tensor>> blocks;
    internal readonly ConvBnAct? head_conv;
    internal readonly Linear? head_fc;
    internal readonly Dropout dropout;
    internal readonly Linear classifier;
    private readonly Tensor mean;
    private readonly Tensor std;

    /// <summary>Builds the module for <paramref name="arch"/> with freshly initialised weights.</summary>
    /// <param name="arch">The network to build.</param>
    /// <param name="mean">Per-channel mean subtracted from the [0, 1] pixels inside the module; null: 0 for every channel.</param>
    /// <param name="std">Per-channel std the centred pixels are divided by (positive); null: 1 for every channel.</param>
    /// <param name="dropout">Dropout probability before the classifier while training (0: none).</param>
    public FBNetNetwork(FBNetArchitecture arch, float[]? mean = null, float[]? std = null, double dropout = 0.0)
        : base(nameof(FBNetNetwork))
    {
        Architecture = arch;
        var m = mean ?? Enumerable.Repeat(0f, arch.InputChannels).ToArray();
        var s = std ?? Enumerable.Repeat(1f, arch.InputChannels).ToArray();
        if (m.Length != arch.InputChannels || s.Length != arch.InputChannels)
            throw new ArgumentException($"Normalisation needs {arch.InputChannels} mean and std values, got {m.Length} and {s.Length}.");
        if (m.Any(v => !float.IsFinite(v)) || s.Any(v => !(v > 0 && float.IsFinite(v))))
            throw new ArgumentException($"Normalisation mean values must be finite numbers and std values finite numbers greater than 0, got mean [{string.Join(", ", m.Select(v => OptionCheck.Show(v)))}] " +
                $"and std [{string.Join(", ", s.Select(v => OptionCheck.Show(v)))}]. Give the per-channel mean and standard deviation of the training pixels in [0, 1], or null for 0 and 1.");
        this.mean = tensor(m).reshape(1, arch.InputChannels, 1, 1);
        this.std = tensor(s).reshape(1, arch.InputChannels, 1, 1);

        stem = new ConvBnAct(arch.InputChannels, arch.Stem.OutChannels, arch.Stem.Kernel, arch.Stem.Stride, arch.Stem.Activation);
        blocks = new ModuleList<nn.Module<Tensor, Tensor>>();
        foreach (var (block, inC, _, _, _) in arch.Blocks())
            blocks.Add(block.Type.Facet<IBlockModuleFactory>("TorchSharp module").CreateModule(block, inC));
        int c = arch.BodyChannels;
        if (arch.Head.Channels > 0) { head_conv = new ConvBnAct(c, arch.Head.Channels, 1, 1, arch.Head.Activation); c = arch.Head.Channels; }
        if (arch.Head.Features > 0) { head_fc = nn.Linear(c, arch.Head.Features); c = arch.Head.Features; }
        this.dropout = nn.Dropout(dropout);
        classifier = nn.Linear(c, arch.NumClasses);
        RegisterComponents(); // also registers mean and std as buffers, so they follow .to(device) and the state dict
    }

    /// <summary>The description this module was built from.</summary>
    public FBNetArchitecture Architecture { get; }

    /// <summary>The per-channel mean the module subtracts from its [0, 1] input (a copy).</summary>
    public float[] Mean => mean.data<float>().ToArray();

    /// <summary>The per-channel std the module divides the centred input by (a copy).</summary>
    public float[] Std => std.data<float>().ToArray();

    /// <summary>Class logits [N, classes] for pixels [N, C, InputSize, InputSize] in [0, 1].</summary>
    /// <exception cref="ArgumentException">The input does not have the architecture's shape.</exception>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var a = Architecture;
        if (x.dim() != 4 || x.shape[1] != a.InputChannels || x.shape[2] != a.InputSize || x.shape[3] != a.InputSize)
            throw new ArgumentException($"Expected input [N, {a.InputChannels}, {a.InputSize}, {a.InputSize}], got [{string.Join(", ", x.shape)}].");
        var y = (x - mean) / std;
        y = PoolInput(y, a.Subsample);
        y = stem.forward(y);
        foreach (var block in blocks) y = block.forward(y);
        if (head_conv is not null) y = head_conv.forward(y);
        y = nn.functional.adaptive_avg_pool2d(y, [1, 1]).flatten(1);
        if (head_fc is not null) y = Activations.Apply(a.Head.Activation, head_fc.forward(y));
        y = classifier.forward(dropout.forward(y));
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The resolution option's input operator: average pooling over r x r windows with stride r, the last window of a
    /// size not divisible by r averaging only the pixels it covers, so the output is ceil(size / r) a side
    /// (<see cref="FBNetArchitecture.Resolution"/>). Averaging filters what a strided pick of every r-th pixel would
    /// alias (pixel noise, thin strokes, fine texture). The supernet's low-resolution paths use this same operator and
    /// the ONNX export emits it as AveragePool (ceil_mode 1, count_include_pad 0). r = 1 is the identity.
    /// </summary>
    internal static Tensor PoolInput(Tensor x, int r) =>
        r == 1 ? x.alias() : nn.functional.avg_pool2d(x, [r, r], [r, r], ceil_mode: true, count_include_pad: false);

    /// <summary>Number of trainable parameters, counted from the module itself.</summary>
    public long ParameterCount() => parameters().Sum(p => p.numel());
}
