namespace FBNetV2.MLNet.Data;

/// <summary>
/// An in-memory image classification dataset: <see cref="Count"/> images of
/// <see cref="Channels"/> x <see cref="Height"/> x <see cref="Width"/> floats in [0, 1], stored planar (CHW) one image
/// after another, with a class index per image. A subset or split is a view: it keeps the row numbers of its images in
/// the set the pixels were read into and shares that set's pixels, so a fit holds the data once however often it is
/// split (at 224 px, 2,000 RGB images are 1.2 GB; copying splits held it three times).
/// </summary>
internal sealed class LabeledImages
{
    /// <summary>Creates a dataset after checking that sizes agree, labels are in range and pixels are in [0, 1].</summary>
    /// <param name="pixels">Count * channels * height * width values in [0, 1], planar CHW per image.</param>
    /// <param name="labels">One class index per image, each in [0, classNames.Length).</param>
    /// <param name="channels">Channels per image (1 for gray, 3 for RGB).</param>
    /// <param name="height">Image height in pixels.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="classNames">Class names; label i refers to classNames[i].</param>
    /// <exception cref="ArgumentException">The arrays are inconsistent or hold invalid values.</exception>
    public LabeledImages(float[] pixels, int[] labels, int channels, int height, int width, string[] classNames)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (classNames.Length == 0)
            throw new ArgumentException("At least one class name is needed.", nameof(classNames));
        if (classNames.Any(string.IsNullOrEmpty))
            throw new ArgumentException("Class names must not be null or empty.", nameof(classNames));
        if (classNames.Distinct(StringComparer.Ordinal).Count() != classNames.Length)
            throw new ArgumentException($"Class names must be distinct; got [{string.Join(", ", classNames)}].", nameof(classNames));

