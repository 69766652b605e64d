using System.Diagnostics;
using FBNetV2.MLNet.Network;
using FBNetV2.MLNet.Onnx;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;

namespace FBNetV2.MLNet.Latency;

/// <summary>Times an ONNX model in ONNX Runtime: warm-up calls, then the median of timed calls, with fixed threads.</summary>
internal static class OnnxLatencyMeter
{
    /// <summary>Median milliseconds per call of a whole exported network at the options' batch size.</summary>
    public static double MedianMilliseconds(FBNetNetwork net, LatencyProfileOptions options)
    {
        var a = net.Architecture;
        var model = QuietTorch(() => OnnxExporter.Export(net));
        return MedianMilliseconds(model, [options.Batch, a.InputChannels, a.InputSize, a.InputSize], options);
    }

    /// <summary>
    /// Runs TorchSharp work (building and exporting modules) on one torch thread: libtorch's OpenMP workers spin for a
    /// while after each parallel op and would steal the core that ONNX Runtime is being timed on.
    /// </summary>
    internal static T QuietTorch<T>(Func<T> work)
    {
        int before = torch.get_num_threads();
        torch.set_num_threads(1);
        try { return work(); }
        finally { torch.set_num_threads(before); }
    }

    private static readonly TimeSpan MinRoundSpacing = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Times every model in <see cref="LatencyProfileOptions.Rounds"/> passes, spaced apart, and keeps each model's
    /// median over the passes. On this kind of machine (a VM on shared hardware) timings are bimodal: most stretches run
    /// at one speed, short ones markedly faster or slower, each lasting longer than a single measurement. The median of
    /// spaced passes lands on the usual speed for the table and for whole networks alike, where a minimum would pick
    /// the rare fast stretch for some models and not for others.
    /// </summary>
    /// <param name="models">Each model's ONNX bytes and the input shape it is timed at.</param>
    /// <param name="options">Threads, warm-up, repeats, rounds and execution provider.</param>
    /// <param name="progress">(measurements done, total, index of the model just timed, elapsed).</param>
    /// <param name="cancellationToken">Stops between measurements.</param>
    public static double[] Typical(IReadOnlyList<(byte[] Model, long[] InputShape)> models, LatencyProfileOptions options,
        Action<int, int, int, TimeSpan>? progress = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var runs = models.Select(_ => new List<double>()).ToArray();
        int total = models.Count * options.Rounds, done = 0;
        var clock = Stopwatch.StartNew();
        for (int round = 0; round < options.Rounds; round++)
        {
            var roundStart = clock.Elapsed;
            for (int i = 0; i < models.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                runs[i].Add(MedianMilliseconds(models[i].Model, models[i].InputShape, options));
                if (++done % Math.Max(20, total / 50) == 0 || done == total) progress?.Invoke(done, total, i, clock.Elapsed);
            }
            // A short pass would sit inside one stretch; spacing passes at least MinRoundSpacing apart spreads them out.
            var rest = MinRoundSpacing - (clock.Elapsed - roundStart);
            if (round + 1 < options.Rounds && rest > TimeSpan.Zero) cancellationToken.WaitHandle.WaitOne(rest);
        }
        return runs.Select(r => Median(r.ToArray())).ToArray();
    }

    /// <summary>Median milliseconds per call of a model with one float input of <paramref name="inputShape"/>.</summary>
    public static double MedianMilliseconds(byte[] model, long[] inputShape, LatencyProfileOptions options)
    {
        options.Validate();
        using var sessionOptions = SessionOptionsFor(options);
        using var session = new InferenceSession(model, sessionOptions);
        var random = new Random(1);
        var pixels = new float[inputShape.Aggregate(1L, (n, d) => n * d)];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (float)random.NextDouble();
        using var input = OrtValue.CreateTensorValueFromMemory(pixels, inputShape);
        using var runOptions = new RunOptions();
        string[] inputNames = [session.InputMetadata.Keys.First()];
        var outputNames = session.OutputMetadata.Keys.ToArray();
        OrtValue[] inputs = [input];

        for (int i = 0; i < options.WarmupRuns; i++) session.Run(runOptions, inputNames, inputs, outputNames).Dispose();
        var times = new double[options.Repeats];
        for (int i = 0; i < times.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            session.Run(runOptions, inputNames, inputs, outputNames).Dispose();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        return Median(times);
    }

    /// <summary>Median of the values (sorts them in place).</summary>
    internal static double Median(double[] values)
    {
        Array.Sort(values);
        return values.Length % 2 == 1 ? values[values.Length / 2] : (values[values.Length / 2 - 1] + values[values.Length / 2]) / 2;
    }

    private static SessionOptions SessionOptionsFor(LatencyProfileOptions o)
    {
        var so = new SessionOptions
        {
            IntraOpNumThreads = o.Threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        if (o.ExecutionProvider == LatencyDevice.Cuda)
        {
            try { so.AppendExecutionProvider_CUDA(o.GpuDeviceId); }
            catch (Exception e) when (e is EntryPointNotFoundException or OnnxRuntimeException or DllNotFoundException)
            {
                so.Dispose();
                throw new InvalidOperationException($"The CUDA execution provider is not available ({e.Message}). Reference Microsoft.ML.OnnxRuntime.Gpu " +
                    "(set FBNetOnnxRuntimeGpu=true in the app's project) on a machine with CUDA, or profile with ExecutionProvider = LatencyDevice.Cpu.", e);
            }
        }
        return so;
    }
}
