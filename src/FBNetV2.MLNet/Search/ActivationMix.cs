using System.Numerics;
using FBNetV2.MLNet.Architecture;
using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Search;

/// <summary>
/// A searched non-linearity, ReLU and h-swish mixed by their Gumbel weights: relu(z) + w (hswish(z) - relu(z)), w the
/// h-swish weight. Composed from libtorch's ops this costs two activation passes, a lerp and, backward, five more
/// passes over every expanded map, twice per block: the largest part of the soft supernet step's excess over its
/// widest member (docs/benchmarks.md, "Where the soft step's time goes"). libtorch fuses no elementwise ops on the
/// CPU through TorchSharp 0.107, so on the CPU the mix is one hand-written autograd function: one pass forward and one
/// backward (which also sums the weight's gradient), vectorised and split over the Torch threads. Elsewhere (CUDA,
/// other dtypes, layouts that are not dense) it falls back to the composition, which computes the same values.
/// </summary>
internal static class ActivationMix
{
    /// <summary>Off: always compose from libtorch's ops (the benchmarks' A/B switch and the tests' reference).</summary>
    internal static bool Fused { get; set; } = true;

    /// <summary>
    /// The mixture of <paramref name="weights"/>' activations of <paramref name="z"/>; each weight is [rows, 1, ...]
    /// (rows 1 or z's batch) and they sum to one per row.
    /// </summary>
    public static Tensor Apply(Tensor z, (Activation Act, Tensor Weight)[] weights)
    {
        if (weights.Length == 2 && weights[0].Act == Activation.Relu && weights[1].Act == Activation.HSwish && Fused
            && ReluHSwishFunction.Supports(z, weights[1].Weight))
            return ReluHSwishFunction.apply(z, weights[1].Weight);
        return SuperBlock.Mix(weights.Select(t => (Network.Activations.Apply(t.Act, z), t.Weight)).ToArray());
    }

    /// <summary>relu(z) + w (hswish(z) - relu(z)) with w per row, as one pass each way.</summary>
    private sealed class ReluHSwishFunction : torch.autograd.SingleTensorFunction<ReluHSwishFunction>
    {
        // Elements per parallel chunk: large enough that scheduling costs nothing, small enough to split a 28 px map.
        private const int Chunk = 1 << 15;

        public override string Name => nameof(ReluHSwishFunction);

        public static bool Supports(Tensor z, Tensor w)
        {
            if (z.device_type != DeviceType.CPU || z.dtype != ScalarType.Float32 || w.dtype != ScalarType.Float32 || z.dim() < 1) return false;
            long rows = w.numel();
            if (rows != 1 && rows != z.shape[0]) return false;
            return IsDenseBatchOuter(z.shape, z.stride());
        }

        /// <summary>
        /// Whether the elements fill one block of memory without gaps or overlap (any dimension order: NCHW and NHWC
        /// both qualify) with the batch outermost, so that memory order visits the rows one after the other.
        /// </summary>
        internal static bool IsDenseBatchOuter(long[] shape, long[] stride)
        {
            var dims = Enumerable.Range(0, shape.Length).Where(d => shape[d] > 1).OrderByDescending(d => stride[d]).ToArray();
            long expected = 1;
            for (int i = dims.Length - 1; i >= 0; i--)
            {
                if (stride[dims[i]] != expected) return false;
                expected *= shape[dims[i]];
            }
            return shape[0] <= 1 || dims[0] == 0;
        }

        public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
        {
            var z = (Tensor)vars[0];
            var w = (Tensor)vars[1];
            ctx.save_for_backward([z, w]);
            var y = empty_like(z);
            if (!Same(y.stride(), z.stride())) throw new InvalidOperationException("empty_like changed the strides of a dense tensor.");
            var wv = w.contiguous().data<float>().ToArray();
            unsafe
            {
                Forward((float*)Pointer(z), (float*)Pointer(y), z.numel(), wv);
            }
            return y;
        }

        public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor grad)
        {
            var saved = ctx.get_saved_variables();
            Tensor z = saved[0], w = saved[1];
            // The incoming gradient normally has z's layout; where it does not, copy it into that layout so that one
            // memory index means the same element in all three tensors.
            if (!Same(grad.stride(), z.stride()) || !IsDenseBatchOuter(grad.shape, grad.stride()))
            {
                var g2 = empty_like(z);
                g2.copy_(grad);
                grad = g2;
            }
            var dz = empty_like(z);
            var wv = w.contiguous().data<float>().ToArray();
            double[] dw;
            unsafe
            {
                dw = Backward((float*)Pointer(z), (float*)Pointer(grad), (float*)Pointer(dz), z.numel(), wv);
            }
            var dwTensor = tensor(dw.Select(d => (float)d).ToArray(), w.shape);
            return [dz, dwTensor];
        }

        private static bool Same(long[] a, long[] b) => a.AsSpan().SequenceEqual(b);

        // The address of the first element. Tensor.bytes refuses tensors that are not contiguous in NCHW order (and
        // those that require gradients), so ask LibTorchSharp directly, as TorchSharp's own accessors do.
        private static unsafe void* Pointer(Tensor t)
        {
            var p = THSTensor_data(t.Handle);
            if (p == IntPtr.Zero) throw new InvalidOperationException("LibTorchSharp returned no data pointer for a CPU tensor.");
            return (void*)p;
        }