        long expected = (long)labels.Length * channels * height * width;
        if (pixels.Length != expected)
            throw new ArgumentException($"Expected {labels.Length} images x {channels} x {height} x {width} = {expected} pixel values, got {pixels.Length}.", nameof(pixels));
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classNames.Length)
                throw new ArgumentException($"Label {labels[i]} of image {i} is outside [0, {classNames.Length - 1}] ({classNames.Length} classes).", nameof(labels));
        }
        for (int i = 0; i < pixels.Length; i++)
        {
            // Written so that NaN fails too.
            if (!(pixels[i] >= 0f && pixels[i] <= 1f))
                throw new ArgumentException($"Pixel value {pixels[i]} of image {i / (channels * height * width)} is outside [0, 1]; scale pixels to [0, 1] (e.g. divide bytes by 255).", nameof(pixels));
        }

        store = pixels;
        Labels = labels;
        Channels = channels;
        Height = height;
        Width = width;
        ClassNames = classNames;
        root = this;
    }

    /// <summary>A view of <paramref name="of"/>'s root: the images at root rows <paramref name="rootRows"/> (checked by the caller).</summary>
    private LabeledImages(LabeledImages of, int[] rootRows)
    {
        root = of.root;
        store = root.store;
        rows = rootRows;
        Labels = rootRows.Select(r => root.Labels[r]).ToArray();
        Channels = of.Channels; Height = of.Height; Width = of.Width; ClassNames = of.ClassNames;
    }

    /// <summary>The set whose array holds the pixels (this one unless it is a view).</summary>
    private readonly LabeledImages root;

    /// <summary>The pixels of <see cref="root"/>.</summary>
    private readonly float[] store;

    /// <summary>Row in <see cref="root"/> of each image; null when this set is the root.</summary>
    private readonly int[]? rows;

    /// <summary>Row in the root set (whose pixels <see cref="TensorViews"/> holds) of image <paramref name="i"/>.</summary>
    internal int RootRow(int i) => rows is null ? i : rows[i];

    /// <summary>Whether this set is a view that shares another set's pixels.</summary>
    internal bool IsView => rows is not null;

    /// <summary>The Channels * Height * Width values of image <paramref name="i"/>, without copying.</summary>
    public ReadOnlySpan<float> Image(int i) => store.AsSpan((int)((long)RootRow(i) * ImageSize), ImageSize);

    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>Channels per image: 1 (gray) or 3 (RGB).</summary>
    public int Channels { get; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>
    /// Count * Channels * Height * Width values in [0, 1], planar CHW per image: the array itself for a set that was
    /// read, a fresh copy for a view (the training code reads views through <see cref="Image"/> and
    /// <see cref="TensorViews"/> instead).
    /// </summary>
    public float[] Pixels
    {
        get
        {
            if (rows is null) return store;
            var copy = new float[(long)Count * ImageSize];
            CopyImagesTo(copy, 0);
            return copy;
        }
    }

    /// <summary>Class index of each image.</summary>
    public int[] Labels { get; }

    /// <summary>Class names; label i refers to ClassNames[i].</summary>
    public string[] ClassNames { get; }

    /// <summary>Values per image: Channels * Height * Width.</summary>
    public int ImageSize => Channels * Height * Width;

    /// <summary>
    /// SHA-256 of the shape, the labels and every image's pixels in row order (16 hex digits): what a search checkpoint
    /// records so that it is not resumed on other images of the same count. It reads every pixel once, so callers
    /// compute it only when a checkpoint is written or read.
    /// </summary>
    internal string ContentHash()
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes<int>([Count, Channels, Height, Width]));
        hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(Labels.AsSpan()));
        for (int i = 0; i < Count; i++) hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(Image(i)));
        return Convert.ToHexString(hash.GetHashAndReset(), 0, 8).ToLowerInvariant();
    }

    private readonly object viewsLock = new();
    private (TorchSharp.torch.Tensor Pixels, TorchSharp.torch.Tensor Labels)? views;

    /// <summary>
    /// The root set as tensors, indexed by <see cref="RootRow"/>, made once per root and shared by every batch source
    /// over it and its views: the pixels are a view of the root's array itself (from_array pins the array and copies
    /// nothing), the labels int64. They live as long as the root (released with it by the finalizer), so that batches
    /// can be index_selects into native memory rather than fresh managed arrays (see BatchSource).
    /// </summary>
    internal (TorchSharp.torch.Tensor Pixels, TorchSharp.torch.Tensor Labels) TensorViews()
    {
        if (!ReferenceEquals(root, this)) return root.TensorViews();
        lock (viewsLock)
        {
            if (views is null)
            {
                using var flat = TorchSharp.torch.from_array(store);
                var pixels = flat.view(Count, Channels, Height, Width).DetachFromDisposeScope();
                var labels = TorchSharp.torch.tensor(Labels.Select(l => (long)l).ToArray()).DetachFromDisposeScope();
                views = (pixels, labels);
            }
            return views.Value;
        }
    }

    /// <summary>
    /// The images at <paramref name="indices"/>, in that order (repeats allowed); class names are kept. A view: it
    /// shares this set's pixels (nothing is copied).
    /// </summary>
    public LabeledImages Subset(int[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var rootRows = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            int j = indices[i];
            if ((uint)j >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(indices), $"Index {j} at position {i} is outside [0, {Count - 1}].");
            rootRows[i] = RootRow(j);
        }
        return new LabeledImages(this, rootRows);
    }

    /// <summary>
    /// This set's images followed by <paramref name="other"/>'s: a view when both share one root (a training set and
    /// its validation split), otherwise a copy.
    /// </summary>
    public LabeledImages Concat(LabeledImages other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Channels != Channels || other.Height != Height || other.Width != Width || !other.ClassNames.SequenceEqual(ClassNames))
            throw new ArgumentException($"Cannot join a {other.Channels}x{other.Height}x{other.Width} set of {other.ClassNames.Length} classes " +
                $"to a {Channels}x{Height}x{Width} set of {ClassNames.Length} classes.", nameof(other));
        if (ReferenceEquals(root, other.root))
            return new LabeledImages(this, [.. Enumerable.Range(0, Count).Select(RootRow), .. Enumerable.Range(0, other.Count).Select(other.RootRow)]);
        var pixels = new float[(long)(Count + other.Count) * ImageSize];
        CopyImagesTo(pixels, 0);
        other.CopyImagesTo(pixels, Count);
        return new LabeledImages(pixels, [.. Labels, .. other.Labels], Channels, Height, Width, ClassNames);
    }

    /// <summary>Copies this set's images, in order, into <paramref name="target"/> from image slot <paramref name="firstSlot"/> on.</summary>
    private void CopyImagesTo(float[] target, int firstSlot)
    {
        for (int i = 0; i < Count; i++) Image(i).CopyTo(target.AsSpan((int)((long)(firstSlot + i) * ImageSize), ImageSize));
    }

    /// <summary>
    /// Splits per class so that both parts keep the class balance: of each class's n images, round(n * fraction)
    /// go to the first part, at least one and at most n - 1 when n >= 2 so every class appears on both sides.
    /// The same seed gives the same split. Each part keeps the original order.
    /// </summary>
    /// <param name="fraction">Share of each class in the first part, strictly between 0 and 1.</param>
    /// <param name="seed">Seed of the shuffle that picks the images.</param>
    public (LabeledImages a, LabeledImages b) Split(double fraction, int seed)
    {
        if (!(fraction > 0 && fraction < 1))
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The fraction must be strictly between 0 and 1.");
        var byClass = new List<int>[ClassNames.Length];
        for (int c = 0; c < byClass.Length; c++)
            byClass[c] = new List<int>();
        for (int i = 0; i < Count; i++)
            byClass[Labels[i]].Add(i);

        var random = new Random(seed);
        var first = new List<int>();
        var second = new List<int>();
        foreach (var list in byClass)
        {
            var members = list.ToArray();
            random.Shuffle(members);
            int take = (int)Math.Round(members.Length * fraction, MidpointRounding.AwayFromZero);
            if (members.Length >= 2)
                take = Math.Clamp(take, 1, members.Length - 1);
            first.AddRange(members.Take(take));
            second.AddRange(members.Skip(take));
        }
        first.Sort();
        second.Sort();
        return (Subset(first.ToArray()), Subset(second.ToArray()));
    }
}
