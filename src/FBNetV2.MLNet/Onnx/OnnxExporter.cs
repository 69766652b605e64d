using System.Globalization;
using System.Text.Json;
using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Network;
using Google.Protobuf;
using Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static FBNetV2.MLNet.Onnx.OnnxGraphBuilder;

namespace FBNetV2.MLNet.Onnx;

/// <summary>
/// Writes an <see cref="FBNetNetwork"/> as a self-contained ONNX model for ONNX Runtime: pixels in [0, 1] go in as
/// <see cref="InputName"/> [batch, C, S, S] (normalisation and the resolution pooling happen inside the graph, as in the module),
/// class probabilities come out as <see cref="OutputName"/> [batch, classes] (names and the pixel range per
/// <see cref="OnnxExportOptions"/>). The export has eval-mode semantics
/// whatever the module's mode: every BatchNorm is folded into its conv using the running statistics, and dropout is
/// left out.
/// </summary>
public static class OnnxExporter
{
    /// <summary>Default name of the pixel input [batch, C, S, S] (<see cref="OnnxExportOptions.InputName"/> sets another).</summary>
    public const string InputName = "input";

    /// <summary>Default name of the class-probabilities output [batch, classes] (<see cref="OnnxExportOptions.OutputName"/> sets another).</summary>
    public const string OutputName = "probabilities";

    /// <summary>Symbolic name of the first (batch) dimension of input and output.</summary>
    public const string BatchDimension = "batch";

    /// <summary>The <c>producer_name</c> written into every exported model.</summary>
    public const string ProducerName = "FBNetV2.MLNet";

    /// <summary>IR version 8: read by ONNX Runtime 1.31 and by onnx 1.12's checker, and enough for opsets up to 18.</summary>
    public const long IrVersion = 8;

    /// <summary>The ONNX model of <paramref name="net"/> as bytes, ready for an ONNX Runtime <c>InferenceSession</c>.</summary>
    /// <param name="net">The network; its weights and BN running statistics are read, its training mode is ignored.</param>
    /// <param name="options">Names, opset, pixel scale and metadata; null uses the defaults.</param>
    public static byte[] Export(FBNetNetwork net, OnnxExportOptions? options = null) => BuildModel(net, options ?? new()).ToByteArray();

