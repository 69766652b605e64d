using FBNetV2.MLNet.Search;
using Xunit;

namespace FBNetV2.MLNet.Tests.Search;

public class SearchDecisionsTests
{
    [Fact]
    public void DecisionsAreLabelledAndFoundByRole()
    {
        var space = FusedSpaces.Compact(1, 28, 10);
        var d = space.Decisions;
        // Independent count: resolution, stem width and activation, then per stage a width and per block a type and a
        // hidden width, then head width and activation.
        Assert.Equal(3 + space.Stages.Sum(st => 1 + 2 * st.MaxBlocks) + 2, d.Count);
        Assert.Equal(Enumerable.Range(0, d.Count), d.Select(x => x.Index));
        Assert.Equal(["28px", "14px"], d.Find(DecisionRole.Resolution).Options);
        var op = d.Find(DecisionRole.BlockOp, 1, 1);
        Assert.Equal("stage 2 block 2 type", op.Label);
        Assert.Equal("s2.b2.op", op.Name);
        Assert.Equal(["ir_k3", "ir_k5", "ir_k3_se", "ir_k5_se", "ir_k3_hs", "ir_k5_hs", "ir_k3_se_hs", "ir_k5_se_hs", "fused_k3", "fused_k5_se_hs", "skip"], op.Options);
        Assert.DoesNotContain("skip", d.Find(DecisionRole.BlockOp, 1, 0).Options);
        Assert.Equal(space.Stages[2].HiddenWidths.Select(w => w.ToString()), d.Find(DecisionRole.BlockHidden, 2, 0).Options);
        Assert.Throws<ArgumentException>(() => d.IndexOf(DecisionRole.BlockOp, 0, 5));
        Assert.Equal(["relu", "hs"], d.Find(DecisionRole.StemActivation).Options);
        Assert.Equal(["relu", "hs"], d.Find(DecisionRole.HeadActivation).Options);
        Assert.Equal(space.HeadWidths.Select(w => w.ToString()), d.Find(DecisionRole.HeadWidth).Options);
        Assert.Equal(d.Count - 1, d.IndexOf(DecisionRole.HeadActivation));
    }

    [Fact]
    public void TheCompactSpaceLabelsTheE1OptionAndSpacesWithoutSearchedHeadKeepTheirDecisions()
    {
        var compact = SearchSpace.Compact(1, 28, 10).Decisions;
        Assert.Equal("e1", compact.Find(DecisionRole.BlockHidden, 2, 1).Options[0]);
        // The ImageNet preset searches neither stem nor head: no decision for them, as before.
        var imageNet = SearchSpace.ImageNet(3, 224, 1000);
        Assert.Equal(2 + imageNet.Stages.Sum(st => 1 + 2 * st.MaxBlocks), imageNet.Decisions.Count);
        Assert.Equal(-1, imageNet.Decisions.TryIndexOf(DecisionRole.HeadWidth));
    }

    [Fact]
    public void FlatFormRoundTripsThroughTheDecisionList()
    {
        var space = SearchSpace.ImageNet(3, 224, 1000);
        var random = new Random(5);
        for (int i = 0; i < 20; i++)
        {
            var choice = ArchitectureChoice.Random(space, random);
            var flat = choice.ToFlat(space);
            var back = ArchitectureChoice.FromFlat(space, flat);
            Assert.Equal(flat, back.ToFlat(space));
            Assert.Equal(choice.Derive(space), back.Derive(space));
            Assert.Equal(choice.Op[3][2], flat[space.Decisions.IndexOf(DecisionRole.BlockOp, 3, 2)]);
        }
        Assert.Throws<ArgumentException>(() => ArchitectureChoice.FromFlat(space, [0, 0]));
    }

    [Fact]
    public void DistributionLabelsComeFromTheDecisionList()
    {
        var space = FusedSpaces.Compact(1, 16, 3);
        using var net = new Supernet(space, [0.5f], [0.25f]);
        var dist = DMaskingSearch.Distribution(net);
        Assert.Equal(space.Decisions.Select(x => x.Label), dist.Select(x => x.Name));
        Assert.Equal(space.Decisions.Select(x => x.Options.ToArray()), dist.Select(x => x.Options));
    }
}
