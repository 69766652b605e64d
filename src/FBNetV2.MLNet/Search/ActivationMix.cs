using System.Numerics;
using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Network;
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

    /// <summary>Off: the e1 input is added in place on the slice after the mix (the benchmarks' A/B switch).</summary>
    internal static bool FusedAdd { get; set; } = true;

    /// <summary>
    /// The mixture of <paramref name="weights"/>' activations of <paramref name="z"/>; each weight is [rows, 1, ...]
    /// (rows 1 or z's batch) and they sum to one per row.
    /// </summary>
    public static Tensor Apply(Tensor z, (Activation Act, Tensor Weight)[] weights)
    {
        if (IsReluHSwish(weights) && ReluHSwishFunction.Supports(z, weights[1].Weight))
            return ReluHSwishFunction.apply(z, weights[1].Weight);
        return SuperBlock.Mix(weights.Select(t => (Network.Activations.Apply(t.Act, z), t.Weight)).ToArray());
    }

    /// <summary>
    /// <see cref="Apply"/> followed by the e1 option's input added onto the first channels: y[:, :Cin] += d * x, with
    /// x [N, Cin, H, W] (Cin at most z's channels) and d [rows, 1, 1, 1] the e1 weight. Done in place on the mixture's
    /// output through libtorch, autograd keeps a copy of the whole map's gradient for the slice (CopySlices) and runs
    /// two more strided passes: measured at 0.19x of the widest member's step on the compact space (docs/benchmarks.md,
    /// section 2, session 13). On the fused path the add rides along the activation's pass each way.
    /// </summary>
    public static Tensor ApplyAndAdd(Tensor z, (Activation Act, Tensor Weight)[] weights, Tensor x, Tensor d)
    {
        if (IsReluHSwish(weights) && FusedAdd && SupportsFusedAdd(z, weights[1].Weight, x, d))
            return ReluHSwishFunction.apply(z, weights[1].Weight, x, d);
        var y = Apply(z, weights);
        y.narrow(1, 0, x.shape[1]).addcmul_(x, d, TorchScalars.One);
        return y;
    }

    /// <summary>The one mixture the fused pass computes (with <see cref="Fused"/> on): ReLU and h-swish, in that order.</summary>
    private static bool IsReluHSwish((Activation Act, Tensor Weight)[] weights) =>
        Fused && weights.Length == 2 && weights[0].Act == Activation.Relu && weights[1].Act == Activation.HSwish;

    /// <summary>Whether <see cref="Apply"/> takes the fused pass for a map z and h-swish weight w (tests check they compare it, not the composition with itself).</summary>
    internal static bool SupportsFused(Tensor z, Tensor w) => ReluHSwishFunction.Supports(z, w);

    /// <summary>Whether <see cref="ApplyAndAdd"/> takes the fused pass for a map z, h-swish weight w, input x and e1 weight d.</summary>
    internal static bool SupportsFusedAdd(Tensor z, Tensor w, Tensor x, Tensor d) =>
        SupportsFused(z, w) && ReluHSwishFunction.SupportsAddend(z, w, x, d);

    /// <summary>relu(z) + w (hswish(z) - relu(z)) with w per row, as one pass each way (optionally plus d x on the first channels).</summary>
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
        /// Whether the e1 addend can ride along: x and z are 4-d maps of the same images and pixels in the same one of
        /// the two layouts the trainer uses (NHWC or NCHW, dense), x has at most z's channels, d one weight per row of w.
        /// </summary>
        public static bool SupportsAddend(Tensor z, Tensor w, Tensor x, Tensor d)
        {
            if (z.dim() != 4 || x.dim() != 4 || x.device_type != DeviceType.CPU || x.dtype != ScalarType.Float32 || d.dtype != ScalarType.Float32) return false;
            if (x.shape[0] != z.shape[0] || x.shape[2] != z.shape[2] || x.shape[3] != z.shape[3] || x.shape[1] > z.shape[1]) return false;
            if (d.numel() != w.numel()) return false;
            // One input channel is the same memory in either layout.
            return LayoutOf(z) is { } layout && LayoutOf(x) is { } inputLayout && (inputLayout == layout || x.shape[1] == 1);
        }

        /// <summary>true: channels innermost (NHWC); false: NCHW; null: neither. Dimensions of size 1 match either stride.</summary>
        internal static bool? LayoutOf(Tensor t)
        {
            long[] shape = t.shape, stride = t.stride();
            long n = shape[0], c = shape[1], h = shape[2], w = shape[3];
            bool Match(long[] expected) => Enumerable.Range(0, 4).All(i => shape[i] == 1 || stride[i] == expected[i]);
            // NCHW first: where both match (one channel, or one pixel) the two layouts are the same memory.
            if (Match([c * h * w, h * w, w, 1])) return false;
            if (Match([h * w * c, 1, w * c, c])) return true;
            return null;
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
            var x = vars.Length > 2 ? (Tensor)vars[2] : null;
            var d = vars.Length > 3 ? (Tensor)vars[3] : null;
            ctx.save_for_backward(x is null ? [z, w] : [z, w, x, d!]);
            var y = empty_like(z);
            if (!Same(y.stride(), z.stride())) throw new InvalidOperationException("empty_like changed the strides of a dense tensor.");
            var wv = w.contiguous().data<float>().ToArray();
            unsafe
            {
                var add = x is null ? null : new Addend(z, x, (nint)Pointer(x), d!.contiguous().data<float>().ToArray());
                Forward((float*)Pointer(z), (float*)Pointer(y), z.numel(), wv, add);
            }
            return y;
        }

        public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor grad)
        {
            var saved = ctx.get_saved_variables();
            Tensor z = saved[0], w = saved[1];
            Tensor? x = saved.Count > 2 ? saved[2] : null, d = saved.Count > 3 ? saved[3] : null;
            // The incoming gradient normally has z's layout; where it does not, copy it into that layout so that one
            // memory index means the same element in all three tensors.
            if (!Same(grad.stride(), z.stride()) || !IsDenseBatchOuter(grad.shape, grad.stride()))
            {
                var g2 = empty_like(z);
                g2.copy_(grad);
                grad = g2;
            }
            var dz = empty_like(z);
            var dx = x is null ? null : empty_like(x);
            if (dx is not null && !Same(dx.stride(), x!.stride())) throw new InvalidOperationException("empty_like changed the strides of a dense tensor.");
            var wv = w.contiguous().data<float>().ToArray();
            double[] dw, dd;
            unsafe
            {
                var add = x is null ? null : new Addend(z, x, (nint)Pointer(x), d!.contiguous().data<float>().ToArray(), (nint)Pointer(dx!));
                (dw, dd) = Backward((float*)Pointer(z), (float*)Pointer(grad), (float*)Pointer(dz), z.numel(), wv, add);
            }
            var dwTensor = tensor(dw.Select(v => (float)v).ToArray(), w.shape);
            if (x is null) return [dz, dwTensor];
            return [dz, dwTensor, dx!, tensor(dd.Select(v => (float)v).ToArray(), d!.shape)];
        }

        /// <summary>
        /// Where the e1 input goes in z's memory. Memory is walked in units that one addend run lies within: a pixel's
        /// channels in NHWC (the first Cin of them get x's Cin channels of that pixel), a channel's plane in NCHW (the
        /// planes of the first Cin channels get x's planes).
        /// </summary>
        private sealed class Addend
        {
            public Addend(Tensor z, Tensor x, nint data, float[] weights, nint gradient = 0)
            {
                ChannelsInner = LayoutOf(z) == true;
                C = z.shape[1]; Cin = x.shape[1]; Pixels = z.shape[2] * z.shape[3];
                Data = data; Weights = weights; Gradient = gradient;
            }

            public bool ChannelsInner { get; }
            public long C { get; }
            public long Cin { get; }
            public long Pixels { get; }
            public nint Data { get; }
            public nint Gradient { get; }
            public float[] Weights { get; }

            /// <summary>Elements per unit: a pixel's channels (NHWC) or a channel's plane (NCHW).</summary>
            public long Unit => ChannelsInner ? C : Pixels;

            /// <summary>The e1 weight of an image: one for the batch, or one per image.</summary>
            public float WeightOf(long image) => Weights[Weights.Length == 1 ? 0 : image];

            /// <summary>The run of unit u: its offset in z, its offset in x, its length (0: nothing is added there); and the image.</summary>
            public (long Z, long X, int Length, long Image) Run(long u)
            {
                if (ChannelsInner) return (u * C, u * Cin, (int)Cin, u / Pixels);
                long image = u / C, channel = u % C;
                return channel < Cin ? (u * Pixels, (image * Cin + channel) * Pixels, (int)Pixels, image) : (0, 0, 0, image);
            }
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

        /// <summary>
        /// Parallel tasks over rows (one weight each) cut into chunks of about <see cref="Chunk"/> elements; with an
        /// addend the chunks hold whole units, so that every addend run is handled by the task that wrote its elements.
        /// </summary>
        private sealed record Plan(long RowLength, long ChunkLength, long ChunksPerRow)
        {
            public static Plan For(long n, int rows, Addend? add)
            {
                long rowLength = n / rows;
                long unit = add?.Unit ?? 1;
                long chunk = Math.Max(1, Chunk / unit) * unit;
                return new Plan(rowLength, chunk, (rowLength + chunk - 1) / chunk);
            }

            public long Tasks(int rows) => rows * ChunksPerRow;

            /// <summary>The row (weight) of a task and its element range [Start, End).</summary>
            public (long Row, long Start, long End) Bounds(long task)
            {
                long row = task / ChunksPerRow, start = row * RowLength + task % ChunksPerRow * ChunkLength;
                return (row, start, Math.Min(start + ChunkLength, (row + 1) * RowLength));
            }
        }

        private static unsafe void Forward(float* z, float* y, long n, float[] w, Addend? add)
        {
            var plan = Plan.For(n, w.Length, add);
            nint zp = (nint)z, yp = (nint)y;
            Parallel.For(0L, plan.Tasks(w.Length), new ParallelOptions { MaxDegreeOfParallelism = Threads }, task =>
            {
                var (row, start, end) = plan.Bounds(task);
                ForwardRange((float*)zp + start, (float*)yp + start, (int)(end - start), w[row]);
                if (add is null) return;
                for (long u = start / add.Unit; u < end / add.Unit; u++)
                {
                    var (zo, xo, length, image) = add.Run(u);
                    if (length > 0) AddRange((float*)yp + zo, (float*)add.Data + xo, length, add.WeightOf(image));
                }
            });
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        private static unsafe void AddRange(float* y, float* x, int count, float weight)
        {
            int i = 0, width = Vector<float>.Count;
            var wv = new Vector<float>(weight);
            for (; i <= count - width; i += width) *(Vector<float>*)(y + i) += wv * *(Vector<float>*)(x + i);
            for (; i < count; i++) y[i] += weight * x[i];
        }

        /// <summary>dx = d g on the run; returns the sum of g x, the run's share of dL/dd.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        private static unsafe double AddBackwardRange(float* g, float* x, float* dx, int count, float weight)
        {
            int i = 0, width = Vector<float>.Count;
            var wv = new Vector<float>(weight);
            var acc = Vector<float>.Zero;
            for (; i <= count - width; i += width)
            {
                var gv = *(Vector<float>*)(g + i);
                *(Vector<float>*)(dx + i) = wv * gv;
                acc += gv * *(Vector<float>*)(x + i);
            }
            double total = Vector.Sum(acc);
            for (; i < count; i++) { dx[i] = weight * g[i]; total += g[i] * x[i]; }
            return total;
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

        private static unsafe (double[] Dw, double[] Dd) Backward(float* z, float* g, float* dz, long n, float[] w, Addend? add)
        {
            var plan = Plan.For(n, w.Length, add);
            var partial = new double[plan.Tasks(w.Length)];
            // Each task's share of dL/dd; d has one weight per row of w (checked in SupportsAddend), so shares add up per row.
            var partialD = add is null ? null : new double[partial.LongLength];
            nint zp = (nint)z, gp = (nint)g, dp = (nint)dz;
            Parallel.For(0L, partial.LongLength, new ParallelOptions { MaxDegreeOfParallelism = Threads }, task =>
            {
                var (row, start, end) = plan.Bounds(task);
                partial[task] = BackwardRange((float*)zp + start, (float*)gp + start, (float*)dp + start, (int)(end - start), w[row]);
                if (add is null) return;
                double sum = 0;
                for (long u = start / add.Unit; u < end / add.Unit; u++)
                {
                    var (zo, xo, length, image) = add.Run(u);
                    if (length > 0)
                        sum += AddBackwardRange((float*)gp + zo, (float*)add.Data + xo, (float*)add.Gradient + xo, length, add.WeightOf(image));
                }
                partialD![task] = sum;
            });
            var dw = new double[w.Length];
            for (long t = 0; t < partial.LongLength; t++) dw[t / plan.ChunksPerRow] += partial[t];
            var dd = new double[w.Length];
            if (partialD is not null)
                for (long t = 0; t < partialD.LongLength; t++) dd[t / plan.ChunksPerRow] += partialD[t];
            return (dw, dd);
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
