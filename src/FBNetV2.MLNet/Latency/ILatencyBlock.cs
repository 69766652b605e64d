using FBNetV2.MLNet.Architecture;

namespace FBNetV2.MLNet.Latency;

/// <summary>
/// A block kind's latency family: implemented by the kind's <see cref="BlockType"/> descriptor. Every searchable kind
/// is measured over three width axes (input, hidden, output); the fragment is the kind's own module exported by its
/// own emitter without the residual add, which is a family of its own.
/// </summary>
internal interface ILatencyBlock
{
    /// <summary>The family of a block on a size x size input (the widths are the family's axes, not part of the key).</summary>
    string LatencyKey(BlockSpec spec, int inSize);

    /// <summary>The block's position on the family's axes: input, hidden and output width.</summary>
    double[] LatencyWidths(BlockSpec spec, int inChannels);
}
