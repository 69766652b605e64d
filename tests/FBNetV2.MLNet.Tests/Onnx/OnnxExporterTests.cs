using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Network;
using FBNetV2.MLNet.Onnx;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Tests.Onnx;

public class OnnxExporterTests(ITestOutputHelper output)
{
    private const int Architectures = 50;
    private const float Tolerance = 1e-4f;

    [Fact]
    public void RandomArchitecturesScoreLikeTorchInOnnxRuntime()
    {
        float worst = 0;
        for (int seed = 0; seed < Architectures; seed++)
        {
            using var net = RandomNetwork(seed);
            float diff = MaxParityDiff(net, seed, $"seed {seed}: {net.Architecture}");
            worst = Math.Max(worst, diff);
        }
        output.WriteLine($"max |ONNX Runtime - TorchSharp| over {Architectures} architectures, batches of 3 and 1: {worst:E2}");
    }

    [Fact]
    public void RandomArchitecturesCoverEveryLayerKind()
    {
        var archs = Enumerable.Range(0, Architectures).Select(RandomArchitectures.Create).ToList();
        var blocks = archs.SelectMany(a => a.Blocks()).ToList();
        var irs = blocks.Where(b => b.Block.Kind == BlockKind.InvertedResidual).ToList();
        var skips = blocks.Where(b => b.Block.Kind == BlockKind.Skip).ToList();
        Assert.Contains(archs, a => a.InputChannels == 1);
        Assert.Contains(archs, a => a.InputChannels == 3);
        Assert.Contains(archs, a => a.Subsample > 1);
        Assert.Contains(archs, a => a.Stem.Stride == 2);
        Assert.Contains(archs, a => a.Head.Channels > 0);
        Assert.Contains(archs, a => a.Head.Features > 0);
        Assert.Contains(irs, b => b.Block.Hidden == 0);
        Assert.Contains(irs, b => b.Block.Hidden > 0);
        Assert.Contains(irs, b => b.Block.SqueezeExcite);
        Assert.Contains(irs, b => b.Block.Stride == 2);
        Assert.Contains(irs, b => b.Block.HasResidual(b.InChannels));
        Assert.Contains(irs, b => b.Block.Activation == Activation.HSwish);
        Assert.Contains(irs, b => b.Block.Activation == Activation.Relu);
        Assert.Contains(skips, b => b.Block.IsIdentity(b.InChannels));
        Assert.Contains(skips, b => !b.Block.IsIdentity(b.InChannels));
        Assert.Contains(skips, b => b.Block.Stride == 2);
        var fused = blocks.Where(b => b.Block.Kind == BlockKind.Fused).ToList();
        Assert.Contains(fused, b => b.Block.SqueezeExcite);
        Assert.Contains(fused, b => !b.Block.SqueezeExcite);
        Assert.Contains(fused, b => b.Block.Stride == 2);
        Assert.Contains(fused, b => b.Block.HasResidual(b.InChannels));
        Assert.Contains(fused, b => b.Block.Kernel == 5);
    }

    [Fact]
    public void CompactMScoresLikeTorchInOnnxRuntime()
    {
        using var net = PredefinedNetwork();
        output.WriteLine($"Compact-M max diff: {MaxParityDiff(net, 7, "Compact-M"):E2}");
    }

