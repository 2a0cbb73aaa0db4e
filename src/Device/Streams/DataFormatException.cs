namespace EdgeIL.Device.Streams;

/// <summary>
/// The exception thrown when a data file is malformed: a wrong magic number, a header that does not
/// match the data, a truncated file, or a value out of range. The message names the file and the
/// byte offset or record index where the problem was found.
/// </summary>
public sealed class DataFormatException : Exception
{
    /// <summary>Initializes a new instance with a generic message.</summary>
    public DataFormatException()
        : base("The data file is malformed.")
    {
    }

    /// <summary>Initializes a new instance with the given message.</summary>
    /// <param name="message">The message, which should name the file and where in it the problem is.</param>
    public DataFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with the given message and the exception that caused it.</summary>
    /// <param name="message">The message, which should name the file and where in it the problem is.</param>
    /// <param name="innerException">The exception that revealed the problem, for example a corrupt gzip stream.</param>
    public DataFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// Initializes a new instance whose message is built from the file path, the problem and where it is:
    /// "<c>path</c>: <c>detail</c> (record <c>r</c>, byte offset <c>b</c>)".
    /// </summary>
    /// <param name="filePath">The malformed file.</param>
    /// <param name="detail">What is wrong, for example "expected magic number 0x00000803, found 0x00000801".</param>
    /// <param name="byteOffset">Where the problem is, in bytes from the start of the (decompressed) file, if known.</param>
    /// <param name="recordIndex">The zero-based record (image or label) the problem is in, if known.</param>
    /// <param name="innerException">The exception that revealed the problem, if any.</param>
    public DataFormatException(string filePath, string detail, long? byteOffset, long? recordIndex = null, Exception? innerException = null)
        : base(FormatMessage(filePath, detail, byteOffset, recordIndex), innerException)
    {
        FilePath = filePath;
        ByteOffset = byteOffset;
        RecordIndex = recordIndex;
    }

    /// <summary>Gets the malformed file, when the exception was built from one.</summary>
    public string? FilePath { get; }

    /// <summary>
    /// Gets where the problem is, in bytes from the start of the file; for a gzip file this counts
    /// decompressed bytes.
    /// </summary>
    public long? ByteOffset { get; }

    /// <summary>Gets the zero-based record (image or label) the problem is in, when it is in one.</summary>
    public long? RecordIndex { get; }

    private static string FormatMessage(string filePath, string detail, long? byteOffset, long? recordIndex)
    {
        string location = (recordIndex, byteOffset) switch
        {
            ({ } record, { } offset) => $" (record {record}, byte offset {offset})",
            ({ } record, null) => $" (record {record})",
            (null, { } offset) => $" (byte offset {offset})",
            _ => string.Empty,
        };
        return $"{filePath}: {detail}{location}";
    }
}
