using TorchSharp;
using static TorchSharp.torch;

namespace FBNetV2.MLNet.Search;

/// <summary>
/// DMaskingNAS channel search: one conv at the maximum width whose output is multiplied by M = sum_i g_i 1_i, where
/// 1_i has ones in the first c_i channels. The cost of more options is one [n, Cmax] matrix, not one layer each.
/// </summary>
internal sealed class ChannelMask
{
    private Tensor indicator;

    /// <param name="widths">The options; a width of 0 (the e1 block's hidden option) is a row of zeros.</param>
    /// <param name="max">Channels of the masked tensor, at least the widest option (default: the widest option).</param>
    public ChannelMask(int[] widths, int? max = null)
    {
        Widths = widths;
        Max = max ?? widths.Max();
        if (Max < widths.Max()) throw new ArgumentOutOfRangeException(nameof(max), $"A mask of {Max} channels cannot hold width {widths.Max()}.");
        var data = new float[widths.Length * Max];
        for (int i = 0; i < widths.Length; i++)
            for (int c = 0; c < widths[i]; c++) data[i * Max + c] = 1f;
        indicator = tensor(data, [widths.Length, Max]);
    }

    public int[] Widths { get; }
    public int Max { get; }

    /// <summary>Mask [rows, Cmax, 1, 1] for weights g [rows, n].</summary>
    public Tensor Mask(Tensor g)
    {
        if (indicator.device_type != g.device_type || indicator.device_index != g.device_index)
            indicator = indicator.to(g.device).DetachFromDisposeScope(); // kept across forward passes
        return g.to_type(indicator.dtype).matmul(indicator).reshape(g.shape[0], Max, 1, 1);
    }
}
