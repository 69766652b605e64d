using FBNetV2.MLNet.Architecture;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Network;

/// <summary>
/// The TorchSharp network for an <see cref="FBNetArchitecture"/>. Input: [N, C, InputSize, InputSize] pixels in
/// [0, 1]; the per-channel normalisation and the resolution subsampling live inside the module so that training,
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

    public FBNetArchitecture Architecture { get; }

    public float[] Mean => mean.data<float>().ToArray();
    public float[] Std => std.data<float>().ToArray();

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var a = Architecture;
        if (x.dim() != 4 || x.shape[1] != a.InputChannels || x.shape[2] != a.InputSize || x.shape[3] != a.InputSize)
            throw new ArgumentException($"Expected input [N, {a.InputChannels}, {a.InputSize}, {a.InputSize}], got [{string.Join(", ", x.shape)}].");
        var y = (x - mean) / std;
        if (a.Subsample > 1) y = y[.., .., TensorIndex.Slice(null, null, a.Subsample), TensorIndex.Slice(null, null, a.Subsample)];
        y = stem.forward(y);
        foreach (var block in blocks) y = block.forward(y);
        if (head_conv is not null) y = head_conv.forward(y);
        y = nn.functional.adaptive_avg_pool2d(y, [1, 1]).flatten(1);
        if (head_fc is not null) y = Activations.Apply(a.Head.Activation, head_fc.forward(y));
        y = classifier.forward(dropout.forward(y));
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>Number of trainable parameters, counted from the module itself.</summary>
    public long ParameterCount() => parameters().Sum(p => p.numel());
}
