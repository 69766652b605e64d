using FBNetV2.MLNet.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Training;

/// <summary>Hinton et al.'s distillation loss: (1 - a) * CE(student, labels) + a * T^2 * KL(softmax(t / T) || softmax(s / T)).</summary>
internal static class Distillation
{
    /// <summary>
    /// The T^2 factor keeps the soft term's gradient on the scale of the hard term's as T changes; the KL is summed over
    /// classes and averaged over the batch (PyTorch's reduction "batchmean", the mathematically correct mean).
    /// </summary>
    public static Tensor Loss(Tensor studentLogits, Tensor teacherLogits, Tensor labels, double weight, double temperature, double labelSmoothing)
    {
        var hard = nn.functional.cross_entropy(studentLogits, labels, label_smoothing: labelSmoothing);
        if (weight <= 0) return hard;
        var logStudent = nn.functional.log_softmax(studentLogits.Over(temperature), 1);
        var logTeacher = nn.functional.log_softmax(teacherLogits.Over(temperature), 1);
        var kl = (logTeacher.exp() * (logTeacher - logStudent)).sum(1).mean();
        return hard.Times(1 - weight).Plus(kl.Times(weight * temperature * temperature));
    }
}
