using FBNetV2.MLNet.Architecture;

namespace FBNetV2.MLNet.Search;

/// <summary>Membership: which architectures a space holds, and with which choice (the inverse of <see cref="ArchitectureChoice.Derive"/>).</summary>
public sealed partial class SearchSpace
{
    /// <summary>True when <paramref name="architecture"/> is a member of this space.</summary>
    internal bool Contains(FBNetArchitecture architecture) => TryChoiceOf(architecture, out _, out _);

    /// <summary>
    /// The choice whose derived architecture is <paramref name="architecture"/> (equal string forms), or false. Of the
    /// choices that derive the same network (skipped layers may sit anywhere after a stage's first block) it returns
    /// the one with a stage's kept blocks first and its skipped layers on option 0 of the hidden width.
    /// </summary>
    internal bool TryChoiceOf(FBNetArchitecture architecture, out ArchitectureChoice choice) => TryChoiceOf(architecture, out choice, out _);

    /// <summary>As <see cref="TryChoiceOf(FBNetArchitecture, out ArchitectureChoice)"/>, with the first reason it is not a member.</summary>
    internal bool TryChoiceOf(FBNetArchitecture architecture, out ArchitectureChoice choice, out string why)
    {
        choice = null!;
        var a = architecture;
        static int Find<T>(T[] options, T value) => Array.IndexOf(options, value);
        bool Fail(string reason, out string because) { because = reason; return false; }

        if (a.InputChannels != InputChannels || a.InputSize != InputSize || a.NumClasses != NumClasses)
            return Fail($"input {a.InputChannels}x{a.InputSize} with {a.NumClasses} classes, the space is {InputChannels}x{InputSize} with {NumClasses}", out why);
        int res = Find(Subsamples, a.Subsample);
        if (res < 0) return Fail($"resolution factor {a.Subsample} is not an option ({string.Join(", ", Subsamples)})", out why);
        if (a.Stem.Kernel != StemKernel || a.Stem.Stride != StemStride)
            return Fail($"stem k{a.Stem.Kernel} s{a.Stem.Stride}, the space's is k{StemKernel} s{StemStride}", out why);
        int stem = Find(StemWidths, a.Stem.OutChannels), stemAct = Find(StemActivations, a.Stem.Activation);
        if (stem < 0 || stemAct < 0) return Fail($"stem width {a.Stem.OutChannels} / activation {a.Stem.Activation} is not an option", out why);
        if (a.Stages.Count != Stages.Count) return Fail($"{a.Stages.Count} stages, the space has {Stages.Count}", out why);
        var widths = new int[Stages.Count];
        var ops = new int[Stages.Count][];
        var hidden = new int[Stages.Count][];
        for (int s = 0; s < Stages.Count; s++)
        {
            var st = Stages[s];
            var blocks = a.Stages[s];
            string where = $"stage {s + 1}";
            if (blocks.Count > st.MaxBlocks || (!st.AllowSkip && blocks.Count != st.MaxBlocks))
                return Fail($"{where} has {blocks.Count} blocks, the space {(st.AllowSkip ? "1 to " : "")}{st.MaxBlocks}", out why);
            widths[s] = Find(st.Widths, blocks[0].OutChannels);
            if (widths[s] < 0) return Fail($"{where}: width {blocks[0].OutChannels} is not an option ({string.Join(", ", st.Widths)})", out why);
            ops[s] = new int[st.MaxBlocks];
            hidden[s] = new int[st.MaxBlocks];
            for (int b = 0; b < st.MaxBlocks; b++)
            {
                if (b >= blocks.Count) { ops[s][b] = st.Ops.Length; continue; } // skipped
                var block = blocks[b];
                string at = $"{where} block {b + 1}";
                if (block.OutChannels != blocks[0].OutChannels) return Fail($"{at}: width {block.OutChannels} differs from the stage's {blocks[0].OutChannels}", out why);
                if (block.Stride != (b == 0 ? st.Stride : 1)) return Fail($"{at}: stride {block.Stride}", out why);
                ops[s][b] = Array.FindIndex(st.Ops, op => op.Kind == block.Kind && op.Kernel == block.Kernel && op.SqueezeExcite == block.SqueezeExcite && op.Activation == block.Activation);
                if (ops[s][b] < 0) return Fail($"{at}: {block.Kind} k{block.Kernel}{(block.SqueezeExcite ? " se" : "")} {block.Activation} is not a candidate", out why);
                hidden[s][b] = Find(st.HiddenWidths, block.Hidden);
                if (hidden[s][b] < 0) return Fail($"{at}: hidden width {SearchDecisions.HiddenLabel(block.Hidden)} is not an option ({string.Join(", ", st.HiddenWidths.Select(SearchDecisions.HiddenLabel))})", out why);
            }
        }
        int head = Find(HeadWidths, a.Head.Channels), headAct = Find(HeadActivations, a.Head.Activation);
        if (head < 0 || headAct < 0 || a.Head.Features != Head.Features)
            return Fail($"head c{a.Head.Channels} f{a.Head.Features} {a.Head.Activation} is not an option", out why);
        choice = new ArchitectureChoice(res, stem, widths, ops, hidden, head, stemAct, headAct);
        // The final word: the choice derives the same network (for instance an ir block whose hidden width equals its
        // input width is not the e1 block; their string forms tell them apart).
        string derived = choice.Derive(this).ToString();
        if (derived != a.ToString())
        {
            choice = null!;
            return Fail($"the closest choice derives {derived}", out why);
        }
        why = "";
        return true;
    }
}
