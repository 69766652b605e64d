using FBNetV2.MLNet.Data;
using Xunit;

namespace FBNetV2.MLNet.Tests.Data;

public class FashionMnistTests
{
    [RequiresFact(Prerequisite.FashionMnist)]
    public void FullDatasetHasOfficialCounts()
    {
        Prerequisites.Require(Prerequisite.FashionMnist);
        var train = FashionMnist.Load(FashionMnist.DefaultDirectory, train: true);
        var test = FashionMnist.Load(FashionMnist.DefaultDirectory, train: false);

        Assert.Equal((60000, 1, 28, 28), (train.Count, train.Channels, train.Height, train.Width));
        Assert.Equal((10000, 1, 28, 28), (test.Count, test.Channels, test.Height, test.Width));
        Assert.Equal(FashionMnist.ClassNames, train.ClassNames);
        var histogram = train.Labels.GroupBy(l => l).OrderBy(g => g.Key).Select(g => (g.Key, g.Count())).ToArray();
        Assert.Equal(Enumerable.Range(0, 10).Select(c => (c, 6000)), histogram);
        Assert.Equal(1f, train.Pixels.Max());
    }

    [Fact]
    public void ImageAndLabelCountMismatchNamesBothFiles()
    {
        using var temp = new TempDirectory();
        string images = Path.Combine(temp.Path, "train-images-idx3-ubyte.gz");
        string labels = Path.Combine(temp.Path, "train-labels-idx1-ubyte.gz");
        IdxTestFiles.Write(images, IdxTestFiles.Images(3, 2, 2, new byte[12]), gzip: true);
        IdxTestFiles.Write(labels, IdxTestFiles.Labels([1, 2]), gzip: true);

        var e = Assert.Throws<DataFormatException>(() => FashionMnist.Load(temp.Path, train: true));

        Assert.Contains(images, e.Message);
        Assert.Contains(labels, e.Message);
        Assert.Contains("3 images", e.Message);
        Assert.Contains("2 labels", e.Message);
    }

    [Fact]
    public void LoadsUncompressedFilesAndScalesPixels()
    {
        using var temp = new TempDirectory();
        IdxTestFiles.Write(Path.Combine(temp.Path, "t10k-images-idx3-ubyte"), IdxTestFiles.Images(2, 1, 2, [0, 255, 51, 102]), gzip: false);
        IdxTestFiles.Write(Path.Combine(temp.Path, "t10k-labels-idx1-ubyte"), IdxTestFiles.Labels([9, 0]), gzip: false);

        var test = FashionMnist.Load(temp.Path, train: false);

        Assert.Equal([0f, 1f, 0.2f, 0.4f], test.Pixels);
        Assert.Equal([9, 0], test.Labels);
        Assert.False(FashionMnist.IsAvailable(temp.Path)); // the training files are missing
    }

    [Fact]
    public void LabelOutOfRangeIsReported()
    {
        using var temp = new TempDirectory();
        IdxTestFiles.Write(Path.Combine(temp.Path, "t10k-images-idx3-ubyte"), IdxTestFiles.Images(1, 1, 1, [0]), gzip: false);
        string labels = Path.Combine(temp.Path, "t10k-labels-idx1-ubyte");
        IdxTestFiles.Write(labels, IdxTestFiles.Labels([10]), gzip: false);

        var e = Assert.Throws<DataFormatException>(() => FashionMnist.Load(temp.Path, train: false));

        Assert.Contains(labels, e.Message);
        Assert.Contains("label 10", e.Message);
    }

    [Fact]
    public void MissingFilesAreReported()
    {
        using var temp = new TempDirectory();

        var e = Assert.Throws<DataFormatException>(() => FashionMnist.Load(temp.Path, train: true));

        Assert.Contains(Path.Combine(temp.Path, "train-images-idx3-ubyte.gz"), e.Message);
        Assert.Contains("dataset-fashion-mnist", e.Message);
    }
}
