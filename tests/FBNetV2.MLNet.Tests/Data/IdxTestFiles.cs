using System.Buffers.Binary;
using System.IO.Compression;

namespace FBNetV2.MLNet.Tests.Data;

/// <summary>Writes IDX files (optionally gzipped) for the tests.</summary>
internal static class IdxTestFiles
{
    public static byte[] Images(int count, int rows, int cols, byte[] pixels) =>
        [.. Header(0x803, count, rows, cols), .. pixels];

    public static byte[] Labels(byte[] labels) => [.. Header(0x801, labels.Length), .. labels];

    public static void Write(string path, byte[] content, bool gzip)
    {
        if (!gzip)
        {
            File.WriteAllBytes(path, content);
            return;
        }
        using var file = File.Create(path);
        using var gz = new GZipStream(file, CompressionLevel.Fastest);
        gz.Write(content);
    }

    private static byte[] Header(int magic, params int[] dims)
    {
        var header = new byte[4 * (dims.Length + 1)];
        BinaryPrimitives.WriteInt32BigEndian(header, magic);
        for (int i = 0; i < dims.Length; i++)
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 * (i + 1)), dims[i]);
        return header;
    }
}
