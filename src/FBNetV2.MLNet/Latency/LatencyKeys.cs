using FBNetV2.MLNet.Architecture;

namespace FBNetV2.MLNet.Latency;

/// <summary>
/// Names of the layer families a latency table holds. A family fixes everything but the widths (layer type, input
/// size, stride, activation); its width axes are measured on a grid. The profiler, the exact prediction and the
/// differentiable expected latency all build keys here, so they agree on what is looked up.
/// </summary>
internal static class LatencyKeys
{
    /// <summary>
    /// Normalisation and the resolution option's r x r average pooling of the [C, size, size] input. No width axes.
    /// The pooled options are keyed "avg{r}": tables measured when r &gt; 1 was a strided Slice hold "r{r}" families,
    /// which are not reused for the (costlier) pooling; profiling adds the new family.
    /// </summary>
    public static string Input(int channels, int size, int subsample) =>
        $"input|c{channels}|s{size}|" + (subsample == 1 ? "r1" : $"avg{subsample}");

    /// <summary>Stem conv on a [channels, size, size] map; one axis: output width.</summary>
    public static string Stem(int channels, int size, int kernel, int stride, Activation activation) =>
        $"stem|c{channels}|s{size}|k{kernel}|st{stride}|{Name(activation)}";

    /// <summary>Inverted residual without its residual add on a size x size map; axes: input, hidden, output width.</summary>
    public static string Block(int kernel, bool squeezeExcite, Activation activation, int stride, int size) =>
        Block("ir", kernel, squeezeExcite, activation, stride, size);

    /// <summary>A block of the kind with token <paramref name="kind"/> without its residual add; axes: input, hidden, output width.</summary>
    public static string Block(string kind, int kernel, bool squeezeExcite, Activation activation, int stride, int size) =>
        $"{kind}|k{kernel}|se{(squeezeExcite ? 1 : 0)}|{Name(activation)}|st{stride}|s{size}";

    /// <summary>
    /// An inverted residual without expansion conv (e1: the depthwise conv runs on the input) without its residual add;
    /// axes: input and output width.
    /// </summary>
    public static string BlockWithoutExpansion(int kernel, bool squeezeExcite, Activation activation, int stride, int size) =>
        Block("ir_e1", kernel, squeezeExcite, activation, stride, size);

    /// <summary>Residual add of a size x size map; one axis: width.</summary>
    public static string Add(int size) => $"add|s{size}";

    /// <summary>Head (conv, pooling, fc, classifier, softmax) on a size x size map; one axis: input width.</summary>
    public static string Head(HeadSpec head, int size, int numClasses) =>
        $"head|s{size}|hc{head.Channels}|f{head.Features}|{Name(head.Activation)}|cls{numClasses}";

    private static string Name(Activation a) => a switch
    {
        Activation.HSwish => "hs",
        Activation.Relu => "relu",
        // A new activation must get its own key: read as relu it would take relu's timings.
        _ => throw new ArgumentOutOfRangeException(nameof(a), a, $"No latency key for activation {a}."),
    };
}
