using FBNetV2.MLNet.Data;
using Xunit;

namespace FBNetV2.MLNet.Tests.Data;

public class LabeledImagesTests
{
    private static readonly string[] Classes = ["a", "b", "c"];

    /// <summary>Images of 1 x 1 x 2 pixels whose first pixel encodes the index, so subsets can be traced.</summary>
    private static LabeledImages Make(int[] labels) => new(
        labels.SelectMany((_, i) => new[] { i / 1000f, 0.5f }).ToArray(), labels, 1, 1, 2, Classes);

    [Fact]
    public void ConstructorRejectsInconsistentInput()
    {
        Assert.Throws<ArgumentException>(() => new LabeledImages(new float[3], [0, 1], 1, 1, 2, Classes));
        Assert.Throws<ArgumentException>(() => new LabeledImages(new float[4], [0, 3], 1, 1, 2, Classes));
        Assert.Throws<ArgumentException>(() => new LabeledImages(new float[4], [0, -1], 1, 1, 2, Classes));
        Assert.Throws<ArgumentException>(() => new LabeledImages([0, float.NaN, 0, 0], [0, 1], 1, 1, 2, Classes));
        Assert.Throws<ArgumentException>(() => new LabeledImages([0, 1.5f, 0, 0], [0, 1], 1, 1, 2, Classes));
        Assert.Throws<ArgumentException>(() => new LabeledImages(new float[4], [0, 1], 1, 1, 2, ["a", "a"]));
    }

    [Fact]
    public void SubsetSelectsImagesAndLabels()
    {
        var data = Make([0, 1, 2, 1]);

        var subset = data.Subset([3, 0, 3]);

        Assert.Equal([1, 0, 1], subset.Labels);
        Assert.Equal([0.003f, 0.5f, 0f, 0.5f, 0.003f, 0.5f], subset.Pixels);
        Assert.Same(data.ClassNames, subset.ClassNames);
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Subset([4]));
    }

    [Fact]
    public void SplitsAndSubsetsShareTheReadPixelsAndBatchFromThem()
    {
        var data = Make([0, 1, 2, 1, 0, 2, 2, 1]);
        var (a, b) = data.Split(0.5, 3);
        var nested = b.Subset([2, 0]);

        // Views: every row maps to the read set's row, and their batches are index_selects of its tensor.
        Assert.False(data.IsView);
        Assert.True(a.IsView && b.IsView && nested.IsView);
        Assert.Same(data.TensorViews().Pixels, nested.TensorViews().Pixels);
        for (int i = 0; i < nested.Count; i++)
        {
            int row = nested.RootRow(i);
            Assert.Equal(data.Labels[row], nested.Labels[i]);
            Assert.Equal(row / 1000f, nested.Image(i)[0]);
        }
        Assert.Equal(b.RootRow(2), nested.RootRow(0));

        // Joined again, the two splits hold every image once (a view as well); a set of another root is copied.
        var joined = a.Concat(b);
        Assert.True(joined.IsView);
        Assert.Equal(Enumerable.Range(0, data.Count), Enumerable.Range(0, joined.Count).Select(joined.RootRow).Order());
        var copied = a.Concat(Make([2]));
        Assert.False(copied.IsView);
        Assert.Equal([.. a.Pixels, 0f, 0.5f], copied.Pixels);

        var source = new FBNetV2.MLNet.Training.BatchSource(nested, 8, TorchSharp.torch.CPU);
        var (x, y) = source.Batches(null).Single();
        using (x) using (y)
        {
            Assert.Equal(nested.Labels.Select(l => (long)l), y.data<long>().ToArray());
            Assert.Equal(nested.Pixels, x.data<float>().ToArray());
        }
    }

    [Fact]
    public void SplitIsStratifiedAndReproducible()
    {
        // 20 of class a, 10 of b, 2 of c, interleaved.
        int[] labels = [.. Enumerable.Range(0, 20).Select(_ => 0), .. Enumerable.Range(0, 10).Select(_ => 1), 2, 2];
        new Random(1).Shuffle(labels);
        var data = Make(labels);

        var (a, b) = data.Split(0.8, seed: 42);
        var (a2, b2) = data.Split(0.8, seed: 42);
        var (a3, _) = data.Split(0.8, seed: 7);

        Assert.Equal([16, 8, 1], Histogram(a));
        Assert.Equal([4, 2, 1], Histogram(b)); // a class of 2 still appears on both sides
        Assert.Equal(a.Pixels, a2.Pixels);
        Assert.Equal(b.Pixels, b2.Pixels);
        Assert.NotEqual(a.Pixels, a3.Pixels);
        // Together the parts hold every image exactly once.
        var firstPixels = a.Pixels.Where((_, i) => i % 2 == 0).Concat(b.Pixels.Where((_, i) => i % 2 == 0)).Order();
        Assert.Equal(data.Pixels.Where((_, i) => i % 2 == 0).Order(), firstPixels);
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Split(1.0, 0));
    }

    private static int[] Histogram(LabeledImages data) =>
        Enumerable.Range(0, data.ClassNames.Length).Select(c => data.Labels.Count(l => l == c)).ToArray();
}
