using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Network;
using FBNetV2.MLNet.Onnx;
using FBNetV2.MLNet.Search;
using Google.Protobuf;
using TorchSharp;
using static FBNetV2.MLNet.Onnx.OnnxGraphBuilder;

namespace FBNetV2.MLNet.Latency;

/// <summary>
/// The layer families a search space needs, each with its width grid and a builder that exports one grid point as a
/// standalone ONNX model through the same emitters as the full export (BN folded, same operators), so that a
/// family's timing is that of the layer inside the network.
/// </summary>
internal static class LatencyFragments
{
    /// <summary>A family to measure: builds the model for one grid point (widths in axis order) and gives its input shape.</summary>
    internal sealed record Plan(string Key, int[][] Axes, Func<int[], int, (byte[] Model, long[] InputShape)> Build);

    public static IReadOnlyList<Plan> For(SearchSpace space, int gridPoints)
    {
        var plans = new Dictionary<string, Plan>();
        void Need(string key, int[][] axes, Func<int[], int, (byte[], long[])> build) =>
            plans[key] = plans.TryGetValue(key, out var p)
                ? p with { Axes = p.Axes.Zip(axes, (x, y) => x.Union(y).Order().ToArray()).ToArray() }
                : new Plan(key, axes, build);
        int[] G(int[] options) => Grid(options, gridPoints);
        int c = space.InputChannels;

        foreach (int r in space.Subsamples)
        {
            Need(LatencyKeys.Input(c, space.InputSize, r), [], (_, batch) => Input(c, space.InputSize, r, batch));
            int size = FBNetArchitecture.ConvOut(space.InputSize, r);
            Need(LatencyKeys.Stem(c, size, 3, space.StemStride, space.StemActivation), [G(space.StemWidths)],
                (w, batch) => Stem(c, size, w[0], 3, space.StemStride, space.StemActivation, batch));
            var previous = space.StemWidths;
            for (int s = 0; s < space.Stages.Count; s++)
            {
                var st = space.Stages[s];
                int inSize = space.StageInputSize(s, r), outSize = FBNetArchitecture.ConvOut(inSize, st.Stride);
                foreach (var op in st.Ops)
                {
                    Need(LatencyKeys.Block(op.Kernel, op.SqueezeExcite, op.Activation, st.Stride, inSize), [G(previous), G(st.HiddenWidths), G(st.Widths)],
                        (w, batch) => Block(op, st.Stride, inSize, w[0], w[1], w[2], batch));
                    if (st.MaxBlocks > 1)
                        Need(LatencyKeys.Block(op.Kernel, op.SqueezeExcite, op.Activation, 1, outSize), [G(st.Widths), G(st.HiddenWidths), G(st.Widths)],
                            (w, batch) => Block(op, 1, outSize, w[0], w[1], w[2], batch));
                }
                if ((st.Stride == 1 && previous.Intersect(st.Widths).Any()) || st.MaxBlocks > 1)
                    Need(LatencyKeys.Add(outSize), [G(st.Widths)], (w, batch) => Add(w[0], outSize, batch));
                previous = st.Widths;
            }
            int last = space.Stages.Count - 1;
            int bodySize = FBNetArchitecture.ConvOut(space.StageInputSize(last, r), space.Stages[last].Stride);
            Need(LatencyKeys.Head(space.Head, bodySize, space.NumClasses), [G(previous)], (w, batch) => Head(space.Head, w[0], bodySize, space.NumClasses, batch));
        }
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

    private static (byte[], long[]) Input(int channels, int size, int subsample, int batch) =>
        Model(batch, [channels, size, size], (g, x) => OnnxExporter.EmitInput(g, new float[channels], Enumerable.Repeat(1f, channels).ToArray(), 1f, subsample, x));

    private static (byte[], long[]) Stem(int channels, int size, int width, int kernel, int stride, Activation act, int batch) =>
        Model(batch, StemPiece(channels, size, width, kernel, stride, act));

    private static (byte[], long[]) Block(CandidateOp op, int stride, int size, int inC, int hidden, int outC, int batch) =>
        Model(batch, BlockPiece(op, stride, size, inC, hidden, outC));

    private static (byte[], long[]) Add(int channels, int size, int batch) =>
        Model(batch, [channels, size, size], (g, x) => g.Node("Add", "add", [x, x]));

    private static (byte[], long[]) Head(HeadSpec head, int channels, int size, int classes, int batch) =>
        Model(batch, HeadPiece(head, channels, size, classes));

    // Pieces emit from freshly initialised modules; weights do not change ONNX Runtime's timing.
    private static (long[], Emit) StemPiece(int channels, int size, int width, int kernel, int stride, Activation act) =>
        ([channels, size, size], (g, x) =>
        {
            using var stem = new ConvBnAct(channels, width, kernel, stride, act);
            return OnnxExporter.EmitConvBnAct(g, "stem", stem, x);
        });

    private static (long[], Emit) BlockPiece(CandidateOp op, int stride, int size, int inC, int hidden, int outC) =>
        ([inC, size, size], (g, x) =>
        {
            using var block = new InvertedResidualBlock(BlockSpec.Ir(op.Kernel, hidden, outC, stride, op.SqueezeExcite, op.Activation), inC);
            return OnnxExporter.EmitInvertedResidual(g, "block", block, x, residual: false);
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
