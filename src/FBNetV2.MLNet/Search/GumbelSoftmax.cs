using FBNetV2.MLNet.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Search;

/// <summary>Gumbel-softmax relaxation of a categorical choice, as in FBNet / FBNetV2.</summary>
internal static class GumbelSoftmax
{
    /// <summary>
    /// Samples weights [rows, n] from logits <paramref name="alpha"/> [n]: softmax((alpha + G) / tau) with Gumbel
    /// noise G drawn per row (rows = batch size for per-sample noise, else 1). With <paramref name="hard"/> the
    /// forward value is one-hot while gradients flow through the soft weights (straight-through).
    /// </summary>
    public static Tensor Sample(Tensor alpha, double temperature, long rows = 1, bool hard = false)
    {
        using var scope = NewDisposeScope();
        // Drawn in float32 whatever the logits' type, so that a float64 copy of a supernet (the reference of the
        // channels-last tests) sees the same noise from the same seed.
        var u = rand([rows, alpha.shape[0]], device: alpha.device).Between(1e-10, 1 - 1e-7).to_type(alpha.dtype);
        var gumbel = -(-u.log()).log();
        var soft = nn.functional.softmax(alpha.unsqueeze(0).Plus(gumbel).Over(temperature), 1);
        if (!hard) return soft.MoveToOuterDisposeScope();
        var index = soft.argmax(1, keepdim: true);
        var oneHot = zeros_like(soft).scatter_(1, index, ones_like(index, dtype: soft.dtype));
        return (oneHot - soft.detach()).Plus(soft).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One option drawn from softmax(<paramref name="alpha"/>) as a one-hot row [1, n] without gradient (the Gumbel-max
    /// trick: argmax(alpha + G) is distributed as the softmax), for steps that train the weights of one sampled path.
    /// </summary>
    public static Tensor SampleOneHot(Tensor alpha)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var u = rand([1, alpha.shape[0]], device: alpha.device).Between(1e-10, 1 - 1e-7).to_type(alpha.dtype);
        var index = (alpha.detach().unsqueeze(0) - (-u.log()).log()).argmax(1, keepdim: true);
        return zeros([1, alpha.shape[0]], dtype: alpha.dtype, device: alpha.device).scatter_(1, index, ones_like(index, dtype: alpha.dtype)).MoveToOuterDisposeScope();
    }

    /// <summary>Entropy (nats) of softmax(alpha): how undecided a choice still is.</summary>
    public static double Entropy(Tensor alpha)
    {
        using var scope = NewDisposeScope();
        var logp = nn.functional.log_softmax(alpha.detach(), 0);
        return -(logp.exp() * logp).sum().item<float>();
    }
}