        [System.Runtime.InteropServices.DllImport("LibTorchSharp")]
        private static extern IntPtr THSTensor_data(IntPtr handle);

        private static int Threads => Math.Max(1, torch.get_num_threads());

        private static unsafe void Forward(float* z, float* y, long n, float[] w)
        {
            long rowLength = n / w.Length;
            long chunksPerRow = (rowLength + Chunk - 1) / Chunk;
            nint zp = (nint)z, yp = (nint)y;
            Parallel.For(0L, w.Length * chunksPerRow, new ParallelOptions { MaxDegreeOfParallelism = Threads }, task =>
            {
                long row = task / chunksPerRow, start = row * rowLength + task % chunksPerRow * Chunk;
                long end = Math.Min(start + Chunk, (row + 1) * rowLength);
                ForwardRange((float*)zp + start, (float*)yp + start, (int)(end - start), w[row]);
            });
        }

        // Optimised from the first call: tier-0 code of a Vector<float> loop is several times slower.
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        private static unsafe void ForwardRange(float* z, float* y, int count, float weight)
        {
            int i = 0, width = Vector<float>.Count;
            var zero = Vector<float>.Zero;
            var three = new Vector<float>(3f);
            var six = new Vector<float>(6f);
            var sixth = new Vector<float>(1f / 6f);
            var wv = new Vector<float>(weight);
            for (; i <= count - width; i += width)
            {
                var v = *(Vector<float>*)(z + i);
                var r = Vector.Max(v, zero);
                var h = v * Vector.Min(Vector.Max(v + three, zero), six) * sixth;
                *(Vector<float>*)(y + i) = r + wv * (h - r);
            }
            for (; i < count; i++)
            {
                float v = z[i], r = MathF.Max(v, 0f), h = v * MathF.Min(MathF.Max(v + 3f, 0f), 6f) * (1f / 6f);
                y[i] = r + weight * (h - r);
            }
        }

        private static unsafe double[] Backward(float* z, float* g, float* dz, long n, float[] w)
        {
            long rowLength = n / w.Length;
            long chunksPerRow = (rowLength + Chunk - 1) / Chunk;
            var partial = new double[w.Length * chunksPerRow];
            nint zp = (nint)z, gp = (nint)g, dp = (nint)dz;
            Parallel.For(0L, partial.LongLength, new ParallelOptions { MaxDegreeOfParallelism = Threads }, task =>
            {
                long row = task / chunksPerRow, start = row * rowLength + task % chunksPerRow * Chunk;
                long end = Math.Min(start + Chunk, (row + 1) * rowLength);
                partial[task] = BackwardRange((float*)zp + start, (float*)gp + start, (float*)dp + start, (int)(end - start), w[row]);
            });
            var dw = new double[w.Length];
            for (long t = 0; t < partial.LongLength; t++) dw[t / chunksPerRow] += partial[t];
            return dw;
        }

        /// <summary>
        /// dz = g ((1 - w) relu'(z) + w hswish'(z)) with libtorch 2.10's choices at the kinks (relu' = 0 at 0; hswish'
        /// = z / 3 + 1/2 on (-3, 3), 0 at -3, 1 at 3); returns the sum of g (hswish(z) - relu(z)), this range's share of dL/dw.
        /// </summary>
        // Optimised from the first call: tier-0 code of a Vector<float> loop is several times slower.
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        private static unsafe double BackwardRange(float* z, float* g, float* dz, int count, float weight)
        {
            int i = 0, width = Vector<float>.Count;
            var zero = Vector<float>.Zero;
            var one = Vector<float>.One;
            var three = new Vector<float>(3f);
            var minusThree = new Vector<float>(-3f);
            var six = new Vector<float>(6f);
            var sixth = new Vector<float>(1f / 6f);
            var third = new Vector<float>(1f / 3f);
            var half = new Vector<float>(0.5f);
            var wv = new Vector<float>(weight);
            var acc = Vector<float>.Zero;
            double total = 0;
            int sinceFlush = 0;
            for (; i <= count - width; i += width)
            {
                var v = *(Vector<float>*)(z + i);
                var gv = *(Vector<float>*)(g + i);
                var dr = Vector.ConditionalSelect(Vector.GreaterThan(v, zero), one, zero);
                var dh = Vector.ConditionalSelect(Vector.LessThanOrEqual(v, minusThree), zero,
                    Vector.ConditionalSelect(Vector.LessThan(v, three), v * third + half, one));
                *(Vector<float>*)(dz + i) = gv * (dr + wv * (dh - dr));
                var r = Vector.Max(v, zero);
                var h = v * Vector.Min(Vector.Max(v + three, zero), six) * sixth;
                acc += gv * (h - r);
                // Flush the float lanes into a double now and then: a 28 px map has ~10^5 terms per row.
                if (++sinceFlush == 256) { total += Vector.Sum(acc); acc = Vector<float>.Zero; sinceFlush = 0; }
            }
            total += Vector.Sum(acc);
            for (; i < count; i++)
            {
                float v = z[i], gi = g[i];
                float dr = v > 0 ? 1f : 0f, dh = v <= -3f ? 0f : v < 3f ? v / 3f + 0.5f : 1f;
                dz[i] = gi * (dr + weight * (dh - dr));
                float r = MathF.Max(v, 0f), h = v * MathF.Min(MathF.Max(v + 3f, 0f), 6f) * (1f / 6f);
                total += gi * (h - r);
            }
            return total;
        }
    }
}
