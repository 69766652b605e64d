using FBNetV2.MLNet.Network;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Training;

// TorchSharp 0.107's SGD, Adam and AdamW steps pass numbers to libtorch as temporary Scalars (mul_(momentum),
// add_(grad, alpha), addcdiv_(..., -lr)), which a garbage collection on another thread can free during the native call
// (see TorchScalars). These subclasses keep TorchSharp's optimizers - their options, parameter groups, state and
// state-dict format, so checkpoints and learning-rate changes work as before - and replace only step(), with the same
// arithmetic in the same order and every Scalar held for the length of the step. The tests compare each with
// TorchSharp's own step.

/// <summary>TorchSharp's SGD (momentum, dampening, Nesterov, coupled weight decay, maximize) with a step that keeps its Scalars alive.</summary>
internal sealed class ScalarSafeSgd : SGD
{
    public ScalarSafeSgd(IEnumerable<Parameter> parameters, double lr, double momentum = 0, double dampening = 0, double weight_decay = 0, bool nesterov = false)
        : base(parameters, lr, momentum, dampening, weight_decay, nesterov) { }

    public ScalarSafeSgd(IEnumerable<ParamGroup> groups, double lr)
        : base(groups, lr) { }

    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var o = group.Options;
        double momentum = o.momentum!.Value, weightDecay = o.weight_decay!.Value, lr = o.LearningRate!.Value;
        using var decay = weightDecay.ToScalar();
        using var keep = momentum.ToScalar();
        using var take = (1.0 - o.dampening!.Value).ToScalar();
        using var alpha = (o.maximize!.Value ? lr : -lr).ToScalar();
        foreach (var p in group.Parameters)
        {
            var state = (State)_state[p.Handle];
            var grad = p.grad;
            if (grad is null) continue;
            if (weightDecay != 0) grad = grad.add(p, decay);
            if (momentum != 0)
            {
                var buffer = state.momentum_buffer;
                if (buffer is null) buffer = state.momentum_buffer = grad.clone().detach().DetachFromDisposeScope();
                else buffer.mul_(keep).add_(grad, take);
                grad = o.nesterov!.Value ? grad.add(buffer, keep) : buffer;
            }
            p.add_(grad, alpha);
        }
    }, closure);

    /// <summary>The momentum buffers made so far (one per parameter that has had a step), for writers that must see their layout.</summary>
    internal IEnumerable<Tensor> MomentumBuffers() =>
        _parameter_groups.SelectMany(g => g.Parameters).Select(p => ((State)_state[p.Handle]).momentum_buffer).OfType<Tensor>();
}

/// <summary>TorchSharp's Adam (coupled weight decay, maximize) with a step that keeps its Scalars alive.</summary>
internal sealed class ScalarSafeAdam : Adam
{
    public ScalarSafeAdam(IEnumerable<Parameter> parameters, double lr, double weight_decay = 0)
        : base(parameters, lr, weight_decay: weight_decay) { }

    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var o = group.Options;
        var settings = new AdamStep.Settings(o.LearningRate!.Value, o.beta1!.Value, o.beta2!.Value, o.eps!.Value, o.weight_decay!.Value, o.amsgrad!.Value, o.maximize!.Value, Decoupled: false);
        foreach (var p in group.Parameters)
        {
            var s = (State)_state[p.Handle]; // every parameter of the optimizer has its state (a cast, not a silent skip)
            AdamStep.Apply(p, settings, ref s.step, s.exp_avg, s.exp_avg_sq);
        }
    }, closure);
}

/// <summary>TorchSharp's AdamW (decoupled weight decay, maximize) with a step that keeps its Scalars alive.</summary>
internal sealed class ScalarSafeAdamW : AdamW
{
    public ScalarSafeAdamW(IEnumerable<ParamGroup> groups, double lr)
        : base(groups, lr) { }

    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var o = group.Options;
        var settings = new AdamStep.Settings(o.LearningRate!.Value, o.beta1!.Value, o.beta2!.Value, o.eps!.Value, o.weight_decay!.Value, o.amsgrad!.Value, o.maximize!.Value, Decoupled: true);
        foreach (var p in group.Parameters)
        {
            var s = (State)_state[p.Handle]; // every parameter of the optimizer has its state (a cast, not a silent skip)
            AdamStep.Apply(p, settings, ref s.step, s.exp_avg, s.exp_avg_sq);
        }
    }, closure);
}

/// <summary>The Adam and AdamW update (TorchSharp's order of operations), shared by the two optimizers above.</summary>
internal static class AdamStep
{
    /// <summary>A parameter group's options. <paramref name="Decoupled"/>: AdamW, which decays the weights by lr * wd;
    /// otherwise Adam, which adds wd * weight to the gradient.</summary>
    public readonly record struct Settings(double LearningRate, double Beta1, double Beta2, double Eps, double WeightDecay, bool AmsGrad, bool Maximize, bool Decoupled);

    /// <summary>One parameter's update from its gradient (none: no update) and its moments, updated in place as is <paramref name="step"/>.</summary>
    public static void Apply(Parameter p, Settings o, ref long step, Tensor expAvg, Tensor expAvgSq)
    {
        // AMSGrad is not used by the library, so its variant of the step is not carried.
        if (o.AmsGrad) throw new NotSupportedException("AMSGrad is not implemented by the library's Adam and AdamW steps.");
        if (p.grad is not { } grad) return;
        if (o.Maximize) grad = -grad;
        step++;
        if (o.Decoupled) p.TimesInPlace(1.0 - o.LearningRate * o.WeightDecay);
        double bias1 = 1.0 - Math.Pow(o.Beta1, step), bias2 = 1.0 - Math.Pow(o.Beta2, step);
        if (!o.Decoupled && o.WeightDecay != 0)
        {
            using var decay = o.WeightDecay.ToScalar();
            grad = grad.add(p, decay);
        }
        expAvg.TimesInPlace(o.Beta1).PlusScaledInPlace(grad, 1.0 - o.Beta1);
        using (var w = (1.0 - o.Beta2).ToScalar()) expAvgSq.TimesInPlace(o.Beta2).addcmul_(grad, grad, w);
        var denominator = expAvgSq.sqrt().Over(Math.Sqrt(bias2));
        using (var e = o.Eps.ToScalar()) denominator.add_(e, TorchScalars.One);
        using var alpha = (-(o.LearningRate / bias1)).ToScalar();
        p.addcdiv_(expAvg, denominator, alpha);
    }
}
