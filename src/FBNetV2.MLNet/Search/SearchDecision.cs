namespace FBNetV2.MLNet.Search;

/// <summary>What a search decision controls.</summary>
public enum DecisionRole
{
    /// <summary>Input resolution (average-pooling factor of the pipeline's input).</summary>
    Resolution,

    /// <summary>Output width of the stem conv.</summary>
    StemWidth,

    /// <summary>Output width shared by a stage's blocks.</summary>
    StageWidth,

    /// <summary>Block type of one searched layer (a candidate op, or skip).</summary>
    BlockOp,

    /// <summary>Hidden (expansion) width of one searched layer.</summary>
    BlockHidden,

    /// <summary>Non-linearity of the stem (a decision only where the space offers several).</summary>
    StemActivation,

    /// <summary>Width of the head's 1x1 conv (a decision only where the space offers several).</summary>
    HeadWidth,

    /// <summary>Non-linearity of the head (a decision only where the space offers several).</summary>
    HeadActivation,
}

/// <summary>
/// One decision of a <see cref="SearchSpace"/>: its position in the flat order (the supernet's logits, the
/// distributions, the checkpoint), what it controls (role, stage, block), a short name, a readable label and one label
/// per option. Consumers look decisions up by role in <see cref="SearchDecisions"/> instead of counting positions.
/// </summary>
/// <param name="Index">Position in <see cref="SearchSpace.Decisions"/>.</param>
/// <param name="Role">What the decision controls.</param>
/// <param name="Stage">Stage index (0-based), or -1 for decisions outside the stages.</param>
/// <param name="Block">Block index within the stage (0-based), or -1 for decisions that are not per block.</param>
/// <param name="Name">Short stable name, e.g. <c>s2.b1.op</c>.</param>
/// <param name="Label">Readable label, e.g. <c>stage 2 block 1 type</c>.</param>
/// <param name="Options">One label per option, e.g. <c>ir_k3</c>, <c>skip</c>, <c>24</c>, <c>e1</c>, <c>14px</c>, <c>hs</c>.</param>
internal sealed record SearchDecision(int Index, DecisionRole Role, int Stage, int Block, string Name, string Label, IReadOnlyList<string> Options)
{
    public int Count => Options.Count;
}
