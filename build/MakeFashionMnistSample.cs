// Writes the small Fashion-MNIST sample committed under examples/FashionMnist/data/sample:
// 28 x 28 gray PNGs, <out>/train/<class>/<index>.png (the first 100 of each class in the official training set)
// and <out>/test/<class>/<index>.png (the first 30 of each class in the official test set).
// Usage: dotnet run build/MakeFashionMnistSample.cs -- <out dir> [<Fashion-MNIST dir>]
// Package versions come from the repository's Directory.Packages.props (central package management).
#:package SkiaSharp
#:package SkiaSharp.NativeAssets.Linux.NoDependencies

using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using SkiaSharp;

// Official class order, written as folder names that every file system accepts ("T-shirt/top" has a slash).
string[] folders = ["T-shirt_top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle_boot"];

if (args.Length is < 1 or > 2)
{
    Console.Error.WriteLine("Usage: dotnet run build/MakeFashionMnistSample.cs -- <out dir> [<Fashion-MNIST dir>]");
    return 2;
}
string output = args[0];
string source = args.Length > 1 ? args[1] : "/usr/share/datasets/fashion-mnist";

Write("train", "train", perClass: 100);
Write("t10k", "test", perClass: 30);
return 0;

void Write(string set, string part, int perClass)
{
    var (images, rows, cols) = ReadIdx(Path.Combine(source, $"{set}-images-idx3-ubyte.gz"), 0x803);
    var (labels, _, _) = ReadIdx(Path.Combine(source, $"{set}-labels-idx1-ubyte.gz"), 0x801);
    if (images.Length != labels.Length * rows * cols)
        throw new InvalidDataException($"{set}: {images.Length / (rows * cols)} images but {labels.Length} labels.");
    var written = new int[folders.Length];
    for (int i = 0; i < labels.Length && written.Any(n => n < perClass); i++)
    {
        int c = labels[i];
        if (written[c]++ >= perClass)
            continue;
        string dir = Path.Combine(output, part, folders[c]);
        Directory.CreateDirectory(dir);
        using var bitmap = new SKBitmap(new SKImageInfo(cols, rows, SKColorType.Gray8, SKAlphaType.Opaque));
        for (int y = 0; y < rows; y++)
            Marshal.Copy(images, (i * rows + y) * cols, bitmap.GetPixels() + y * bitmap.RowBytes, cols);
        using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(Path.Combine(dir, $"{i:D5}.png"), png.ToArray());
    }
    Console.WriteLine($"{part}: {written.Sum(n => Math.Min(n, perClass))} images in {Path.Combine(output, part)}");
}

// Minimal gzipped IDX reader: magic, big-endian dimensions, then unsigned bytes.
static (byte[] Data, int Rows, int Cols) ReadIdx(string path, int magic)
{
    using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
    using var memory = new MemoryStream();
    gz.CopyTo(memory);
    var bytes = memory.ToArray();
    if (BinaryPrimitives.ReadInt32BigEndian(bytes) != magic)
        throw new InvalidDataException($"{path}: expected magic 0x{magic:X8}.");
    int dims = magic & 0xff;
    int header = 4 + 4 * dims;
    int rows = dims == 3 ? BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8)) : 1;
    int cols = dims == 3 ? BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(12)) : 1;
    return (bytes[header..], rows, cols);
}
