using FBNetV2.MLNet.Data;
using Microsoft.ML;
using SkiaSharp;

namespace FBNetV2.MLNet.Runs;

/// <summary>Training and test images of a run as ML.NET rows (ImagePath, Label), from an image folder or IDX files.</summary>
internal sealed record RunData(IReadOnlyList<(string ImagePath, string Label)> Train, IReadOnlyList<(string ImagePath, string Label)> Test,
    IReadOnlyList<string> ClassNames, int Channels, int Size, string Description)
{
    public static RunData Load(RunOptions o)
    {
        string path = Path.GetFullPath(o.DataPath);
        if (!Directory.Exists(path))
            throw new DirectoryNotFoundException($"Data folder '{o.DataPath}' does not exist. Give an image folder (a subfolder per class) or a folder with IDX files.");
        if (Directory.EnumerateFiles(path).Any(f => Path.GetFileName(f).Contains("-idx3-ubyte", StringComparison.Ordinal)))
            path = IdxAsImageFolder(path, o.Log);
        ImageFolder train, test;
        if (ImageFolder.HasTrainTestSplit(path)) (train, test) = ImageFolder.ScanTrainTest(path);
        else
        {
            train = ImageFolder.Scan(path);
            test = train;
        }
        var trainItems = train.Items.ToList();
        var testItems = test.Items.ToList();
        if (ReferenceEquals(train, test))
        {
            // One folder: hold out a stratified share per class, reproducibly.
            var random = new Random(o.Seed);
            var held = new HashSet<string>();
            foreach (var group in trainItems.GroupBy(i => i.Label))
            {
                var items = group.ToArray();
                random.Shuffle(items);
                int n = Math.Max(1, (int)Math.Round(items.Length * o.TestFraction));
                foreach (var item in items.Take(Math.Min(n, items.Length - 1))) held.Add(item.ImagePath);
            }
            testItems = trainItems.Where(i => held.Contains(i.ImagePath)).ToList();
            trainItems = trainItems.Where(i => !held.Contains(i.ImagePath)).ToList();
        }
        int channels = o.Channels ?? ImageDecoder.GuessChannels(train);
        int own = FirstImageSize(trainItems[0].ImagePath);
        bool fullSize = o.Architecture is null && o.SearchSpace == SearchSpacePreset.ImageNet;
        int size = o.ImageSize ?? (fullSize ? own : Math.Min(own, RunOptions.DefaultMaxImageSize));
        string resized = o.ImageSize is null && size < own
            ? $" (resized from {own} px: photos are worked on at {size} px by default so that a CPU copes; --size or ImageSize sets another size)" : "";
        return new RunData(trainItems, testItems, train.ClassNames, channels, size,
            $"{o.DataPath}: {trainItems.Count} training and {testItems.Count} test images, {train.ClassNames.Count} classes, {channels}x{size}x{size}{resized}");
    }

    public IDataView TrainView(MLContext ml) => View(ml, Train);
    public IDataView TestView(MLContext ml) => View(ml, Test);

    private static IDataView View(MLContext ml, IReadOnlyList<(string ImagePath, string Label)> rows) =>
        ml.Data.LoadFromEnumerable(rows.Select(r => new ImageRow { ImagePath = r.ImagePath, Label = r.Label }));

    private static int FirstImageSize(string path)
    {
        using var codec = SKCodec.Create(path) ?? throw new DataFormatException($"Cannot read image '{path}'.");
        return Math.Max(codec.Info.Width, codec.Info.Height);
    }

    /// <summary>IDX files (Fashion-MNIST names and classes) become a PNG folder (train/ and test/) in the user's cache once, so that the pipeline reads image paths.</summary>
    private static string IdxAsImageFolder(string dir, IProgress<string>? log)
    {
        string cacheRoot = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } x ? x
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        // Keyed by the folder and its files' names, sizes and times: IDX files replaced in place convert afresh
        // instead of reusing the old images.
        string files = string.Join("\n", new DirectoryInfo(dir).GetFiles().OrderBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => $"{f.Name}|{f.Length}|{f.LastWriteTimeUtc.Ticks}"));
        string key = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(dir + "\n" + files)))[..12];
        string target = Path.Combine(cacheRoot, "fbnetv2-mlnet", "idx-" + key);
        if (File.Exists(Path.Combine(target, ".complete"))) return target;
        log?.Report($"Converting the IDX files in {dir} to PNG images in {target} (once)...");
        foreach (var (split, train) in new[] { ("train", true), ("test", false) })
        {
            var images = FashionMnist.Load(dir, train);
            var names = images.ClassNames.Select(n => string.Concat(n.Select(ch => char.IsLetterOrDigit(ch) || ch == '-' ? ch : '_'))).ToArray();
            for (int i = 0; i < images.Count; i++)
            {
                string folder = Path.Combine(target, split, names[images.Labels[i]]);
                Directory.CreateDirectory(folder);
                using var bitmap = new SKBitmap(images.Width, images.Height, SKColorType.Gray8, SKAlphaType.Opaque);
                var bytes = new byte[images.Width * images.Height];
                for (int p = 0; p < bytes.Length; p++) bytes[p] = (byte)Math.Round(images.Pixels[(long)i * bytes.Length + p] * 255);
                System.Runtime.InteropServices.Marshal.Copy(bytes, 0, bitmap.GetPixels(), bytes.Length);
                using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
                File.WriteAllBytes(Path.Combine(folder, $"{i:D5}.png"), data.ToArray());
            }
        }
        File.WriteAllText(Path.Combine(target, ".complete"), dir);
        return target;
    }

    private sealed class ImageRow
    {
        public string ImagePath { get; set; } = "";
        public string Label { get; set; } = "";
    }
}
