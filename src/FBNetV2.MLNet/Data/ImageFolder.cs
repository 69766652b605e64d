using Microsoft.ML;

namespace FBNetV2.MLNet.Data;

/// <summary>
/// Images arranged one folder per class, the layout <c>mlnet image-classification --dataset</c> expects:
/// <c>root/&lt;class&gt;/&lt;image&gt;</c>. A root holding <c>train/&lt;class&gt;</c> and <c>test/&lt;class&gt;</c>
/// is read with <see cref="ScanTrainTest"/>. Files directly under the root, hidden entries (names starting with '.')
/// and files without an image extension are ignored; class folders are not searched recursively.
/// </summary>
public sealed class ImageFolder
{
    /// <summary>File extensions read as images (compared case-insensitively).</summary>
    public static IReadOnlyList<string> ImageExtensions { get; } = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];

    private ImageFolder(string root, IReadOnlyList<(string ImagePath, string Label)> items, IReadOnlyList<string> classNames)
    {
        Root = root;
        Items = items;
        ClassNames = classNames;
    }

    /// <summary>Absolute path of the scanned folder.</summary>
    public string Root { get; }

    /// <summary>Every image with its class, by class then file name (ordinal).</summary>
    public IReadOnlyList<(string ImagePath, string Label)> Items { get; }

    /// <summary>Class names sorted ordinal; a label's index in this list is its class index.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Scans <c>root/&lt;class&gt;/&lt;image&gt;</c>.</summary>
    /// <exception cref="DataFormatException">
    /// The root is missing, has fewer than 2 class folders, has an empty class folder, or is a train/test layout.
    /// </exception>
    public static ImageFolder Scan(string root)
    {
        string full = RequireRoot(root);
        // Otherwise "train" and "test" would silently become the two classes.
        if (HasTrainTestSplit(full))
            throw new DataFormatException($"Image folder '{full}' holds train/ and test/ folders, not class folders. Scan it with ImageFolder.ScanTrainTest, or pass '{Path.Combine(full, "train")}' to Scan.");
        return ScanClasses(full);
    }

    /// <summary>True when <paramref name="root"/> has <c>train</c> and <c>test</c> subfolders (any letter case).</summary>
    public static bool HasTrainTestSplit(string root) =>
        FindSubfolder(root, "train") is not null && FindSubfolder(root, "test") is not null;

    /// <summary>
    /// Scans <c>root/train/&lt;class&gt;</c> and <c>root/test/&lt;class&gt;</c>. Both get the training set's class
    /// names so that class indices agree; the test set may lack a class but must not add one.
    /// </summary>
    /// <exception cref="DataFormatException">Either part is invalid, or test has a class that train lacks.</exception>
    public static (ImageFolder Train, ImageFolder Test) ScanTrainTest(string root)
    {
        string full = RequireRoot(root);
        string trainDir = FindSubfolder(full, "train")
            ?? throw new DataFormatException($"Image folder '{full}' has no train/ folder. Expected root/train/<class>/<image> and root/test/<class>/<image>.");
        string testDir = FindSubfolder(full, "test")
            ?? throw new DataFormatException($"Image folder '{full}' has no test/ folder. Expected root/train/<class>/<image> and root/test/<class>/<image>.");
        var train = ScanClasses(trainDir);
        var test = ScanClasses(testDir, minClasses: 1);
        var extra = test.ClassNames.Except(train.ClassNames, StringComparer.Ordinal).ToArray();
        if (extra.Length > 0)
            throw new DataFormatException($"Test folder '{test.Root}' has class folder(s) {string.Join(", ", extra.Select(e => $"'{e}'"))} that training folder '{train.Root}' lacks. Every test class needs training images: add the folder(s) under train/ or remove them from test/.");
        return (train, new ImageFolder(test.Root, test.Items, train.ClassNames));
    }

    /// <summary>An ML.NET view with string columns <c>ImagePath</c> (absolute) and <c>Label</c>, one row per image.</summary>
    public IDataView ToDataView(MLContext ml)
    {
        ArgumentNullException.ThrowIfNull(ml);
        return ml.Data.LoadFromEnumerable(Items.Select(i => new Row { ImagePath = i.ImagePath, Label = i.Label }));
    }

    private static ImageFolder ScanClasses(string root, int minClasses = 2)
    {
        string full = RequireRoot(root);
        var classDirs = Directory.GetDirectories(full)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .OrderBy(d => Path.GetFileName(d), StringComparer.Ordinal)
            .ToArray();
        if (classDirs.Length < minClasses)
            throw new DataFormatException($"Image folder '{full}' has {classDirs.Length} class folder(s); at least {minClasses} needed. Put the images of each class in a folder named after the class: '{full}/<class>/<image>'.");

        var items = new List<(string, string)>();
        var classNames = new List<string>();
        foreach (var dir in classDirs)
        {
            string label = Path.GetFileName(dir);
            var images = Directory.GetFiles(dir)
                .Where(f => !Path.GetFileName(f).StartsWith('.') && IsImage(f))
                .Order(StringComparer.Ordinal)
                .ToArray();
            if (images.Length == 0)
                throw new DataFormatException($"Class folder '{dir}' (class '{label}') has no images; expected files ending in {string.Join(" ", ImageExtensions)}. Add images or remove the folder.");
            classNames.Add(label);
            items.AddRange(images.Select(f => (f, label)));
        }
        return new ImageFolder(full, items, classNames);
    }

    private static string RequireRoot(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        string full = Path.GetFullPath(root);
        if (!Directory.Exists(full))
            throw new DataFormatException($"Image folder '{full}' does not exist. Pass a folder holding one subfolder of images per class.");
        return full;
    }

    private static string? FindSubfolder(string root, string name) =>
        Directory.Exists(root)
            ? Directory.GetDirectories(root).FirstOrDefault(d => string.Equals(Path.GetFileName(d), name, StringComparison.OrdinalIgnoreCase))
            : null;

    private static bool IsImage(string path) =>
        ImageExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>Row type for <see cref="ToDataView"/>; ML.NET maps its properties to columns.</summary>
    private sealed class Row
    {
        public string ImagePath { get; set; } = "";
        public string Label { get; set; } = "";
    }
}
