// Inference benchmark on the committed Fashion-MNIST sample: trains Compact-S through the ML.NET API (TrainFBNet),
// then times the same network four ways on the 300 test images, after the image steps (decoding, resizing and pixel
// extraction happen once up front, so every row measures the network and its host only):
//   TorchSharp eval (FBNetNetwork, no_grad), a raw ONNX Runtime InferenceSession on the exported model,
//   ML.NET Transform over an IDataView (the FBNetModel scoring chain), and an ML.NET PredictionEngine.
// Peak memory per engine: the growth of the process's peak RSS (VmHWM, reset through /proc/self/clear_refs) from loading
// the model to the end of its timings, so each row counts its own engine's load and run, not the ones before it.
// Usage: dotnet run -c Release --project examples/InferenceBenchmark [-- --epochs 5 --repeats 3]
//        ... -- --bdn   the per-image calls under BenchmarkDotNet (PerImageInference)
using System.Diagnostics;
using FBNetV2.MLNet;
using FBNetV2.MLNet.Network;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;

if (args.Contains("--bdn"))
{
    BenchmarkDotNet.Running.BenchmarkRunner.Run<PerImageInference>();
    return;
}

int epochs = Option("--epochs", 5), repeats = Option("--repeats", 3);
var ml = new MLContext(seed: 1);
var clock = Stopwatch.StartNew();
var (fbnet, features, testFolder) = SampleModel.Train(ml, epochs);
Console.WriteLine($"Trained {fbnet.Architecture} for {epochs} epochs in {clock.Elapsed.TotalSeconds:F1} s; " +
    $"{fbnet.Architecture.Flops / 1e6:F2} MFLOPs, {fbnet.Architecture.Parameters} parameters.");
int n = features.Length, size = features[0].Features.Length;
var featureView = ml.Data.LoadFromEnumerable(features, SchemaDefinition.Create(typeof(FeatureRow)));
Console.WriteLine($"{n} test images; {Environment.ProcessorCount} cores; ONNX Runtime providers: {string.Join(", ", OrtEnv.Instance().GetAvailableProviders())}");
Console.WriteLine();

// The exported models on disk, as an application ships them.
string modelDir = Directory.CreateTempSubdirectory("fbnet-inference-").FullName;
string zipPath = Path.Combine(modelDir, "model.zip"), onnxPath = Path.Combine(modelDir, "model.onnx"), torchPath = Path.Combine(modelDir, "model.dat");
ml.Model.Save(fbnet, featureView.Schema, zipPath);
fbnet.SaveOnnx(onnxPath);
Console.WriteLine($"{"engine",-34} {"per image (median)",20} {"batch throughput",20} {"peak memory",14}");

// TorchSharp: same architecture and input scale; latency does not depend on the weights.
long baseline = ResetPeak();
using (var net = new FBNetNetwork(fbnet.Architecture))
using (torch.no_grad())
{
    net.save(torchPath);
    net.eval();
    var all = features.SelectMany(f => f.Features.Select(v => v * fbnet.PixelScale)).ToArray();
    var singles = Enumerable.Range(0, n).Select(i => torch.tensor(all.AsSpan(i * size, size).ToArray(), [1, 1, 28, 28])).ToArray();
    using var batch = torch.tensor(all, [n, 1, 28, 28]);
    Report("TorchSharp eval (CPU)",
        i => { using var y = net.forward(singles[i]); },
        () => { using var y = net.forward(batch); });
    foreach (var t in singles) t.Dispose();
}

// Raw ONNX Runtime on the batched export (the pixel scale is folded into its normalisation).
baseline = ResetPeak();
using (var session = new InferenceSession(onnxPath))
{
    var singles = features.Select(f => new[] { NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(f.Features, [1, 1, 28, 28])) }).ToArray();
    var batch = new[] { NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(features.SelectMany(f => f.Features).ToArray(), [n, 1, 28, 28])) };
    Report("ONNX Runtime InferenceSession",
        i => { using var r = session.Run(singles[i]); },
        () => { using var r = session.Run(batch); });
}

// ML.NET over an IDataView, the model loaded from its zip: OnnxTransformer runs one row at a time, so throughput is the
// per-row cost.
var singleRows = features.Select(f => ml.Data.LoadFromEnumerable(new[] { f })).ToArray();
baseline = ResetPeak();
var loaded = ml.Model.Load(zipPath, out _);
Report("ML.NET Transform (IDataView)",
    i => Scoring.Consume(loaded.Transform(singleRows[i])),
    () => Scoring.Consume(loaded.Transform(featureView)));
(loaded as IDisposable)?.Dispose();

baseline = ResetPeak();
using (var engine = ml.Model.CreatePredictionEngine<FeatureRow, Prediction>(ml.Model.Load(zipPath, out _)))
{
    Report("ML.NET PredictionEngine",
        i => engine.Predict(features[i]),
        () => { foreach (var f in features) engine.Predict(f); });
}

var predicted = ml.Transforms.Conversion.MapKeyToValue("PredictedClass", "PredictedLabel").Fit(fbnet.Transform(featureView)).Transform(fbnet.Transform(featureView))
    .GetColumn<string>("PredictedClass").ToArray();
double accuracy = predicted.Where((p, i) => p == testFolder.Items[i].Label).Count() / (double)n;
Console.WriteLine();
Console.WriteLine($"Test accuracy {accuracy:P2} (PredictedLabel of the ML.NET chain against the folder labels).");
Console.WriteLine($"Model on disk: model.onnx {new FileInfo(onnxPath).Length / 1024.0:F0} KB, ML.NET model.zip {new FileInfo(zipPath).Length / 1024.0:F0} KB, " +
    $"TorchSharp weights {new FileInfo(torchPath).Length / 1024.0:F0} KB ({fbnet.Architecture.Parameters} parameters).");
Directory.Delete(modelDir, recursive: true);
return;

void Report(string name, Action<int> single, Action batch)
{
    for (int i = 0; i < Math.Min(n, 20); i++) single(i);
    batch();
    var times = new List<double>();
    for (int r = 0; r < repeats; r++)
        for (int i = 0; i < n; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            single(i);
            times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
    times.Sort();
    double best = double.MaxValue;
    for (int r = 0; r < repeats; r++)
    {
        long t0 = Stopwatch.GetTimestamp();
        batch();
        best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalSeconds);
    }
    Console.WriteLine($"{name,-34} {times[times.Count / 2],15:F3} ms {n / best,15:F0} img/s {PeakGrowthMb(baseline),11:F1} MB");
}

// Collects garbage, resets the kernel's peak-RSS mark to the current RSS and returns that RSS in bytes (Linux).
static long ResetPeak()
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    GC.Collect();
    File.WriteAllText("/proc/self/clear_refs", "5");
    return Status("VmRSS:");
}

static double PeakGrowthMb(long baseline) => (Status("VmHWM:") - baseline) / (1024.0 * 1024.0);

static long Status(string field) =>
    long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith(field))[field.Length..].Trim().Split(' ')[0]) * 1024;

int Option(string name, int fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
}
