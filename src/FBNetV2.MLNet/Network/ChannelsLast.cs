using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Network;

/// <summary>
/// Channels-last (NHWC) memory layout for 4-D tensors and modules. TorchSharp 0.107 has no memory-format argument,
/// but libtorch picks its convolution, batch-norm and pooling kernels from the strides, so a tensor with the exact
/// strides that PyTorch's <c>to(memory_format=channels_last)</c> gives runs the NHWC kernels (1.6-2x faster training
/// for the compact networks on AVX2 CPUs). Shapes stay [N, C, H, W]: only the order in memory changes, so every
/// result equals the NCHW one within float rounding.
/// </summary>
internal static class ChannelsLast
{
    /// <summary>
    /// Whether fixed networks train channels-last on <paramref name="device"/>. On CPU, measured in
    /// docs/benchmarks.md (section 2, train-throughput and peer-throughput). On CUDA, cuDNN's NHWC kernels are
    /// not faster for fp32 on every GPU and no measurement was made, so NCHW stays.
    /// </summary>
    public static bool PreferredForTraining(Device device) => device.type == DeviceType.CPU;

    /// <summary>
    /// Converts <paramref name="module"/> (already on <paramref name="device"/>) to channels-last when training there
    /// prefers it (<see cref="PreferredForTraining"/>); returns whether it did, so that the caller's batches follow.
    /// </summary>
    public static bool ApplyForTraining(nn.Module module, Device device)
    {
        if (!PreferredForTraining(device)) return false;
        Apply(module);
        return true;
    }

    /// <summary>
    /// A channels-last copy of a 4-D tensor (other ranks are returned as an alias). permute -> contiguous -> permute
    /// back is not enough: it leaves the strides of size-1 dimensions (1x1 kernels, one input channel) ambiguous and
    /// libtorch falls back to NCHW; as_strided writes the canonical strides (H*W*C, 1, W*C, C) for every dimension.
    /// </summary>
    public static Tensor Of(Tensor t)
    {
        if (t.dim() != 4) return t.alias();
        long n = t.shape[0], c = t.shape[1], h = t.shape[2], w = t.shape[3];
        using var permuted = t.permute(0, 2, 3, 1);
        using var nhwc = permuted.contiguous();
        return nhwc.as_strided([n, c, h, w], [h * w * c, 1, w * c, c]);
    }

    /// <summary>
    /// True when a 4-D tensor is laid out in NHWC order: the strides of the channels-last layout in every dimension
    /// longer than 1 (a size-1 dimension's stride is never used to address memory, and libtorch may give a gradient
    /// other strides there).
    /// </summary>
    public static bool Is(Tensor t)
    {
        if (t.dim() != 4) return false;
        long c = t.shape[1], h = t.shape[2], w = t.shape[3];
        long[] want = [h * w * c, 1, w * c, c], s = t.stride();
        for (int d = 0; d < 4; d++) if (t.shape[d] > 1 && s[d] != want[d]) return false;
        return true;
    }

    /// <summary>
    /// Converts every 4-D parameter and buffer of <paramref name="module"/> to the canonical channels-last strides
    /// (also those already in NHWC order: a 1x1 kernel's ambiguous strides would send libtorch to NCHW) in place (same
    /// Parameter objects, new storage), so optimizers created before or after keep working. Gradients and
    /// momentum buffers follow the parameter's strides (libtorch's gradient layout contract).
    /// </summary>
    public static void Apply(nn.Module module)
    {
        using var _ = no_grad();
        foreach (var p in module.parameters())
            if (p.dim() == 4) { using var c = Of(p); p.set_(c); }
        foreach (var b in module.buffers())
            if (b.dim() == 4) { using var c = Of(b); b.set_(c); }
    }

    /// <summary>
    /// Runs <paramref name="write"/> with every non-contiguous 4-D tensor of <paramref name="tensors"/> in the default
    /// contiguous (NCHW) layout, in place, and puts those back in the canonical channels-last strides after: for
    /// writers that copy a tensor's memory as it lies (TorchSharp's save refuses non-contiguous tensors). Values are
    /// unchanged either way; only the order in memory moves.
    /// </summary>
    public static void WhileContiguous(IEnumerable<Tensor> tensors, Action write)
    {
        var changed = tensors.Where(t => t.dim() == 4 && !t.is_contiguous()).ToList();
        using (no_grad())
            foreach (var t in changed) { using var c = t.contiguous(); t.set_(c); }
        try { write(); }
        finally
        {
            using (no_grad())
                foreach (var t in changed) { using var c = Of(t); t.set_(c); }
        }
    }

    /// <summary>Converts every 4-D parameter and buffer back to the default contiguous (NCHW) layout in place.</summary>
    public static void Revert(nn.Module module)
    {
        using var _ = no_grad();
        foreach (var t in module.parameters().Cast<Tensor>().Concat(module.buffers()))
            if (t.dim() == 4 && !t.is_contiguous()) { using var c = t.contiguous(); t.set_(c); }
    }
}
