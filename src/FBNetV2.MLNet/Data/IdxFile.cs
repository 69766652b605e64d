using System.Buffers.Binary;
using System.IO.Compression;

namespace FBNetV2.MLNet.Data;

/// <summary>
/// Reads IDX files, the format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/), raw or gzipped.
/// Gzip is detected from the magic bytes 1f 8b, so the file name does not matter.
/// </summary>
internal static class IdxFile
{
    /// <summary>Magic of an unsigned-byte, 3-dimensional file (images).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic of an unsigned-byte, 1-dimensional file (labels).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Reads an image file (magic 0x00000803, dimensions count, rows, cols, big-endian).</summary>
    /// <exception cref="DataFormatException">The file is missing, not an IDX image file, or truncated.</exception>
    public static IdxImages ReadImages(string path)
    {
        using var stream = Open(path);
        ReadMagic(stream, path, ImagesMagic, "an IDX image file (unsigned bytes, 3 dimensions)");
        int count = ReadDimension(stream, path, "image count");
        int rows = ReadDimension(stream, path, "row count");
        int cols = ReadDimension(stream, path, "column count");
        if (rows == 0 || cols == 0)
            throw new DataFormatException($"IDX file '{path}' declares images of {rows} x {cols} pixels; expected at least 1 x 1. The header is corrupt: re-download the file.");
        long size = (long)count * rows * cols;
        if (size > Array.MaxLength)
            throw new DataFormatException($"IDX file '{path}' declares {count} images of {rows} x {cols} pixels ({size} bytes), more than one array can hold ({Array.MaxLength}). Split the file or check that the header is not corrupt.");
        var pixels = ReadPayload(stream, path, (int)size, $"{count} images of {rows} x {cols} pixels");
        return new IdxImages(count, rows, cols, pixels);
    }

    /// <summary>Reads a label file (magic 0x00000801, dimension count, big-endian): one byte per item.</summary>
    /// <exception cref="DataFormatException">The file is missing, not an IDX label file, or truncated.</exception>
    public static byte[] ReadLabels(string path)
    {
        using var stream = Open(path);
        ReadMagic(stream, path, LabelsMagic, "an IDX label file (unsigned bytes, 1 dimension)");
        int count = ReadDimension(stream, path, "label count");
        return ReadPayload(stream, path, count, $"{count} labels");
    }

    private static Stream Open(string path)
    {
        FileStream file;
        try
        {
            file = File.OpenRead(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DataFormatException($"IDX file '{path}' does not exist. Check the path (Fashion-MNIST files are named like train-images-idx3-ubyte.gz).", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException($"IDX file '{path}' cannot be opened: {e.Message}", e);
        }
        int b0 = file.ReadByte(), b1 = file.ReadByte();
        file.Position = 0;
        if (b0 == 0x1f && b1 == 0x8b)
            return new GZipStream(file, CompressionMode.Decompress);
        return file;
    }

    private static void ReadMagic(Stream stream, string path, int expected, string what)
    {
        var header = new byte[4];
        int got = Fill(stream, path, header);
        if (got < 4)
            throw new DataFormatException($"IDX file '{path}' is truncated: expected {what} starting with the 4-byte magic 0x{expected:X8}, found only {got} byte(s).");
        int magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic == expected)
            return;
        string hint = magic switch
        {
            ImagesMagic => " That is an image file: pass it to ReadImages, and pass the labels file (idx1) to ReadLabels.",
            LabelsMagic => " That is a label file: pass it to ReadLabels, and pass the images file (idx3) to ReadImages.",
            _ => " Check that the file is an IDX file and that it is not corrupt.",
        };
        throw new DataFormatException($"IDX file '{path}' has the wrong magic number: expected 0x{expected:X8} ({what}), found 0x{magic:X8}.{hint}");
    }

    private static int ReadDimension(Stream stream, string path, string name)
    {
        var buffer = new byte[4];
        int got = Fill(stream, path, buffer);
        if (got < 4)
            throw new DataFormatException($"IDX file '{path}' is truncated: expected a 4-byte {name} in the header, found {got} byte(s).");
        int value = BinaryPrimitives.ReadInt32BigEndian(buffer);
        if (value < 0)
            throw new DataFormatException($"IDX file '{path}' declares a negative {name} ({value}); the header is corrupt.");
        return value;
    }

    /// <summary>Reads exactly <paramref name="size"/> bytes and checks that nothing follows them.</summary>
    private static byte[] ReadPayload(Stream stream, string path, int size, string what)
    {
        // Grown as data arrives, so a corrupt header claiming gigabytes cannot force a huge allocation up front.
        var data = new MemoryStream();
        var chunk = new byte[1 << 16];
        while (data.Length < size)
        {
            int want = (int)Math.Min(chunk.Length, size - data.Length);
            int got = Fill(stream, path, chunk.AsSpan(0, want));
            data.Write(chunk, 0, got);
            if (got < want)
                throw new DataFormatException($"IDX file '{path}' is truncated: the header declares {what} ({size} bytes of data), found {data.Length} bytes. Re-download or re-extract the file.");
        }
        if (Fill(stream, path, chunk.AsSpan(0, 1)) != 0)
            throw new DataFormatException($"IDX file '{path}' has data after the {size} bytes its header declares for {what}. The header does not match the content: the file may be corrupt or not the one expected.");
        return data.ToArray();
    }

    private static int Fill(Stream stream, string path, Span<byte> buffer)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException($"IDX file '{path}' starts like a gzip file but cannot be decompressed ({e.Message}). Re-download the file.", e);
        }
    }
}
