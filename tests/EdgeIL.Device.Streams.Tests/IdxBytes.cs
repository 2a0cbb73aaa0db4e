using System.Buffers.Binary;
using System.IO.Compression;

namespace EdgeIL.Device.Streams.Tests;

/// <summary>Builds IDX files byte by byte, so tests can make the malformed ones the writer refuses to make.</summary>
internal static class IdxBytes
{
    public static byte[] Header(uint magic, params uint[] dimensions)
    {
        byte[] header = new byte[4 + (4 * dimensions.Length)];
        BinaryPrimitives.WriteUInt32BigEndian(header, magic);
        for (int i = 0; i < dimensions.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4 + (4 * i)), dimensions[i]);
        }

        return header;
    }

    public static byte[] Images(uint count, uint rows, uint columns, int pixelBytes) =>
        [.. Header(0x00000803, count, rows, columns), .. Pattern(pixelBytes)];

    public static byte[] Labels(params byte[] labels) =>
        [.. Header(0x00000801, (uint)labels.Length), .. labels];

    public static byte[] Pattern(int length)
    {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * 37) + 11);
        }

        return bytes;
    }

    public static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return buffer.ToArray();
    }

    /// <summary>Writes <paramref name="data"/> to <paramref name="path"/>, gzipped when asked.</summary>
    public static string Write(string path, byte[] data, bool gzip)
    {
        File.WriteAllBytes(path, gzip ? Gzip(data) : data);
        return path;
    }
}
