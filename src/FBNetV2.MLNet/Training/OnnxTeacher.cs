using System.Globalization;
using FBNetV2.MLNet.Onnx;
using FBNetV2.MLNet.Network;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Training;

/// <summary>
/// A teacher read from model.onnx as this tool writes it: input pixels times the stored pixel scale, class
/// probabilities out. Their logarithm serves as logits: softmax(log p / T) is p^(1/T) renormalised, exactly the
/// softened distribution the teacher's logits would give.
/// </summary>
internal sealed class OnnxTeacher : DistillationTeacher
{
    private readonly InferenceSession session;
    private readonly string inputName, outputName;
    private readonly float pixelScale;
    private readonly int channels, size, classes;

    private OnnxTeacher(InferenceSession session, string path, float pixelScale, int channels, int size, int classes)
    {
        this.session = session;
        inputName = session.InputMetadata.Keys.First();
        outputName = OnnxExporter.OutputName;
        this.pixelScale = pixelScale;
        this.channels = channels;
        this.size = size;
        this.classes = classes;
        Description = $"ONNX model {path}";
    }

    public override string Description { get; }

    /// <param name="path">A model.onnx or a run folder holding one.</param>
    /// <param name="threads">ONNX Runtime's intra-op threads, the training's Torch thread count (0: ONNX Runtime's default, one per
    /// physical core). Without it a one-thread training ran the teacher on a second, busy thread (measured with top -H).</param>
    public static OnnxTeacher Load(string path, int threads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        string file = Directory.Exists(path) ? Path.Combine(path, "model.onnx") : path;
        if (!File.Exists(file))
            throw new ArgumentException($"Teacher '{path}' is neither a model.onnx file nor a run folder holding one. Give a run folder of 'fbnet train'/'fbnet search', its model.onnx, or a predefined architecture name.");
        InferenceSession session;
        try { session = new InferenceSession(file, new SessionOptions { InterOpNumThreads = 1, IntraOpNumThreads = threads }); }
        catch (OnnxRuntimeException e)
        {
            throw new ArgumentException($"Teacher '{file}' cannot be loaded by ONNX Runtime: the file is truncated, damaged or not an ONNX model ({e.Message}). " +
                "Copy the model.onnx again from its run folder, or write it again with 'fbnet export --model RUN_FOLDER_OR_ZIP --onnx FILE'.", e);
        }
        try
        {
            var meta = session.ModelMetadata.CustomMetadataMap;
            string Get(string key) => meta.TryGetValue(key, out var v) ? v
                : throw new ArgumentException($"Teacher '{file}' lacks the '{key}' metadata this tool writes; export the teacher with FBNetV2.MLNet (fbnet train --arch NAME) and pass its run folder.");
            var inv = CultureInfo.InvariantCulture;
            var architecture = Architecture.FBNetArchitecture.Parse(Get(OnnxMetadataKeys.Architecture));
            if (!session.OutputMetadata.ContainsKey(OnnxExporter.OutputName))
                throw new ArgumentException($"Teacher '{file}' has no '{OnnxExporter.OutputName}' output; use the model.onnx of a run folder, not a pipeline-named export.");
            return new OnnxTeacher(session, file, float.Parse(Get(OnnxMetadataKeys.PixelScale), inv),
                int.Parse(Get(OnnxMetadataKeys.InputChannels), inv), int.Parse(Get(OnnxMetadataKeys.InputSize), inv), architecture.NumClasses);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public override void CheckFits(int channels, int height, int width, int classes)
    {
        bool shape = this.channels == channels && size == height && size == width;
        if (!shape || this.classes != classes)
            throw new ArgumentException($"The teacher {Description} takes {this.channels}x{size}x{size} images and predicts {this.classes} classes, " +
                $"but the data has {channels}x{height}x{width} images and {classes} classes. " +
                (shape
                    ? $"Use a teacher trained on these {classes} classes."
                    : $"Resize the training images to the teacher's {size}x{size} (ResizeImages, or --size {size} in fbnet){(this.channels != channels ? $" with {this.channels} channel(s)" : "")}, or use a teacher trained on {channels}x{height}x{width} images."));
    }

    public override Tensor Logits(Tensor images)
    {
        using var cpu = images.cpu();
        var pixels = cpu.contiguous().data<float>().ToArray();
        // The graph multiplies its input by the pixel scale first; batches here are already in [0, 1].
        if (pixelScale != 1f) for (int i = 0; i < pixels.Length; i++) pixels[i] /= pixelScale;
        var shape = images.shape;
        using var input = OrtValue.CreateTensorValueFromMemory(pixels, shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [inputName], [input], [outputName]);
        var probabilities = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        using var p = tensor(probabilities, [shape[0], classes]);
        // Probabilities can underflow to 0; the floor keeps log finite without changing any meaningful target.
        return p.AtLeast(1e-12f).log_().to(images.device);
    }

    public override void Dispose() => session.Dispose();
}
