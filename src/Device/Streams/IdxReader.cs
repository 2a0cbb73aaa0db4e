using Microsoft.Win32.SafeHandles;

namespace EdgeIL.Device.Streams;

/// <summary>
/// Reads MNIST-format IDX files: images (magic number 0x00000803, unsigned bytes [count, rows, columns])
/// and labels (0x00000801, unsigned bytes [count]), plain or gzip.
/// </summary>
/// <remarks>
/// Gzip is recognised by its magic bytes (1f 8b), not by the file name. A file is read and checked
/// whole before anything is returned; any defect throws <see cref="DataFormatException"/> naming the
/// file and the byte offset (in decompressed bytes for gzip) or record.
/// </remarks>
public static class IdxReader
{
    internal const string ImageRecord = "image";
    internal const string LabelRecord = "label";

    /// <summary>Reads an IDX image file.</summary>
    /// <param name="path">The file, plain or gzip.</param>
    /// <returns>The images.</returns>
    /// <exception cref="DataFormatException">The file is not a well-formed IDX image file.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IdxImages ReadImages(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using IdxFile file = IdxFile.Open(path);
        Span<int> dimensions = stackalloc int[3];
        long length = file.ReadHeader(dimensions, ImageRecord);
        return new IdxImages(dimensions[1], dimensions[2], ReadData(file, (int)length));
    }

    /// <summary>Reads an IDX label file.</summary>
    /// <param name="path">The file, plain or gzip.</param>
    /// <returns>One label per record, as stored.</returns>
    /// <exception cref="DataFormatException">The file is not a well-formed IDX label file.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static byte[] ReadLabels(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using IdxFile file = IdxFile.Open(path);
        Span<int> dimensions = stackalloc int[1];
        return ReadData(file, (int)file.ReadHeader(dimensions, LabelRecord));
    }

    /// <summary>
    /// Reads the images of an opened IDX image file, whose header has been read, as rows of one float
    /// per pixel with its stored value (0..255), without holding them in memory: a plain file is read in
    /// place; a gzip file is decompressed into a <see cref="ScratchFile"/>, up to the size its header
    /// declares and no further.
    /// </summary>
    internal static FileRows ReadImagesAsRows(IdxFile file, int count, int rows, int columns)
    {
        int width = rows * columns;
        if (!file.IsGzip)
        {
            file.EnsureLength();
            return FileRows.Open(file.Path, file.OpenForRows(), RecordingElement.UInt8, width, file.HeaderLength, width, 0, count);
        }

        SafeFileHandle scratch = ScratchFile.Create($"the decompressed images of {file.Path}");
        try
        {
            long length = (long)count * width;
            byte[] chunk = new byte[1 << 16];
            for (long done = 0; done < length; done += chunk.Length)
            {
                Span<byte> part = chunk.AsSpan(0, (int)Math.Min(chunk.Length, length - done));
                if (file.Read(part) < part.Length)
                {
                    throw file.Truncated();
                }

                ScratchFile.Write(scratch, part, done);
            }

            file.EnsureEnd();
            return FileRows.Open(file.Path, scratch, RecordingElement.UInt8, width, 0, width, 0, count);
        }
        catch
        {
            scratch.Dispose();
            throw;
        }
    }

    /// <summary>Reads the <paramref name="length"/> data bytes of a file whose header has been read, and checks that nothing follows.</summary>
    internal static byte[] ReadData(IdxFile file, int length)
    {
        byte[] data = new byte[length];
        if (file.Read(data) < data.Length)
        {
            throw file.Truncated();
        }

        file.EnsureEnd();
        return data;
    }
}
