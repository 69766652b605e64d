using FBNetV2.MLNet.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Training;

/// <summary>
/// A trained model whose soft targets teach the network being trained (knowledge distillation, see
/// <see cref="TrainingOptions.Teacher"/>): a network trained in this process (<see cref="FromNetwork"/>) or an ONNX model
/// this tool exported (<see cref="FromOnnx"/>). It sees the same augmented batch as the student.
/// </summary>
internal abstract class DistillationTeacher : IDisposable
{
    /// <summary>What the teacher is, for logs, metrics.json and the report.</summary>
    public abstract string Description { get; }

    /// <summary>Checks that the teacher takes these images and predicts these many classes; throws ArgumentException naming the mismatch.</summary>
    public abstract void CheckFits(int channels, int height, int width, int classes);

    /// <summary>
    /// Logits (or log-probabilities, which give the same softened distribution) for images [N, C, H, W] with pixels in
    /// [0, 1]; a new tensor on the images' device, without gradient.
    /// </summary>
    public abstract Tensor Logits(Tensor images);

    public abstract void Dispose();

    /// <summary>Epochs a teacher trained in this run ran (after its deadline shaped them); null for a saved model.</summary>
    public int? TrainedEpochs { get; init; }

    /// <summary>A network trained here (e.g. a larger predefined architecture); it is evaluated in eval mode and disposed with the teacher.</summary>
    public static DistillationTeacher FromNetwork(FBNetNetwork network, string description, int? trainedEpochs = null) =>
        new NetworkTeacher(network, description) { TrainedEpochs = trainedEpochs };

    /// <summary>Whether a teacher name means a saved model (a run folder or a .onnx file) rather than an architecture to train first.</summary>
    public static bool IsSavedModel(string name) => Directory.Exists(name) || name.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    /// <summary>model.onnx written by this tool (or the run folder holding it), scored with ONNX Runtime on the CPU.</summary>
    public static DistillationTeacher FromOnnx(string path, int threads = 0) => OnnxTeacher.Load(path, threads);

    private sealed class NetworkTeacher(FBNetNetwork network, string description) : DistillationTeacher
    {
        public override string Description { get; } = description;

        public override void CheckFits(int channels, int height, int width, int classes)
        {
            var a = network.Architecture;
            if (a.InputChannels != channels || a.InputSize != height || a.InputSize != width || a.NumClasses != classes)
                throw new ArgumentException($"The teacher {Description} takes {a.InputChannels}x{a.InputSize}x{a.InputSize} images and predicts {a.NumClasses} classes, " +
                    $"but the data has {channels}x{height}x{width} images and {classes} classes.");
        }

        public override Tensor Logits(Tensor images)
        {
            network.eval();
            using var _ = no_grad();
            return network.forward(images);
        }

        public override void Dispose() => network.Dispose();
    }
}
