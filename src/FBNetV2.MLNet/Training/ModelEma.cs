using FBNetV2.MLNet.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Training;

/// <summary>Exponential moving average of a network's weights and BN statistics, kept in a twin network.</summary>
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

    public void Update()
    {
        using var _ = no_grad();
        foreach (var (e, l) in pairs)
        {
            if (e.is_floating_point()) e.mul_(Decay).add_(l, alpha: 1 - Decay);
            else e.copy_(l);
        }
    }

    public void Dispose() => Network.Dispose();
}