    /// <summary>Writes the model through a temporary file in the same folder, so an existing file is replaced whole or not at all.</summary>
    public static void Save(FBNetNetwork net, string path, OnnxExportOptions? options = null)
    {
        var bytes = Export(net, options);
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static ModelProto BuildModel(FBNetNetwork net, OnnxExportOptions options)
    {
        var a = net.Architecture;
        if (options.Opset is < OnnxExportOptions.MinOpset or > OnnxExportOptions.MaxOpset)
            throw new ArgumentException($"Opset must be between {OnnxExportOptions.MinOpset} (first with HardSwish) and {OnnxExportOptions.MaxOpset} (last for IR version {IrVersion}), got {options.Opset}.", nameof(options));
        var classNames = options.ClassNames ?? Enumerable.Range(0, a.NumClasses).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        if (classNames.Count != a.NumClasses)
            throw new ArgumentException($"The network has {a.NumClasses} classes but {classNames.Count} class names were given.", nameof(options));

        using var scope = torch.NewDisposeScope();
        var g = new OnnxGraphBuilder();
        g.Graph.Name = "FBNetV2";
        if (!(options.PixelScale > 0 && float.IsFinite(options.PixelScale)))
            throw new ArgumentException($"PixelScale must be a finite number greater than 0, got {OptionCheck.Show(options.PixelScale)}. " +
                "Set it to the factor that maps the model's input to [0, 1]: 1 (the default) for pixels already in [0, 1], 1/255 for bytes.", nameof(options));
        string input = options.InputName, output = options.OutputName;
        if (string.IsNullOrEmpty(input) || string.IsNullOrEmpty(output) || input == output || options.PredictedIndexName is { } n && (n.Length == 0 || n == input || n == output))
            throw new ArgumentException($"Input, output and predicted-index names must be distinct and non-empty, got '{input}', '{output}', '{options.PredictedIndexName}'.", nameof(options));
        g.Graph.Input.Add(BatchedFloat(input, BatchDimension, a.InputChannels, a.InputSize, a.InputSize));

        var x = EmitInput(g, net.Mean, net.Std, options.PixelScale, a.Subsample, input);
        x = EmitConvBnAct(g, "stem", net.stem, x);
        foreach (var (module, (spec, _, _, s, i)) in net.blocks.Zip(a.Blocks()))
            x = spec.Type.Facet<IOnnxBlockEmitter>("ONNX emitter").Emit(g, $"s{s + 1}.b{i + 1}", module, x, residual: true);

        EmitHead(g, net.head_conv, net.head_fc, a.Head.Activation, net.classifier, x, output);
        g.Graph.Output.Add(BatchedFloat(output, BatchDimension, a.NumClasses));
        if (options.PredictedIndexName is { } index)
        {
            g.Node("ArgMax", "argmax", [output], [Int("axis", 1), Int("keepdims", 0)], output: index);
            g.Graph.Output.Add(BatchedInt64(index, BatchDimension));
        }

        var model = Wrap(g.Graph, options.Opset);
        model.DocString = options.Description ?? "";
        var inv = CultureInfo.InvariantCulture;
        Meta(model, OnnxMetadataKeys.Architecture, a.ToString());
        Meta(model, OnnxMetadataKeys.ClassNames, JsonSerializer.Serialize(classNames));
        Meta(model, OnnxMetadataKeys.Flops, a.Flops.ToString(inv));
        Meta(model, OnnxMetadataKeys.Parameters, a.Parameters.ToString(inv));
        Meta(model, OnnxMetadataKeys.InputLayout, "NCHW");
        Meta(model, OnnxMetadataKeys.InputSize, a.InputSize.ToString(inv));
        Meta(model, OnnxMetadataKeys.InputChannels, a.InputChannels.ToString(inv));
        Meta(model, OnnxMetadataKeys.Mean, JsonSerializer.Serialize(net.Mean));
        Meta(model, OnnxMetadataKeys.Std, JsonSerializer.Serialize(net.Std));
        Meta(model, OnnxMetadataKeys.PixelScale, options.PixelScale.ToString("R", inv));
        return model;
    }

    internal static ModelProto Wrap(GraphProto graph, int opset)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = ProducerName,
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString(3) ?? "",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model;
    }

    /// <summary>Normalisation, then the resolution option's average pooling: the graph's first nodes.</summary>
    internal static string EmitInput(OnnxGraphBuilder g, float[] mean, float[] std, float pixelScale, int subsample, string input)
    {
        // (p * scale - mean) / std == (p - mean / scale) / (std / scale): the scale rides on the normalisation for free.
        var x = g.Node("Sub", "normalize_mean", [input, g.Initializer("mean", mean.Select(m => m / pixelScale).ToArray(), 1, mean.Length, 1, 1)]);
        x = g.Node("Div", "normalize_std", [x, g.Initializer("std", std.Select(v => v / pixelScale).ToArray(), 1, std.Length, 1, 1)]);
        if (subsample > 1)
        {
            // FBNetNetwork.PoolInput: r x r windows, stride r, ceil(size / r) outputs a side; the last window of a size
            // not divisible by r averages only the pixels it covers (no padding, so count_include_pad 0 is that count).
            x = g.Node("AveragePool", "subsample", [x],
                [Ints("kernel_shape", subsample, subsample), Ints("strides", subsample, subsample), Int("ceil_mode", 1), Int("count_include_pad", 0)]);
        }
        return x;
    }

    /// <summary>Head conv, pooling, head fc, classifier and softmax into <paramref name="output"/>.</summary>
    internal static void EmitHead(OnnxGraphBuilder g, ConvBnAct? conv, Linear? fc, Activation activation, Linear classifier, string x, string output)
    {
        if (conv is not null) x = EmitConvBnAct(g, "head.conv", conv, x);
        x = g.Node("GlobalAveragePool", "head.pool", [x]);
        x = g.Node("Flatten", "head.flatten", [x], [Int("axis", 1)]);
        if (fc is not null) x = EmitActivation(g, "head.fc", activation, EmitGemm(g, "head.fc", fc, x));
        x = EmitGemm(g, "classifier", classifier, x);
        g.Node("Softmax", "softmax", [x], [Int("axis", 1)], output: output);
    }

