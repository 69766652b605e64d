using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using FBNetV2.MLNet;
using FBNetV2.MLNet.Network;
using Microsoft.ML;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;

/// <summary>
/// One image through each engine, under BenchmarkDotNet (mean, error, allocations per call). The network is Compact-S
/// trained one epoch on the committed sample: latency does not depend on the weights, only on the exported graph.
/// In-process, because the natives (the patched libtorch loader) are laid out by this project's build, not BDN's.
/// </summary>
[Config(typeof(Settings))]
public class PerImageInference
{
    private sealed class Settings : ManualConfig
    {
        public Settings()
        {
            AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
            AddDiagnoser(MemoryDiagnoser.Default);
        }
    }

    private FBNetModel _model = null!;
    private FBNetNetwork _network = null!;
    private torch.Tensor _tensor = null!;
    private InferenceSession _session = null!;
    private NamedOnnxValue[] _onnxInput = null!;
    private PredictionEngine<FeatureRow, Prediction> _engine = null!;
    private IDataView _row = null!;
    private FeatureRow _image = null!;

    [GlobalSetup]
    public void Setup()
    {
        var ml = new MLContext(seed: 1);
        var sample = SampleModel.Train(ml, epochs: 1);
        _model = sample.Model;
        _image = sample.Test[0];

        _network = new FBNetNetwork(_model.Architecture);
        _network.eval();
        _tensor = torch.tensor(_image.Features.Select(v => v * _model.PixelScale).ToArray(), [1, 1, 28, 28]);
        _session = new InferenceSession(_model.GetOnnxModel());
        _onnxInput = [NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(_image.Features, [1, 1, 28, 28]))];
        _engine = ml.Model.CreatePredictionEngine<FeatureRow, Prediction>(_model, new PredictionEngineOptions { OwnsTransformer = false });
        _row = ml.Data.LoadFromEnumerable(new[] { _image });
    }

    [Benchmark(Description = "TorchSharp eval")]
    public void TorchSharpEval()
    {
        using var _ = torch.no_grad();
        using var y = _network.forward(_tensor);
    }

    [Benchmark(Description = "ONNX Runtime InferenceSession")]
    public void OnnxRuntime()
    {
        using var r = _session.Run(_onnxInput);
    }

    [Benchmark(Description = "ML.NET Transform (one-row IDataView)")]
    public void MLNetTransform() => Scoring.Consume(_model.Transform(_row));

    [Benchmark(Description = "ML.NET PredictionEngine")]
    public Prediction PredictionEngine() => _engine.Predict(_image);

    [GlobalCleanup]
    public void Cleanup()
    {
        _engine.Dispose();
        _session.Dispose();
        _tensor.Dispose();
        _network.Dispose();
        _model.Dispose();
    }
}
