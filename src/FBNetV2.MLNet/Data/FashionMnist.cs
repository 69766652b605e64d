namespace FBNetV2.MLNet.Data;

/// <summary>
/// Fashion-MNIST (Zalando, MIT licence, https://github.com/zalandoresearch/fashion-mnist): 28 x 28 gray images of
/// 10 clothing classes, 60000 for training and 10000 for testing, in IDX files (gzipped or raw).
/// </summary>
internal static class FashionMnist
{
    /// <summary>Where the Debian package dataset-fashion-mnist installs the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The official class names; label i is ClassNames[i].</summary>
    public static IReadOnlyList<string> ClassNames { get; } =
    [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ];

    /// <summary>True when <paramref name="dir"/> (default <see cref="DefaultDirectory"/>) holds all four IDX files.</summary>
    public static bool IsAvailable(string? dir = null)
    {
        dir ??= DefaultDirectory;
        return new[] { true, false }.All(train =>
            Find(dir, ImagesName(train)) is not null && Find(dir, LabelsName(train)) is not null);
    }

    /// <summary>Loads the training (60000) or test (10000) set as 1 x 28 x 28 images scaled to [0, 1].</summary>
    /// <exception cref="DataFormatException">A file is missing or malformed, or images and labels disagree.</exception>
    public static LabeledImages Load(string dir, bool train)
    {
        string imagesPath = Require(dir, ImagesName(train));
        string labelsPath = Require(dir, LabelsName(train));
        var images = IdxFile.ReadImages(imagesPath);
        var labels = IdxFile.ReadLabels(labelsPath);
        if (images.Count != labels.Length)
            throw new DataFormatException($"Fashion-MNIST files disagree: '{imagesPath}' holds {images.Count} images but '{labelsPath}' holds {labels.Length} labels. Use the images and labels files of the same set (both train or both t10k) and re-download them if they are.");

        var targets = new int[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= ClassNames.Count)
                throw new DataFormatException($"Fashion-MNIST labels file '{labelsPath}' has label {labels[i]} at index {i}; expected 0 to {ClassNames.Count - 1}. The file is corrupt or not a Fashion-MNIST labels file.");
            targets[i] = labels[i];
        }
        var pixels = new float[images.Pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
            pixels[i] = images.Pixels[i] / 255f;
        return new LabeledImages(pixels, targets, 1, images.Rows, images.Cols, ClassNames.ToArray());
    }

    private static string ImagesName(bool train) => (train ? "train" : "t10k") + "-images-idx3-ubyte";

    private static string LabelsName(bool train) => (train ? "train" : "t10k") + "-labels-idx1-ubyte";

    /// <summary>The gzipped file if present, else the raw one, else null.</summary>
    private static string? Find(string dir, string name) =>
        new[] { name + ".gz", name }.Select(n => Path.Combine(dir, n)).FirstOrDefault(File.Exists);

    private static string Require(string dir, string name) =>
        Find(dir, name) ?? throw new DataFormatException($"Fashion-MNIST file '{Path.Combine(dir, name)}.gz' (or '{name}' uncompressed) is missing from '{dir}'. Install the Debian package dataset-fashion-mnist or download the files from https://github.com/zalandoresearch/fashion-mnist.");
}
