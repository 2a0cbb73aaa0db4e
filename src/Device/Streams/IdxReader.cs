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
        byte[] pixels = new byte[length];
        ReadData(file, pixels);
        return new IdxImages(dimensions[1], dimensions[2], pixels);
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
        long length = file.ReadHeader(dimensions, LabelRecord);
        byte[] labels = new byte[length];
        ReadData(file, labels);
        return labels;
    }

    /// <summary>
    /// Reads an IDX image file straight into features, one float per pixel with its stored value
    /// (0..255), without holding the bytes and the floats at once.
    /// </summary>
    internal static float[] ReadImagesAsFeatures(string path, out int rows, out int columns)
    {
        using IdxFile file = IdxFile.Open(path);
        Span<int> dimensions = stackalloc int[3];
        long length = file.ReadHeader(dimensions, ImageRecord);
        float[] features = new float[length];
        byte[] chunk = new byte[1 << 16];
        for (int start = 0; start < features.Length; start += chunk.Length)
        {
            Span<byte> part = chunk.AsSpan(0, Math.Min(chunk.Length, features.Length - start));
            if (file.Read(part) < part.Length)
            {
                throw file.Truncated();
            }

            Span<float> destination = features.AsSpan(start, part.Length);
            for (int i = 0; i < part.Length; i++)
            {
                destination[i] = part[i];
            }
        }

        file.EnsureEnd();
        rows = dimensions[1];
        columns = dimensions[2];
        return features;
    }

    private static void ReadData(IdxFile file, byte[] destination)
    {
        if (file.Read(destination) < destination.Length)
        {
            throw file.Truncated();
        }

        file.EnsureEnd();
    }
}
