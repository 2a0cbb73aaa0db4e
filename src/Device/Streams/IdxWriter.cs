using System.Buffers.Binary;
using System.IO.Compression;

namespace EdgeIL.Device.Streams;

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

        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"{path} names no file.", nameof(path));
        string temporary = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                if (compression == IdxCompression.Gzip)
                {
                    using var gzip = new GZipStream(file, CompressionLevel.SmallestSize, leaveOpen: true);
                    gzip.Write(header);
                    gzip.Write(data);
                }
                else
                {
                    file.Write(header);
                    file.Write(data);
                }

                // Without this the rename can reach the disk before the data, and a power cut on a
                // board would leave a complete-looking file of zeros.
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original failure matters more than a leftover temporary file, whose name marks it as one.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
