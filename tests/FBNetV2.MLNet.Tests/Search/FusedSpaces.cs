using FBNetV2.MLNet.Architecture;
using FBNetV2.MLNet.Search;

namespace FBNetV2.MLNet.Tests.Search;

/// <summary>
/// The preset spaces with fused MBConv candidates added to every stage's inverted residuals. A fused block always has
/// its conv, so the e1 hidden option (0, no expansion conv) is left out; the searched stem and head stay.
/// </summary>
internal static class FusedSpaces
{
    public static readonly CandidateOp[] FusedOps =
        [new(3, false, Activation.Relu, BlockKind.Fused), new(5, true, Activation.HSwish, BlockKind.Fused)];

    public static SearchSpace With(SearchSpace s) => new(s.InputChannels, s.InputSize, s.NumClasses, s.Subsamples, s.StemWidths, s.StemStride,
        s.Stages.Select(st => st with { Ops = [.. st.Ops, .. FusedOps], HiddenWidths = st.HiddenWidths.Where(h => h != SearchSpace.E1).ToArray() }).ToList(),
        s.Head, s.StemActivations, s.HeadWidths, s.HeadActivations);

    public static SearchSpace Compact(int channels = 1, int size = 28, int classes = 10) => With(SearchSpace.CompactWithResolutions(channels, size, classes, [1, 2]));
}
