using FBNetV2.MLNet.Data;
using FBNetV2.MLNet.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Training;

/// <summary>Inference over an in-memory dataset in eval mode.</summary>
internal static class Evaluation
{
    /// <summary>Share of images whose highest-scoring class is the label.</summary>
    public static double Accuracy(nn.Module<Tensor, Tensor> net, LabeledImages data, int batchSize = 256)
    {
        var probabilities = Probabilities(net, data, batchSize);
        int classes = probabilities.Length / Math.Max(1, data.Count), correct = 0;
        for (int i = 0; i < data.Count; i++)
        {
            int best = 0;
            for (int c = 1; c < classes; c++) if (probabilities[i * classes + c] > probabilities[i * classes + best]) best = c;
            if (best == data.Labels[i]) correct++;
        }
        return data.Count == 0 ? 0 : (double)correct / data.Count;
    }

    /// <summary>Softmax probabilities, row-major [Count, classes].</summary>
    public static float[] Probabilities(nn.Module<Tensor, Tensor> net, LabeledImages data, int batchSize = 256)
    {
        bool wasTraining = net.training;
        net.eval();
        var device = net.parameters().FirstOrDefault()?.device ?? CPU;
        var result = new List<float>();
        try
        {
            using var _ = no_grad();
            foreach (var (x, y) in new BatchSource(data, batchSize, device).Batches(null))
            using (x)
            using (y)
            using (var scope = NewDisposeScope())
                result.AddRange(nn.functional.softmax(net.forward(x), 1).cpu().data<float>().ToArray());
        }
        finally { net.train(wasTraining); }
        return result.ToArray();
    }
}
