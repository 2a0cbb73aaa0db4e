using System.Buffers.Binary;
using System.IO.Compression;
using EdgeIL.Learner.IO;

namespace EdgeIL.Device.Streams.Tests;

/// <summary>
/// Writes MNIST-format IDX files (see <see cref="IdxReader"/>), gzip by default, atomically: a reader
/// sees the old file or the complete new one, never a partial one.
/// </summary>
/// <remarks>
/// The data goes to a temporary file in the destination's folder, is flushed to the disk, and the
/// temporary file is then renamed over the destination. The rename is atomic only within one file
/// system, which is why the temporary file is not put in the system's temporary folder.
/// </remarks>
public static class IdxWriter
{
    /// <summary>Writes an IDX image file.</summary>
    /// <param name="path">The destination; its folder must exist. An existing file is replaced.</param>
    /// <param name="images">The images.</param>
    /// <param name="compression">How to store the file.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void WriteImages(string path, IdxImages images, IdxCompression compression = IdxCompression.Gzip)
    {
        ArgumentNullException.ThrowIfNull(images);
        WriteImages(path, images.Rows, images.Columns, images.Pixels, compression);
    }

    /// <summary>Writes an IDX image file.</summary>
    /// <param name="path">The destination; its folder must exist. An existing file is replaced.</param>
    /// <param name="rows">The height of each image, at least 1.</param>
    /// <param name="columns">The width of each image, at least 1.</param>
    /// <param name="pixels">The pixels, row-major, image after image; a whole number of images.</param>
    /// <param name="compression">How to store the file.</param>
    /// <exception cref="ArgumentException"><paramref name="pixels"/> is not a whole number of images.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void WriteImages(string path, int rows, int columns, ReadOnlySpan<byte> pixels, IdxCompression compression = IdxCompression.Gzip)
    {
        ArgumentNullException.ThrowIfNull(path);
        int imageLength = IdxImages.ValidateShape(rows, columns, pixels.Length, nameof(pixels));
        Span<byte> header = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32BigEndian(header, 0x00000803);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], (uint)(pixels.Length / imageLength));
        BinaryPrimitives.WriteUInt32BigEndian(header[8..], (uint)rows);
        BinaryPrimitives.WriteUInt32BigEndian(header[12..], (uint)columns);
        WriteAtomically(path, header, pixels, compression);
    }

    /// <summary>Writes an IDX label file.</summary>
    /// <param name="path">The destination; its folder must exist. An existing file is replaced.</param>
    /// <param name="labels">One label per record.</param>
    /// <param name="compression">How to store the file.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void WriteLabels(string path, ReadOnlySpan<byte> labels, IdxCompression compression = IdxCompression.Gzip)
    {
        ArgumentNullException.ThrowIfNull(path);
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(header, 0x00000801);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], (uint)labels.Length);
        WriteAtomically(path, header, labels, compression);
    }

    private static void WriteAtomically(string path, ReadOnlySpan<byte> header, ReadOnlySpan<byte> data, IdxCompression compression)
    {
        if (compression is not (IdxCompression.None or IdxCompression.Gzip))
        {
            throw new ArgumentOutOfRangeException(nameof(compression), compression, "Unknown compression.");
        }

        using AtomicFileWriter file = AtomicFile.Begin(path);
        if (compression == IdxCompression.Gzip)
        {
            using var gzip = new GZipStream(file.Stream, CompressionLevel.SmallestSize, leaveOpen: true);
            gzip.Write(header);
            gzip.Write(data);
        }
        else
        {
            file.Stream.Write(header);
            file.Stream.Write(data);
        }

        file.Commit();
    }
}
