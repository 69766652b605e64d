using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Network;
using FBNetV2.MLNet.Onnx;
using Google.Protobuf;
using TorchSharp;
using static FBNetV2.MLNet.Onnx.OnnxGraphBuilder;

namespace FBNetV2.MLNet.Latency;

/// <summary>
/// The layer families a search space needs (as it lists them through <see cref="ILatencyCoverage"/>), each with its
/// width grid and a builder that exports one grid point as a standalone ONNX model through the same emitters as the full export (BN folded, same operators), so that a
/// family's timing is that of the layer inside the network.
/// </summary>
internal static class LatencyFragments
{
    /// <summary>A family to measure: builds the model for one grid point (widths in axis order) and gives its input shape.</summary>
    internal sealed record Plan(string Key, int[][] Axes, Func<int[], int, (byte[] Model, long[] InputShape)> Build);

    /// <summary>The families <paramref name="coverage"/> needs, each once, with the union of the axes asked for.</summary>
    public static IReadOnlyList<Plan> For(ILatencyCoverage coverage, int gridPoints)
    {
        var plans = new Dictionary<string, Plan>();
        foreach (var need in coverage.LatencyNeeds(gridPoints))
            plans[need.Key] = plans.TryGetValue(need.Key, out var p)
                ? p with { Axes = p.Axes.Zip(need.Axes, (x, y) => x.Union(y).Order().ToArray()).ToArray() }
                : need;
        return plans.Values.ToList();
    }

    /// <summary>At most <paramref name="points"/> of the options, evenly spread, both ends included.</summary>
    public static int[] Grid(int[] options, int points)
    {
        if (options.Length <= points) return options;
        return Enumerable.Range(0, points).Select(i => options[(int)Math.Round(i * (options.Length - 1) / (double)(points - 1))]).Distinct().ToArray();
    }

    /// <summary>Appends a layer to a graph: takes the name of its input value, returns that of its output.</summary>
    private delegate string Emit(OnnxGraphBuilder g, string x);

    internal static (byte[], long[]) Input(int channels, int size, int subsample, int batch) =>
        Model(batch, [channels, size, size], (g, x) => OnnxExporter.EmitInput(g, new float[channels], Enumerable.Repeat(1f, channels).ToArray(), 1f, subsample, x));

    internal static (byte[], long[]) Stem(int channels, int size, int width, int kernel, int stride, Activation act, int batch) =>
        Model(batch, StemPiece(channels, size, width, kernel, stride, act));

    /// <summary>One block of any kind with a latency family, without its residual add, on a size x size map.</summary>
    internal static (byte[], long[]) Block(BlockSpec spec, int inChannels, int size, int batch) =>
        Model(batch, BlockPiece(spec, inChannels, size));

    internal static (byte[], long[]) Add(int channels, int size, int batch) =>
        Model(batch, [channels, size, size], (g, x) => g.Node("Add", "add", [x, x]));

    internal static (byte[], long[]) Head(HeadSpec head, int channels, int size, int classes, int batch) =>
        Model(batch, HeadPiece(head, channels, size, classes));

    // Pieces emit from freshly initialised modules; weights do not change ONNX Runtime's timing.
    private static (long[], Emit) StemPiece(int channels, int size, int width, int kernel, int stride, Activation act) =>
        ([channels, size, size], (g, x) =>
        {
            using var stem = new ConvBnAct(channels, width, kernel, stride, act);
            return OnnxExporter.EmitConvBnAct(g, "stem", stem, x);
        });

    private static (long[], Emit) BlockPiece(BlockSpec spec, int inChannels, int size) =>
        ([inChannels, size, size], (g, x) =>
        {
            using var block = spec.Type.Facet<IBlockModuleFactory>("TorchSharp module").CreateModule(spec, inChannels);
            return spec.Type.Facet<IOnnxBlockEmitter>("ONNX emitter").Emit(g, "block", block, x, residual: false);
        });

    private static (long[], Emit) HeadPiece(HeadSpec head, int channels, int size, int classes) =>
        ([channels, size, size], (g, x) =>
        {
            int c = channels;
            using var conv = head.Channels > 0 ? new ConvBnAct(c, head.Channels, 1, 1, head.Activation) : null;
            if (head.Channels > 0) c = head.Channels;
            using var fc = head.Features > 0 ? torch.nn.Linear(c, head.Features) : null;
            if (head.Features > 0) c = head.Features;
            using var classifier = torch.nn.Linear(c, classes);
            string y = $"{x}_head";
            OnnxExporter.EmitHead(g, conv, fc, head.Activation, classifier, x, y);
            return y;
        });

    private static (byte[], long[]) Model(int batch, (long[] Shape, Emit Emit) piece) => Model(batch, piece.Shape, piece.Emit);

    private static (byte[], long[]) Model(int batch, long[] shape, Emit emit)
    {
        var g = new OnnxGraphBuilder();
        g.Graph.Name = "latency_fragment";
        g.Graph.Input.Add(BatchedFloat("x", OnnxExporter.BatchDimension, shape));
        g.Graph.Output.Add(FloatValue(emit(g, "x")));
        return (OnnxExporter.Wrap(g.Graph, 17).ToByteArray(), [batch, .. shape]);
    }
}