    [RequiresFact(Prerequisite.PythonOnnx)]
    public void ExportsPassTheOnnxReferenceChecker()
    {
        var dir = Directory.CreateTempSubdirectory("fbnet-onnx-check-");
        try
        {
            var paths = new List<string>();
            for (int seed = 0; seed < Architectures; seed++)
            {
                using var net = RandomNetwork(seed);
                paths.Add(Path.Combine(dir.FullName, $"random-{seed}.onnx"));
                OnnxExporter.Save(net, paths[^1]);
            }
            using (var compact = PredefinedNetwork())
            {
                paths.Add(Path.Combine(dir.FullName, "compact-m.onnx"));
                OnnxExporter.Save(compact, paths[^1]);
            }

            Prerequisites.Require(Prerequisite.PythonOnnx);
            var result = OnnxChecker.Check(paths)!;
            output.WriteLine(result.Value.Output);
            Assert.True(result.Value.ExitCode == 0, result.Value.Output);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void MetadataRoundTripsThroughOnnxRuntime()
    {
        using var net = PredefinedNetwork();
        var a = net.Architecture;
        string[] classes = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine \"quoted\""];
        var bytes = OnnxExporter.Export(net, new OnnxExportOptions { ClassNames = classes, Description = "digits" });

        using var session = new InferenceSession(bytes);
        var meta = session.ModelMetadata;
        Assert.Equal(OnnxExporter.ProducerName, meta.ProducerName);
        Assert.Equal("digits", meta.Description);
        var map = meta.CustomMetadataMap;
        Assert.Equal(a.ToString(), map[OnnxMetadataKeys.Architecture]);
        Assert.Equal(a, FBNetArchitecture.Parse(map[OnnxMetadataKeys.Architecture]));
        Assert.Equal(classes, System.Text.Json.JsonSerializer.Deserialize<string[]>(map[OnnxMetadataKeys.ClassNames]));
        Assert.Equal(a.Flops, long.Parse(map[OnnxMetadataKeys.Flops]));
        Assert.Equal(a.Parameters, long.Parse(map[OnnxMetadataKeys.Parameters]));
        Assert.Equal("NCHW", map[OnnxMetadataKeys.InputLayout]);
        Assert.Equal(a.InputSize, int.Parse(map[OnnxMetadataKeys.InputSize]));
        Assert.Equal(a.InputChannels, int.Parse(map[OnnxMetadataKeys.InputChannels]));
        Assert.Equal(net.Mean, System.Text.Json.JsonSerializer.Deserialize<float[]>(map[OnnxMetadataKeys.Mean]));
        Assert.Equal(net.Std, System.Text.Json.JsonSerializer.Deserialize<float[]>(map[OnnxMetadataKeys.Std]));

        var input = session.InputMetadata[OnnxExporter.InputName];
        Assert.Equal(new[] { -1, a.InputChannels, a.InputSize, a.InputSize }, input.Dimensions);
        Assert.Equal(OnnxExporter.BatchDimension, input.SymbolicDimensions[0]);
        Assert.Equal(new[] { -1, a.NumClasses }, session.OutputMetadata[OnnxExporter.OutputName].Dimensions);
    }

    [Fact]
    public void ClassIndicesAreTheDefaultClassNames()
    {
        using var net = RandomNetwork(0);
        using var session = new InferenceSession(OnnxExporter.Export(net));
        var names = System.Text.Json.JsonSerializer.Deserialize<string[]>(session.ModelMetadata.CustomMetadataMap[OnnxMetadataKeys.ClassNames]);
        Assert.Equal(Enumerable.Range(0, net.Architecture.NumClasses).Select(i => i.ToString()), names);
    }

    [Fact]
    public void WrongClassNameCountOrOpsetIsRejected()
    {
        using var net = PredefinedNetwork();
        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(net, new OnnxExportOptions { ClassNames = ["a", "b"] }));
        Assert.Contains("10 classes but 2 class names", e.Message);
        Assert.Throws<ArgumentException>(() => OnnxExporter.Export(net, new OnnxExportOptions { Opset = 13 }));
    }

