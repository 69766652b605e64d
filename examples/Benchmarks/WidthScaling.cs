using FBNetV2.MLNet.Architecture;

namespace FBNetV2.MLNet.Benchmarks;

/// <summary>
/// Scales a fixed architecture to a multiply-add target for equal-FLOPs baselines: every width (stem, block outputs,
/// hidden widths, head conv and head features) is multiplied by one factor and rounded to a multiple of 8 with
/// MobileNet's <see cref="Divisible.MakeDivisible"/>; the factor is the largest whose exact FLOPs are at most the
/// target. Depth, kernels, strides, SE, activations and input are kept. Blocks without an expansion conv (e1) stay
/// without one, so their depthwise width follows their scaled input; squeeze-excite widths follow the hidden widths.
/// </summary>
internal static class WidthScaling
{
    /// <summary>Every width of <paramref name="arch"/> times <paramref name="factor"/>, rounded to a multiple of 8.</summary>
    public static FBNetArchitecture Scale(FBNetArchitecture arch, double factor)
    {
        int W(int width) => width == 0 ? 0 : Divisible.MakeDivisible(width * factor, 8);
        var stem = arch.Stem with { OutChannels = W(arch.Stem.OutChannels) };
        var stages = arch.Stages.Select(stage => stage.Select(b => b with { OutChannels = W(b.OutChannels), Hidden = W(b.Hidden) }).ToList()).ToList();
        var head = arch.Head with { Channels = W(arch.Head.Channels), Features = W(arch.Head.Features) };
        return new FBNetArchitecture(arch.InputChannels, arch.InputSize, stem, stages, head, arch.NumClasses, arch.Subsample);
    }

    /// <summary>
    /// The largest factor (found by bisection; FLOPs never decrease with the factor, since MakeDivisible is monotone
    /// and every cost term grows with each width) whose scaled architecture costs at most <paramref name="flops"/>
    /// multiply-adds, and that architecture.
    /// </summary>
    /// <exception cref="ArgumentException">Even with every width at 8 the architecture costs more than the target.</exception>
    public static (double Factor, FBNetArchitecture Architecture) ToFlops(FBNetArchitecture arch, double flops)
    {
        // At this factor every width rounds to the minimum 8: the cheapest the scaling can reach.
        double lo = 1e-6;
        var cheapest = Scale(arch, lo);
        if (cheapest.Flops > flops)
            throw new ArgumentException($"Even with every width at 8 the architecture costs {cheapest.Flops / 1e6:F3} MFLOPs, more than the {flops / 1e6:F3} MFLOPs target.");
        double hi = 1;
        while (Fits(hi))
        {
            lo = hi;
            hi *= 2;
            if (hi > FBNetArchitecture.MaxWidth / 8.0) return (lo, Scale(arch, lo));
        }
        for (int i = 0; i < 60 && hi - lo > 1e-9; i++)
        {
            double mid = (lo + hi) / 2;
            if (Fits(mid)) lo = mid; else hi = mid;
        }
        return (lo, Scale(arch, lo));

        bool Fits(double factor)
        {
            try { return Scale(arch, factor).Flops <= flops; }
            catch (ArgumentException) { return false; } // a width over FBNetArchitecture.MaxWidth
        }
    }
}