    private static void Meta(ModelProto model, string key, string value) =>
        model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });

    /// <param name="g">The graph being built.</param>
    /// <param name="name">Prefix of the block's node and initializer names.</param>
    /// <param name="block">The block to emit.</param>
    /// <param name="x">The block's input value.</param>
    /// <param name="residual">False leaves the residual add out (the latency profiler times it on its own).</param>
    internal static string EmitInvertedResidual(OnnxGraphBuilder g, string name, InvertedResidualBlock block, string x, bool residual = true)
    {
        var y = block.pw is null ? x : EmitConvBnAct(g, $"{name}.pw", block.pw, x);
        y = EmitConvBnAct(g, $"{name}.dw", block.dw, y);
        if (block.se is not null) y = EmitSqueezeExcite(g, $"{name}.se", block.se, y);
        y = EmitConvBnAct(g, $"{name}.pwl", block.pwl, y);
        return residual && block.Residual ? g.Node("Add", $"{name}.add", [y, x]) : y;
    }

    internal static string EmitSqueezeExcite(OnnxGraphBuilder g, string name, SqueezeExcite se, string x)
    {
        var s = g.Node("GlobalAveragePool", $"{name}.pool", [x]);
        s = g.Node("Relu", $"{name}.relu", [EmitConv(g, $"{name}.reduce", se.reduce, TensorData.Floats(se.reduce.weight), Bias(se.reduce), s)]);
        s = EmitConv(g, $"{name}.expand", se.expand, TensorData.Floats(se.expand.weight), Bias(se.expand), s);
        // torch's hardsigmoid is relu6(x + 3) / 6; ONNX's defaults (alpha 0.2) would differ.
        s = g.Node("HardSigmoid", $"{name}.gate", [s], [Float("alpha", 1f / 6f), Float("beta", 0.5f)]);
        return g.Node("Mul", $"{name}.scale", [x, s]);
    }

    private static float[] Bias(Conv2d conv) => conv.bias is null ? new float[conv.out_channels] : TensorData.Floats(conv.bias);

    internal static string EmitConvBnAct(OnnxGraphBuilder g, string name, ConvBnAct unit, string x)
    {
        var (weight, bias) = BatchNormFolding.Fold(unit.conv, unit.bn);
        var y = EmitConv(g, name, unit.conv, weight, bias, x);
        return unit.Activation is { } act ? EmitActivation(g, name, act, y) : y;
    }

    private static string EmitConv(OnnxGraphBuilder g, string name, Conv2d conv, float[] weight, float[] bias, string x)
    {
        if (conv.padding is not { Length: 2 } pad || conv.dilation.Any(d => d != 1))
            throw new NotSupportedException($"{name}: only explicitly padded, undilated convolutions are exported.");
        long outC = conv.out_channels, k0 = conv.kernel_size[0], k1 = conv.kernel_size[1];
        var w = g.Initializer($"{name}.weight", weight, outC, conv.in_channels / conv.groups, k0, k1);
        var b = g.Initializer($"{name}.bias", bias, outC);
        return g.Node("Conv", name, [x, w, b],
        [
            Ints("kernel_shape", k0, k1), Ints("strides", conv.stride), Ints("pads", pad[0], pad[1], pad[0], pad[1]),
            Ints("dilations", 1, 1), Int("group", conv.groups),
        ]);
    }

    private static string EmitGemm(OnnxGraphBuilder g, string name, Linear linear, string x)
    {
        var w = g.Initializer($"{name}.weight", TensorData.Floats(linear.weight), linear.out_features, linear.in_features);
        var b = g.Initializer($"{name}.bias", linear.bias is null ? new float[linear.out_features] : TensorData.Floats(linear.bias), linear.out_features);
        return g.Node("Gemm", name, [x, w, b], [Int("transB", 1)]);
    }

    private static string EmitActivation(OnnxGraphBuilder g, string name, Activation act, string x) => act switch
    {
        Activation.HSwish => g.Node("HardSwish", $"{name}.hswish", [x]),
        Activation.Relu => g.Node("Relu", $"{name}.relu", [x]),
        _ => throw new ArgumentOutOfRangeException(nameof(act), $"{name}: unknown activation {(int)act}; expected Relu or HSwish."),
    };
}
