using FBNetV2.MLNet.Network;
using FBNetV2.MLNet.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Search;

/// <summary>
/// Adam with one second moment for all its parameters: the mean square of the whole gradient, not each coordinate's.
/// Each logit's step stays proportional to its own (averaged) gradient, and the step as a whole is sized as Adam sizes
/// it (a root-mean-square step of about the learning rate), so <see cref="SearchOptions.ArchitectureTravel"/> keeps its
/// meaning. Why: Adam divides every logit's gradient by its own magnitude, so a logit whose gradient has a steady sign
/// moves at the learning rate however small that gradient is. The expected-cost term gives every width option a
/// steady sign (wider than the decision's mean: down), so in the first architecture epoch every option above its
/// decision's mean fell by about the same amount whatever it cost: a 4x4 stage's hidden channel (16 positions) as far
/// as a 14 px stage's (196 positions), on Fashion-MNIST and the synthetic shapes alike (docs/benchmarks.md, section 7,
/// session 31). The search then shrinks every stage alike instead of taking the FLOPs where they are dearest.
/// The moments live in Adam's state tensors (the shared second moment repeated in every exp_avg_sq), so a search
/// checkpoint saves and resumes it as it does Adam.
/// </summary>
internal sealed class GlobalRmsAdam : Adam
{
    public GlobalRmsAdam(IEnumerable<Parameter> parameters, double lr, double weight_decay = 0)
        : base(parameters, lr, weight_decay: weight_decay) { }

    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var o = group.Options;
        double lr = o.LearningRate!.Value, beta1 = o.beta1!.Value, beta2 = o.beta2!.Value, eps = o.eps!.Value, wd = o.weight_decay!.Value;
        if (o.amsgrad!.Value || o.maximize!.Value) throw new NotSupportedException("GlobalRmsAdam implements neither AMSGrad nor maximize.");
        var stepping = group.Parameters.Where(p => p.grad is not null).ToList();
        if (stepping.Count == 0) return;
        using var scope = NewDisposeScope();
        var grads = stepping.Select(p => wd == 0 ? p.grad! : p.grad!.Plus(p.Times(wd))).ToList();
        double sumSq = grads.Sum(g => { var d = g.to_type(ScalarType.Float64); return d.mul(d).sum().item<double>(); });
        long count = grads.Sum(g => g.numel());
        var first = (State)_state[stepping[0].Handle];
        // Every exp_avg_sq holds the same value; the first parameter's first element is the shared moment.
        double previous = first.exp_avg_sq.numel() > 0 ? first.exp_avg_sq.flatten()[0].item<float>() : 0;
        double shared = beta2 * previous + (1 - beta2) * sumSq / count;
        long step = first.step + 1;
        double bias1 = 1 - Math.Pow(beta1, step), bias2 = 1 - Math.Pow(beta2, step);
        double scale = lr / bias1 / (Math.Sqrt(shared / bias2) + eps);
        for (int i = 0; i < stepping.Count; i++)
        {
            var s = (State)_state[stepping[i].Handle]; // every parameter of the optimizer has its state (a cast, not a silent skip)
            s.step = step;
            s.exp_avg.TimesInPlace(beta1).PlusScaledInPlace(grads[i], 1 - beta1);
            using (var v = shared.ToScalar()) s.exp_avg_sq.fill_(v);
            stepping[i].PlusScaledInPlace(s.exp_avg, -scale);
        }
    }, closure);
}
