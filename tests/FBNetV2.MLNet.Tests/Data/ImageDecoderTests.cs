using FBNetV2.MLNet.Data;
using SkiaSharp;
using Xunit;

namespace FBNetV2.MLNet.Tests.Data;

public class ImageDecoderTests
{
    [Fact]
    public void CommittedSampleDecodesToTheOriginalPixels()
    {
        var folder = ImageFolder.Scan(Path.Combine(TestPaths.FashionMnistSample, "train"));

        var data = ImageDecoder.Load(folder, channels: 1, height: null, width: null);

        Assert.Equal((1000, 1, 28, 28), (data.Count, data.Channels, data.Height, data.Width));
        Assert.Equal(1, ImageDecoder.GuessChannels(folder));
    }

    [RequiresFact(Prerequisite.FashionMnist)]
    public void CommittedSampleMatchesTheOfficialData()
    {
        Prerequisites.Require(Prerequisite.FashionMnist);
        var folder = ImageFolder.Scan(Path.Combine(TestPaths.FashionMnistSample, "train"));
        var data = ImageDecoder.Load(folder, channels: 1, height: null, width: null);
        // train/Ankle_boot/00000.png is image 0 of the official training set.
        var official = IdxFile.ReadImages(Path.Combine(FashionMnist.DefaultDirectory, "train-images-idx3-ubyte.gz"));
        int first = folder.Items.ToList().FindIndex(i => i.ImagePath.EndsWith("Ankle_boot/00000.png", StringComparison.Ordinal));
        var expected = official.Pixels.Take(28 * 28).Select(b => b / 255f);
        Assert.Equal(expected, data.Pixels.Skip(first * 28 * 28).Take(28 * 28));
    }

    [Fact]
    public void RgbJpegBecomesGray()
    {
        using var temp = new TempDirectory();
        var colour = new SKColor(200, 100, 50);
        TestImages.Solid(Path.Combine(temp.Folder("warm"), "a.jpg"), 8, 8, colour, SKEncodedImageFormat.Jpeg);
        TestImages.Solid(Path.Combine(temp.Folder("cold"), "b.jpg"), 8, 8, colour, SKEncodedImageFormat.Jpeg);
        var folder = ImageFolder.Scan(temp.Path);

        var data = ImageDecoder.Load(folder, channels: 1, height: null, width: null);

        // 0.299 * 200 + 0.587 * 100 + 0.114 * 50 = 124.2; JPEG may move each channel by a level or two.
        const float expected = 124.2f / 255f;
        Assert.Equal(2 * 8 * 8, data.Pixels.Length);
        Assert.All(data.Pixels, p => Assert.InRange(p, expected - 3f / 255f, expected + 3f / 255f));
        Assert.Equal(3, ImageDecoder.GuessChannels(folder));
    }

    [Fact]
    public void GrayPngBecomesRgbByReplication()
    {
        using var temp = new TempDirectory();
        static byte Value(int x, int y) => (byte)(40 * y + 10 * x);
        TestImages.GrayPng(Path.Combine(temp.Folder("a"), "a.png"), 3, 2, Value);
        TestImages.GrayPng(Path.Combine(temp.Folder("b"), "b.png"), 3, 2, Value);
        var folder = ImageFolder.Scan(temp.Path);

        var data = ImageDecoder.Load(folder, channels: 3, height: null, width: null);

        Assert.Equal((3, 2, 3), (data.Channels, data.Height, data.Width));
        float[] plane = [0f, 10 / 255f, 20 / 255f, 40 / 255f, 50 / 255f, 60 / 255f];
        Assert.Equal([.. plane, .. plane, .. plane], data.Pixels.Take(18));
        Assert.Equal([0, 1], data.Labels);
        Assert.Equal(1, ImageDecoder.GuessChannels(folder));
    }

    [Fact]
    public void MixedSizesNeedAConfiguredSize()
    {
        using var temp = new TempDirectory();
        TestImages.GrayPng(Path.Combine(temp.Folder("a"), "1.png"), 4, 4, (_, _) => 255);
        TestImages.GrayPng(Path.Combine(temp.Folder("a"), "2.png"), 4, 4, (_, _) => 255);
        string odd = Path.Combine(temp.Folder("b"), "3.png");
        TestImages.GrayPng(odd, 8, 6, (_, _) => 255);
        var folder = ImageFolder.Scan(temp.Path);

        var e = Assert.Throws<DataFormatException>(() => ImageDecoder.Load(folder, 1, null, null));

        Assert.Contains(odd, e.Message);
        Assert.Contains("8 x 6", e.Message);
        Assert.Contains("4 x 4", e.Message);
        Assert.Contains("set a height and width", e.Message);

        var resized = ImageDecoder.Load(folder, 1, height: 5, width: 7);

        Assert.Equal((3, 1, 5, 7), (resized.Count, resized.Channels, resized.Height, resized.Width));
        Assert.All(resized.Pixels, p => Assert.InRange(p, 0.99f, 1f)); // white stays white
    }

    [Fact]
    public void CorruptPngIsNamed()
    {
        using var temp = new TempDirectory();
        TestImages.GrayPng(Path.Combine(temp.Folder("a"), "good.png"), 4, 4, (_, _) => 7);
        string corrupt = Path.Combine(temp.Folder("b"), "corrupt.png");
        File.WriteAllBytes(corrupt, Enumerable.Range(0, 100).Select(i => (byte)(i * 37)).ToArray());

        var e = Assert.Throws<DataFormatException>(() => ImageDecoder.Load(ImageFolder.Scan(temp.Path), 1, null, null));

        Assert.Contains(corrupt, e.Message);
    }

    [Fact]
    public void TruncatedPngIsNamed()
    {
        using var temp = new TempDirectory();
        TestImages.GrayPng(Path.Combine(temp.Folder("a"), "good.png"), 64, 64, (x, y) => (byte)(x * y));
        string truncated = Path.Combine(temp.Folder("b"), "truncated.png");
        var whole = File.ReadAllBytes(Path.Combine(temp.Path, "a", "good.png"));
        File.WriteAllBytes(truncated, whole[..(whole.Length * 2 / 3)]);

        var e = Assert.Throws<DataFormatException>(() => ImageDecoder.Load(ImageFolder.Scan(temp.Path), 1, null, null));

        Assert.Contains(truncated, e.Message);
    }

    [Fact]
    public void InvalidArgumentsAreRejected()
    {
        var folder = ImageFolder.Scan(Path.Combine(TestPaths.FashionMnistSample, "test"));

        Assert.Throws<ArgumentOutOfRangeException>(() => ImageDecoder.Load(folder, 2, null, null));
        Assert.Throws<ArgumentException>(() => ImageDecoder.Load(folder, 1, 28, null));
    }
}