    [Fact]
    public void SaveReplacesAnExistingFileAndLeavesNoTemporaryFile()
    {
        var dir = Directory.CreateTempSubdirectory("fbnet-onnx-save-");
        try
        {
            var path = Path.Combine(dir.FullName, "model.onnx");
            File.WriteAllText(path, "old contents, longer than nothing");
            using var net = RandomNetwork(1);
            OnnxExporter.Save(net, path);
            Assert.Equal(OnnxExporter.Export(net), File.ReadAllBytes(path));
            Assert.Equal([path], Directory.GetFiles(dir.FullName));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Exports, then compares ONNX Runtime with the eval-mode TorchSharp output, probabilities and logits (see
    /// ArchitectureFuzzer.ParityDiff), on a batch of 3 and on the first image alone (the batch dimension is dynamic).
    /// Returns the largest difference.
    /// </summary>
    private float MaxParityDiff(FBNetNetwork net, int seed, string what)
    {
        var a = net.Architecture;
        torch.manual_seed(seed + 1000);
        using var x = rand(3, a.InputChannels, a.InputSize, a.InputSize);
        float worst = 0;
        foreach (int batch in new[] { 3, 1 })
        {
            using var part = x[..batch];
            worst = Math.Max(worst, FBNetV2.MLNet.Benchmarks.ArchitectureFuzzer.ParityDiff(net, part));
        }
        Assert.True(worst <= Tolerance, $"{what}: ONNX Runtime differs from TorchSharp by {worst:E2} (probabilities, or logits relative to 1 + |logit|).");
        return worst;
    }

    [Theory]
    [InlineData(28, 2, 1)]
    [InlineData(28, 3, 1)] // 28 = 9 * 3 + 1: the last window is one pixel wide
    [InlineData(30, 3, 3)]
    [InlineData(29, 4, 3)]
    [InlineData(96, 5, 3)] // the Photo space's kind of factor
    public void PooledResolutionOptionMatchesTorchAndHandAveragesAtAnySize(int size, int r, int channels)
    {
        // The input operator alone, as the export emits it (LatencyFragments.Input goes through the same EmitInput):
        // ONNX Runtime, TorchSharp's FBNetNetwork.PoolInput and averages by hand must agree, partial windows included.
        torch.manual_seed(size * 10 + r);
        using var x = rand(2, channels, size, size);
        var pixels = x.data<float>().ToArray();
        int low = (size + r - 1) / r;
        var byHand = new float[2 * channels * low * low];
        for (int nc = 0; nc < 2 * channels; nc++)
            for (int i = 0; i < low; i++)
                for (int j = 0; j < low; j++)
                {
                    double sum = 0;
                    int count = 0;
                    for (int u = i * r; u < Math.Min(size, (i + 1) * r); u++)
                        for (int v = j * r; v < Math.Min(size, (j + 1) * r); v++) { sum += pixels[(nc * size + u) * size + v]; count++; }
                    byHand[(nc * low + i) * low + j] = (float)(sum / count);
                }
        using var pooled = FBNetNetwork.PoolInput(x, r);
        Assert.Equal(new long[] { 2, channels, low, low }, pooled.shape);
        var torchPooled = pooled.data<float>().ToArray();
        var (model, shape) = FBNetV2.MLNet.Latency.LatencyFragments.Input(channels, size, r, 2);
        Assert.Contains("AveragePool", global::Onnx.ModelProto.Parser.ParseFrom(model).Graph.Node.Select(n => n.OpType));
        using var session = new InferenceSession(model);
        using var input = OrtValue.CreateTensorValueFromMemory(pixels, shape);
        using var run = new RunOptions();
        using var results = session.Run(run, [session.InputMetadata.Keys.Single()], [input], [session.OutputMetadata.Keys.Single()]);
        Assert.Equal(new long[] { 2, channels, low, low }, results[0].GetTensorTypeAndShape().Shape);
        var ort = results[0].GetTensorDataAsSpan<float>().ToArray();
        for (int k = 0; k < byHand.Length; k++)
        {
            Assert.True(Math.Abs(torchPooled[k] - byHand[k]) <= 1e-6f, $"TorchSharp at {k}: {torchPooled[k]} vs {byHand[k]} by hand");
            Assert.True(Math.Abs(ort[k] - byHand[k]) <= 1e-6f, $"ONNX Runtime at {k}: {ort[k]} vs {byHand[k]} by hand");
        }

        // The whole network: logits and probabilities, at that size and factor.
        var arch = FBNetArchitecture.Parse($"in_c{channels}_s{size}_sub{r}|conv_k3_c8_s1_hs|ir_k3_e3_c16_s2_se_hs,ir_k5_e2_c16|head_c32_f0_hs|cls5");
        torch.manual_seed(r);
        using var net = Prepared(new FBNetNetwork(arch, Enumerable.Repeat(0.4f, channels).ToArray(), Enumerable.Repeat(0.3f, channels).ToArray()));
        output.WriteLine($"{arch}: max diff {MaxParityDiff(net, size, arch.ToString()):E2}");
    }

    [Fact]
    public void LogitParityCatchesWhatProbabilitiesHide()
    {
        // An export error that probabilities cannot show: the same bias added to every logit (softmax is
        // shift-invariant; a saturated softmax hides scale errors the same way). The logits comparison must catch it.
        using var net = PredefinedNetwork();
        var a = net.Architecture;
        torch.manual_seed(5);
        using var x = rand(2, a.InputChannels, a.InputSize, a.InputSize);
        Assert.True(FBNetV2.MLNet.Benchmarks.ArchitectureFuzzer.ParityDiff(net, x) <= Tolerance);
        var model = global::Onnx.ModelProto.Parser.ParseFrom(FBNetV2.MLNet.Benchmarks.ArchitectureFuzzer.WithLogitsOutput(OnnxExporter.Export(net)));
        var softmax = model.Graph.Node.Single(n => n.OpType == "Softmax");
        string logits = softmax.Input[0];
        var scale = new global::Onnx.TensorProto { Name = "fbnet_test_error", DataType = (int)global::Onnx.TensorProto.Types.DataType.Float };
        scale.FloatData.Add(0.5f);
        model.Graph.Initializer.Add(scale);
        var mul = new global::Onnx.NodeProto { OpType = "Add", Name = "fbnet_test_error_add" };
        mul.Input.Add(logits);
        mul.Input.Add("fbnet_test_error");
        mul.Output.Add("fbnet_test_wrong_logits");
        foreach (var n in model.Graph.Node.Where(n => n.Input.Contains(logits)).ToList())
            for (int i = 0; i < n.Input.Count; i++) if (n.Input[i] == logits) n.Input[i] = "fbnet_test_wrong_logits";
        model.Graph.Node.Add(mul);
        using var session = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(model));
        using var input = OrtValue.CreateTensorValueFromMemory(x.data<float>().ToArray(), [2, a.InputChannels, a.InputSize, a.InputSize]);
        using var run = new RunOptions();
        using var results = session.Run(run, [OnnxExporter.InputName], [input], [OnnxExporter.OutputName, FBNetV2.MLNet.Benchmarks.ArchitectureFuzzer.LogitsOutputName]);
        float[] expected, expectedProbabilities;
        using (no_grad())
        using (var y = net.forward(x))
        {
            expected = y.data<float>().ToArray();
            expectedProbabilities = y.softmax(1).data<float>().ToArray();
        }
        var probabilities = results[0].GetTensorDataAsSpan<float>().ToArray();
        var actual = results[1].GetTensorDataAsSpan<float>().ToArray();
        Assert.True(probabilities.Zip(expectedProbabilities, (p, q) => Math.Abs(p - q)).Max() <= Tolerance, "the probabilities show the error after all: the test does not test what it says");
        float worst = actual.Zip(expected, (p, q) => Math.Abs(p - q) / (1 + Math.Abs(q))).Max();
        Assert.True(worst > 10 * Tolerance, $"a logit bias of 0.5 gave a relative logit difference of only {worst:E2}");
    }

    [Fact]
    public void PixelScaleAndPredictedIndexKeepTheFunction()
    {
        using var net = PredefinedNetwork();
        var a = net.Architecture;
        var random = new Random(3);
        var pixels = Enumerable.Range(0, 4 * a.InputSize * a.InputSize).Select(_ => (float)random.Next(256)).ToArray();
        long[] shape = [4, 1, a.InputSize, a.InputSize];
        using var plain = new InferenceSession(FBNetV2.MLNet.Benchmarks.ArchitectureFuzzer.WithLogitsOutput(OnnxExporter.Export(net)));
        var (expected, expectedLogits) = RunOnnxWithLogits(plain, pixels.Select(p => p / 255f).ToArray(), shape, a.NumClasses);

        using var scaled = new InferenceSession(FBNetV2.MLNet.Benchmarks.ArchitectureFuzzer.WithLogitsOutput(OnnxExporter.Export(net, new OnnxExportOptions
        {
            PixelScale = 1f / 255f, InputName = "Features", OutputName = "Score", PredictedIndexName = "Index",
        }), "Score"));
        using var input = OrtValue.CreateTensorValueFromMemory(pixels, shape);
        using var run = new RunOptions();
        using var results = scaled.Run(run, ["Features"], [input], ["Score", "Index", FBNetV2.MLNet.Benchmarks.ArchitectureFuzzer.LogitsOutputName]);
        var scores = results[0].GetTensorDataAsSpan<float>().ToArray();
        var index = results[1].GetTensorDataAsSpan<long>().ToArray();
        var logits = results[2].GetTensorDataAsSpan<float>().ToArray();
        Assert.Equal(new long[] { 4 }, results[1].GetTensorTypeAndShape().Shape);
        for (int i = 0; i < scores.Length; i++) Assert.True(Math.Abs(scores[i] - expected[i]) <= Tolerance, $"score {i}: {scores[i]} vs {expected[i]}");
        // The logits too: a scale error in the pixels that a saturated softmax would hide.
        for (int i = 0; i < logits.Length; i++)
            Assert.True(Math.Abs(logits[i] - expectedLogits[i]) <= Tolerance * (1 + Math.Abs(expectedLogits[i])), $"logit {i}: {logits[i]} vs {expectedLogits[i]}");
        for (int b = 0; b < 4; b++)
        {
            var row = scores.AsSpan(b * a.NumClasses, a.NumClasses).ToArray();
            Assert.Equal(Array.IndexOf(row, row.Max()), index[b]);
        }
        Assert.Equal((1f / 255f).ToString("R", System.Globalization.CultureInfo.InvariantCulture), scaled.ModelMetadata.CustomMetadataMap[OnnxMetadataKeys.PixelScale]);
    }

    private static (float[] Probabilities, float[] Logits) RunOnnxWithLogits(InferenceSession session, float[] pixels, long[] shape, int classes)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(pixels, shape);
        using var run = new RunOptions();
        using var results = session.Run(run, [OnnxExporter.InputName], [input], [OnnxExporter.OutputName, FBNetV2.MLNet.Benchmarks.ArchitectureFuzzer.LogitsOutputName]);
        Assert.Equal(new[] { shape[0], classes }, results[0].GetTensorTypeAndShape().Shape);
        return (results[0].GetTensorDataAsSpan<float>().ToArray(), results[1].GetTensorDataAsSpan<float>().ToArray());
    }

    /// <summary>A random architecture's network, with random BN statistics and affine parameters so that folding matters.</summary>
    private static FBNetNetwork RandomNetwork(int seed)
    {
        var arch = RandomArchitectures.Create(seed);
        var (mean, std) = RandomArchitectures.Normalisation(seed, arch.InputChannels);
        torch.manual_seed(seed);
        return Prepared(new FBNetNetwork(arch, mean, std));
    }

    private static FBNetNetwork PredefinedNetwork()
    {
        torch.manual_seed(7);
        return Prepared(new FBNetNetwork(PredefinedArchitectures.Get("Compact-M"), [0.1307f], [0.3081f]));
    }

    private static FBNetNetwork Prepared(FBNetNetwork net)
    {
        FBNetV2.MLNet.Benchmarks.ArchitectureFuzzer.RandomizeBatchNorm(net);
        net.eval();
        return net;
    }
}
