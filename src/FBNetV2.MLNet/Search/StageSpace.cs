namespace FBNetV2.MLNet.Search;

/// <summary>
/// Choices for one stage: output widths (one choice shared by the stage's blocks so that residual adds stay
/// consistent), hidden widths of each block, block types, and depth (blocks after the first may be skipped).
/// </summary>
/// <param name="Widths">Output width options of the stage's blocks (one choice for the whole stage).</param>
/// <param name="Stride">Stride of the stage's first block; the others keep the size.</param>
/// <param name="MaxBlocks">Blocks of the deepest option; with <paramref name="AllowSkip"/> each block after the first may be skipped.</param>
/// <param name="HiddenWidths">
/// Hidden (expansion) width options, chosen per block; 0 is the e1 block (no 1x1 expansion conv: the depthwise conv
/// runs on the block's input, so its inner width is the input width), for inverted-residual candidates only.
/// </param>
/// <param name="Ops">Candidate block types, chosen per block.</param>
/// <param name="AllowSkip">Whether depth is searched (skip is an option of every block but the first).</param>
public sealed record StageSpace(int[] Widths, int Stride, int MaxBlocks, int[] HiddenWidths, CandidateOp[] Ops, bool AllowSkip = true)
{
    /// <summary>Widths min..max in steps of step (multiples of 8 by default).</summary>
    public static int[] Range(int min, int max, int step = 8)
    {
        if (step < 1 || min < 1 || max < min) throw new ArgumentException($"Width range needs 1 <= min <= max and step >= 1, got ({min}, {max}, {step}).");
        var list = new List<int>();
        for (int w = min; w <= max; w += step) list.Add(w);
        return list.ToArray();
    }
}
