using FBNetV2.MLNet.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Training;

/// <summary>
/// Exponential moving average of a network's weights and BN statistics, kept in a twin network. The decay warms up as
/// min(decay, (1 + n) / (10 + n)) after n updates (timm's ModelEmaV3 / TensorFlow's num_updates rule): a fixed 0.999
/// would keep the random initialisation in the average for thousands of steps, which a run of a few hundred steps
/// (a small data set, a short schedule) never gets past.
/// </summary>
/// <remarks>
/// BN running mean and variance are averaged like the weights, as timm's ModelEma and torchvision's
/// ExponentialMovingAverage(use_buffers: true) do: the averaged weights then meet statistics averaged over the same
/// window, which tracks them closely once the learning rate is small; integer buffers (num_batches_tracked) are copied.
/// </remarks>
internal sealed class ModelEma : IDisposable
{
    private readonly (Tensor Ema, Tensor Live)[] pairs;

    public ModelEma(FBNetNetwork live, double decay, Device device)
    {
        Decay = decay;
        Network = new FBNetNetwork(live.Architecture, live.Mean, live.Std);
        Network.to(device);
        var emaState = Network.state_dict();
        var liveState = live.state_dict();
        pairs = emaState.Select(kv => (kv.Value, liveState[kv.Key])).ToArray();
        using var _ = no_grad();
        foreach (var (e, l) in pairs) e.copy_(l);
        Network.eval();
    }

    public double Decay { get; }
    public FBNetNetwork Network { get; }

    /// <summary>Updates done so far.</summary>
    public long Updates { get; private set; }

    /// <summary>The decay used for update number <paramref name="n"/> (0-based).</summary>
    public static double DecayAt(double decay, long n) => Math.Min(decay, (1.0 + n) / (10.0 + n));

    public void Update()
    {
        double d = DecayAt(Decay, Updates++);
        using var _ = no_grad();
        foreach (var (e, l) in pairs)
        {
            if (e.is_floating_point()) e.TimesInPlace(d).PlusScaledInPlace(l, 1 - d);
            else e.copy_(l);
        }
    }

    public void Dispose() => Network.Dispose();
}
