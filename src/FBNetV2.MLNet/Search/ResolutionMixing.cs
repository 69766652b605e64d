using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Search;

/// <summary>
/// DMaskingNAS resolution search: bring the input to the option's resolution (r x r average pooling, exactly the
/// derived network's input operator <see cref="Network.FBNetNetwork.PoolInput"/>), run the ops on the compact map,
/// then put the results back at the grid positions (i*r, j*r) with zeros in between so that maps of every resolution
/// option line up and can be Gumbel-mixed.
/// </summary>
internal static class ResolutionMixing
{
    /// <summary>The input at resolution option r: the derived network's input pooling (ceil(size / r) a side).</summary>
    public static Tensor Subsample(Tensor x, int r) => Network.FBNetNetwork.PoolInput(x, r);

    /// <summary>
    /// Places y [N, C, s, s] at positions (i*r, j*r) of a zero map [N, C, size, size]. With "same" convs,
    /// ceil(ceil(n/r)/s) = ceil(ceil(n/s)/r), so the compact output always fits the full-resolution grid.
    /// </summary>
    public static Tensor Reinsert(Tensor y, int r, int size)
    {
        if (r == 1) return y.alias();
        using var scope = NewDisposeScope();
        long n = y.shape[0], c = y.shape[1], s = y.shape[2];
        var z = y.reshape(n, c, s, 1, s, 1);
        z = nn.functional.pad(z, [0, r - 1, 0, 0, 0, r - 1]);
        z = z.reshape(n, c, s * r, s * r);
        return z[.., .., TensorIndex.Slice(0, size), TensorIndex.Slice(0, size)].contiguous().MoveToOuterDisposeScope();
    }
}
