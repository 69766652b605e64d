using FBNetV2.MLNet.Data;
using Xunit;

namespace FBNetV2.MLNet.Tests.Data;

public class IdxFileTests
{
    private static readonly byte[] Pixels = Enumerable.Range(0, 3 * 2 * 4).Select(i => (byte)(i * 10)).ToArray();

    [Theory]
    [InlineData(false, "images.idx")]
    [InlineData(true, "images.gz")]
    [InlineData(true, "images.idx")] // gzip is found by its magic bytes, not by the name
    [InlineData(false, "images.gz")]
    public void ImagesRoundTrip(bool gzip, string name)
    {
        using var temp = new TempDirectory();
        string path = Path.Combine(temp.Path, name);
        IdxTestFiles.Write(path, IdxTestFiles.Images(3, 2, 4, Pixels), gzip);

        var images = IdxFile.ReadImages(path);

        Assert.Equal((3, 2, 4), (images.Count, images.Rows, images.Cols));
        Assert.Equal(Pixels, images.Pixels);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LabelsRoundTrip(bool gzip)
    {
        using var temp = new TempDirectory();
        string path = Path.Combine(temp.Path, "labels");
        byte[] labels = [0, 9, 3, 3, 7];
        IdxTestFiles.Write(path, IdxTestFiles.Labels(labels), gzip);

        Assert.Equal(labels, IdxFile.ReadLabels(path));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedImagesAreReported(bool gzip)
    {
        using var temp = new TempDirectory();
        string path = Path.Combine(temp.Path, "short-images");
        var content = IdxTestFiles.Images(3, 2, 4, Pixels);
        IdxTestFiles.Write(path, content[..^5], gzip);

        var e = Assert.Throws<DataFormatException>(() => IdxFile.ReadImages(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.Contains("24 bytes", e.Message);
    }

    [Fact]
    public void TruncatedGzipStreamIsReported()
    {
        using var temp = new TempDirectory();
        string path = Path.Combine(temp.Path, "cut.gz");
        IdxTestFiles.Write(path, IdxTestFiles.Images(3, 2, 4, Pixels), gzip: true);
        var compressed = File.ReadAllBytes(path);
        File.WriteAllBytes(path, compressed[..(compressed.Length / 2)]);

        var e = Assert.Throws<DataFormatException>(() => IdxFile.ReadImages(path));

        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void HeaderOnlyPartlyPresentIsReported()
    {
        using var temp = new TempDirectory();
        string path = Path.Combine(temp.Path, "stub");
        File.WriteAllBytes(path, [0, 0, 8, 3, 0, 0]);

        var e = Assert.Throws<DataFormatException>(() => IdxFile.ReadImages(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void WrongMagicNamesExpectedAndFound()
    {
        using var temp = new TempDirectory();
        string path = Path.Combine(temp.Path, "labels-not-images");
        IdxTestFiles.Write(path, IdxTestFiles.Labels([1, 2]), gzip: true);

        var e = Assert.Throws<DataFormatException>(() => IdxFile.ReadImages(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("0x00000803", e.Message);
        Assert.Contains("0x00000801", e.Message);
        Assert.Contains("ReadLabels", e.Message);
    }

    [Fact]
    public void NotAnIdxFileIsReported()
    {
        using var temp = new TempDirectory();
        string path = Path.Combine(temp.Path, "text.idx");
        File.WriteAllText(path, "hello, world");

        var e = Assert.Throws<DataFormatException>(() => IdxFile.ReadLabels(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("wrong magic", e.Message);
    }

    [Fact]
    public void TrailingDataIsReported()
    {
        using var temp = new TempDirectory();
        string path = Path.Combine(temp.Path, "long-labels");
        IdxTestFiles.Write(path, [.. IdxTestFiles.Labels([1, 2]), 5], gzip: false);

        var e = Assert.Throws<DataFormatException>(() => IdxFile.ReadLabels(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("after the 2 bytes", e.Message);
    }

    [Fact]
    public void MissingFileIsReported()
    {
        string path = Path.Combine(Path.GetTempPath(), "fbnetv2-no-such-file-" + Guid.NewGuid().ToString("N"));

        var e = Assert.Throws<DataFormatException>(() => IdxFile.ReadImages(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("does not exist", e.Message);
    }
}
