using FBNetV2.MLNet.Architecture;

namespace FBNetV2.MLNet.Search;

/// <summary>A block kind's searchable super-module: implemented by the kind's <see cref="BlockType"/> descriptor.</summary>
internal interface ISearchableBlock
{
    /// <summary>One module at maximum widths standing for every candidate of this kind in a searched layer.</summary>
    SuperBlock CreateSuper(CandidateOp[] ops, int inMax, int hiddenMax, int outMax, int stride);
}
