using FBNetV2.MLNet.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Latency;

/// <summary>
/// Measured latencies of one layer type at one input size (the <see cref="Key"/>, e.g. <c>ir|k3|se0|relu|st2|s28</c>)
/// on a grid of widths: one axis per width the layer has (input, hidden, output). Between grid points the latency is
/// interpolated multilinearly, beyond the outermost points extrapolated from the edge cell, so every width of a
/// search space gets a value and the expected widths of the search (fractional) get a differentiable one.
/// </summary>
/// <param name="Key">The layer type, its options and its input size, e.g. <c>ir|k3|se0|relu|st2|s28</c>.</param>
/// <param name="Axes">The measured widths of each axis, strictly increasing.</param>
/// <param name="Milliseconds">Median milliseconds per call at every grid point, row-major over <paramref name="Axes"/> (the last axis varies fastest).</param>
public sealed record LatencyFamily(string Key, int[][] Axes, double[] Milliseconds)
{
    /// <summary>Number of grid points (the product of the axis lengths).</summary>
    internal static int GridSize(int[][] axes) => axes.Aggregate(1, (n, a) => n * a.Length);

    /// <summary>The grid point with the given index per axis, in the row-major order of <see cref="Milliseconds"/>.</summary>
    internal static IEnumerable<int[]> GridPoints(int[][] axes)
    {
        int n = GridSize(axes);
        for (int flat = 0; flat < n; flat++)
        {
            var point = new int[axes.Length];
            int rest = flat;
            for (int a = axes.Length - 1; a >= 0; a--) { point[a] = axes[a][rest % axes[a].Length]; rest /= axes[a].Length; }
            yield return point;
        }
    }

    /// <summary>Milliseconds per call at the given widths (one per axis), interpolated between the grid points.</summary>
    public double At(params double[] widths)
    {
        CheckArity(widths.Length);
        var cells = widths.Select((v, a) => Cell(Axes[a], v)).ToArray();
        var t = widths.Select((v, a) => cells[a].Lo == cells[a].Hi ? 0 : (v - Axes[a][cells[a].Lo]) / (Axes[a][cells[a].Hi] - Axes[a][cells[a].Lo])).ToArray();
        double total = 0;
        foreach (var (flat, mask) in Corners(cells))
        {
            double weight = 1;
            for (int a = 0; a < Axes.Length; a++) weight *= (mask >> a & 1) == 1 ? t[a] : 1 - t[a];
            total += weight * Milliseconds[flat];
        }
        return total;
    }

    /// <summary>Latency at fractional widths given as float64 scalars; differentiable in them, equal to the double version.</summary>
    internal Tensor At(params Tensor[] widths)
    {
        CheckArity(widths.Length);
        var cells = widths.Select((w, a) => Cell(Axes[a], w.item<double>())).ToArray();
        var t = widths.Select((w, a) => cells[a].Lo == cells[a].Hi ? w.Times(0) : w.Minus(Axes[a][cells[a].Lo]).Over(Axes[a][cells[a].Hi] - Axes[a][cells[a].Lo])).ToArray();
        Tensor? total = null;
        foreach (var (flat, mask) in Corners(cells))
        {
            Tensor weight = tensor(Milliseconds[flat], ScalarType.Float64);
            for (int a = 0; a < Axes.Length; a++) weight = weight * ((mask >> a & 1) == 1 ? t[a] : t[a].SubtractedFrom(1));
            total = total.PlusOrFirst(weight);
        }
        return total!;
    }

    /// <summary>The 2^axes corners of the cell: flat index into <see cref="Milliseconds"/> and which axes take the upper point.</summary>
    private IEnumerable<(int Flat, int Mask)> Corners((int Lo, int Hi)[] cells)
    {
        for (int mask = 0; mask < 1 << Axes.Length; mask++)
        {
            int flat = 0;
            for (int a = 0; a < Axes.Length; a++) flat = flat * Axes[a].Length + ((mask >> a & 1) == 1 ? cells[a].Hi : cells[a].Lo);
            yield return (flat, mask);
        }
    }

    /// <summary>The two grid indices around v (the edge cell when v is outside; one index on a one-point axis).</summary>
    private static (int Lo, int Hi) Cell(int[] axis, double v)
    {
        if (axis.Length == 1) return (0, 0);
        int hi = 1;
        while (hi < axis.Length - 1 && v > axis[hi]) hi++;
        return (hi - 1, hi);
    }

    private void CheckArity(int given)
    {
        if (given != Axes.Length) throw new ArgumentException($"Latency family '{Key}' has {Axes.Length} width axes but {given} widths were given.");
    }
}
