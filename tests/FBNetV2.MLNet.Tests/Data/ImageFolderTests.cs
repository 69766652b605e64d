using FBNetV2.MLNet.Data;
using Microsoft.ML;
using Microsoft.ML.Data;
using SkiaSharp;
using Xunit;

namespace FBNetV2.MLNet.Tests.Data;

public class ImageFolderTests
{
    private static readonly string[] SampleClasses =
        ["Ankle_boot", "Bag", "Coat", "Dress", "Pullover", "Sandal", "Shirt", "Sneaker", "T-shirt_top", "Trouser"];

    [Fact]
    public void CommittedSampleHasTrainAndTestSplits()
    {
        string root = TestPaths.FashionMnistSample;
        Assert.True(ImageFolder.HasTrainTestSplit(root));

        var (train, test) = ImageFolder.ScanTrainTest(root);

        Assert.Equal(SampleClasses, train.ClassNames);
        Assert.Equal(SampleClasses, test.ClassNames);
        Assert.Equal(1000, train.Items.Count);
        Assert.Equal(300, test.Items.Count);
        Assert.All(SampleClasses, c => Assert.Equal(100, train.Items.Count(i => i.Label == c)));
        Assert.All(SampleClasses, c => Assert.Equal(30, test.Items.Count(i => i.Label == c)));
        Assert.All(train.Items, i => Assert.True(Path.IsPathFullyQualified(i.ImagePath) && File.Exists(i.ImagePath)));
    }

    [Fact]
    public void ScanOfATrainTestRootPointsToScanTrainTest()
    {
        var e = Assert.Throws<DataFormatException>(() => ImageFolder.Scan(TestPaths.FashionMnistSample));

        Assert.Contains("ScanTrainTest", e.Message);
        Assert.Equal(1000, ImageFolder.Scan(Path.Combine(TestPaths.FashionMnistSample, "train")).Items.Count);
    }

    [Fact]
    public void IgnoresRootFilesHiddenEntriesAndOtherExtensions()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(Path.Combine(temp.Path, "notes.png"), "not in a class folder");
        foreach (var (cls, name) in new[] { ("cat", "a.PNG"), ("cat", "b.jpeg"), ("dog", "c.Jpg"), ("dog", "d.bmp") })
            TestImages.Solid(Path.Combine(temp.Folder(cls), name), 2, 2, SKColors.Gray, SKEncodedImageFormat.Png);
        File.WriteAllText(Path.Combine(temp.Folder("dog"), "labels.txt"), "ignored");
        File.WriteAllText(Path.Combine(temp.Folder("dog"), ".hidden.png"), "ignored");
        temp.Folder(".git");

        var folder = ImageFolder.Scan(temp.Path);

        Assert.Equal(["cat", "dog"], folder.ClassNames);
        Assert.Equal(["a.PNG", "b.jpeg", "c.Jpg", "d.bmp"], folder.Items.Select(i => Path.GetFileName(i.ImagePath)));
        Assert.Equal(["cat", "cat", "dog", "dog"], folder.Items.Select(i => i.Label));
        Assert.False(ImageFolder.HasTrainTestSplit(temp.Path));
    }

    [Fact]
    public void OneClassIsRejected()
    {
        using var temp = new TempDirectory();
        TestImages.Solid(Path.Combine(temp.Folder("only"), "a.png"), 2, 2, SKColors.Red, SKEncodedImageFormat.Png);

        var e = Assert.Throws<DataFormatException>(() => ImageFolder.Scan(temp.Path));

        Assert.Contains(temp.Path, e.Message);
        Assert.Contains("has 1 class folder", e.Message);
        Assert.Contains("folder named after the class", e.Message);
    }

    [Fact]
    public void EmptyClassFolderIsNamed()
    {
        using var temp = new TempDirectory();
        TestImages.Solid(Path.Combine(temp.Folder("full"), "a.png"), 2, 2, SKColors.Red, SKEncodedImageFormat.Png);
        string empty = temp.Folder("empty");
        File.WriteAllText(Path.Combine(empty, "readme.txt"), "no images here");

        var e = Assert.Throws<DataFormatException>(() => ImageFolder.Scan(temp.Path));

        Assert.Contains(empty, e.Message);
        Assert.Contains("no images", e.Message);
    }

    [Fact]
    public void MissingRootIsReported()
    {
        string root = Path.Combine(Path.GetTempPath(), "fbnetv2-no-such-folder-" + Guid.NewGuid().ToString("N"));

        var e = Assert.Throws<DataFormatException>(() => ImageFolder.Scan(root));

        Assert.Contains(root, e.Message);
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void TestClassMissingFromTrainIsReported()
    {
        using var temp = new TempDirectory();
        foreach (var cls in new[] { "train/a", "train/b", "test/a", "test/c" })
            TestImages.Solid(Path.Combine(temp.Folder(cls), "x.png"), 2, 2, SKColors.Red, SKEncodedImageFormat.Png);

        var e = Assert.Throws<DataFormatException>(() => ImageFolder.ScanTrainTest(temp.Path));

        Assert.Contains("'c'", e.Message);
        Assert.Contains(Path.Combine(temp.Path, "test"), e.Message);
    }

    [Fact]
    public void TestMayLackAClassAndKeepsTrainIndices()
    {
        using var temp = new TempDirectory();
        foreach (var cls in new[] { "Train/a", "Train/b", "Test/b" })
            TestImages.Solid(Path.Combine(temp.Folder(cls), "x.png"), 2, 2, SKColors.Red, SKEncodedImageFormat.Png);

        var (train, test) = ImageFolder.ScanTrainTest(temp.Path);

        Assert.Equal(["a", "b"], test.ClassNames);
        Assert.Equal([1], ImageDecoder.Load(test, 1, null, null).Labels);
        Assert.Equal(2, train.Items.Count);
    }

    [Fact]
    public void ToDataViewHasImagePathAndLabelColumns()
    {
        var folder = ImageFolder.Scan(Path.Combine(TestPaths.FashionMnistSample, "test"));
        var ml = new MLContext(seed: 1);

        var view = folder.ToDataView(ml);

        Assert.Equal(["ImagePath", "Label"], view.Schema.Select(c => c.Name));
        Assert.All(view.Schema, c => Assert.Equal(TextDataViewType.Instance, c.Type));
        var paths = view.GetColumn<string>("ImagePath").ToArray();
        var labels = view.GetColumn<string>("Label").ToArray();
        Assert.Equal(300, paths.Length);
        Assert.Equal(folder.Items.Select(i => i.ImagePath), paths);
        Assert.Equal(folder.Items.Select(i => i.Label), labels);
        Assert.All(paths, p => Assert.True(Path.IsPathFullyQualified(p)));
    }
}
