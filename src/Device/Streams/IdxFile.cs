using System.Buffers.Binary;
using System.IO.Compression;

namespace EdgeIL.Device.Streams;

/// <summary>
/// An IDX file opened for reading, plain or gzip, that counts the (decompressed) bytes read so that
/// every error can say where it is.
/// </summary>
/// <remarks>
/// IDX layout (LeCun et al., "The MNIST database", file formats section): a 4-byte big-endian magic
/// number whose bytes are 0, 0, a type code (0x08 = unsigned byte) and the number of dimensions, then
/// one big-endian uint32 size per dimension, then the data, last dimension fastest.
/// </remarks>
internal sealed class IdxFile : IDisposable
{
    public const byte UnsignedByteType = 0x08;

    // Deflate cannot expand data by more than about 1032:1 (RFC 1951 sets the longest match at 258
    // bytes, coded in as little as 2 bits), which bounds what a gzip file of a given size can hold.
    private const long MaxDeflateRatio = 1032;

    private readonly FileStream _file;
    private readonly Stream _stream;
    private string _recordName = "record";

    private IdxFile(string path, FileStream file, bool isGzip)
    {
        Path = path;
        _file = file;
        IsGzip = isGzip;
        _stream = isGzip ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : file;
    }

    public string Path { get; }

    public bool IsGzip { get; }

    public int HeaderLength { get; private set; }

    public int RecordLength { get; private set; } = 1;

    public int RecordCount { get; private set; }

    /// <summary>Gets the number of (decompressed) bytes read so far.</summary>
    public long Offset { get; private set; }

    /// <summary>Opens <paramref name="path"/>, telling gzip from plain by the gzip magic bytes 1f 8b, not by the file name.</summary>
    public static IdxFile Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
        try
        {
            Span<byte> magic = stackalloc byte[2];
            int read = file.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
            file.Position = 0;
            return new IdxFile(path, file, read == 2 && magic[0] == 0x1f && magic[1] == 0x8b);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads the header and checks that it describes unsigned bytes in <paramref name="dimensions"/>.Length
    /// dimensions, the first counting records; fills <paramref name="dimensions"/> with the sizes.
    /// </summary>
    /// <param name="dimensions">Receives the sizes; its length is the number of dimensions expected.</param>
    /// <param name="recordName">What one record is, for messages: "image" or "label".</param>
    /// <returns>The number of data bytes the header declares.</returns>
    public long ReadHeader(Span<int> dimensions, string recordName)
    {
        _recordName = recordName;
        HeaderLength = 4 + (4 * dimensions.Length);
        Span<byte> header = stackalloc byte[HeaderLength];
        int read = Read(header);
        if (read < 4)
        {
            throw new DataFormatException(Path, $"the file ends inside the 4-byte magic number, after {read} bytes", Offset);
        }

        uint expectedMagic = ((uint)UnsignedByteType << 8) | (uint)dimensions.Length;
        uint magic = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (magic != expectedMagic)
        {
            throw new DataFormatException(
                Path,
                $"expected magic number 0x{expectedMagic:X8} ({recordName}s: unsigned bytes in {dimensions.Length} dimensions), found 0x{magic:X8}{DescribeMagic(magic)}",
                byteOffset: 0);
        }

        if (read < header.Length)
        {
            throw new DataFormatException(
                Path, $"the file ends inside the header, which has {header.Length} bytes for {dimensions.Length} dimensions", Offset);
        }

        long dataLength = 1;
        for (int i = 0; i < dimensions.Length; i++)
        {
            int offset = 4 + (4 * i);
            uint size = BinaryPrimitives.ReadUInt32BigEndian(header[offset..]);
            if (size > int.MaxValue || (i > 0 && size == 0))
            {
                throw new DataFormatException(Path, $"dimension {i} has size {size}, which is out of range", offset);
            }

            dimensions[i] = (int)size;
            dataLength *= size;
            if (dataLength > Array.MaxLength)
            {
                throw new DataFormatException(
                    Path, $"the header declares more than {Array.MaxLength} bytes of data, more than this reader can hold", offset);
            }
        }

        RecordCount = dimensions[0];
        RecordLength = RecordCount == 0 ? 1 : (int)(dataLength / RecordCount);

        // Refused before allocating, so that a corrupt size cannot make the reader claim gigabytes.
        if (IsGzip)
        {
            if (dataLength > _file.Length * MaxDeflateRatio)
            {
                throw new DataFormatException(
                    Path,
                    $"the header declares {RecordCount} {recordName}s ({dataLength} bytes), more than a gzip file of {_file.Length} bytes can hold; the file is truncated",
                    HeaderLength);
            }
        }
        else if (dataLength > _file.Length - HeaderLength)
        {
            Offset = _file.Length;
            throw Truncated();
        }

        return dataLength;
    }

    /// <summary>Reads until <paramref name="destination"/> is full or the data ends.</summary>
    /// <returns>The number of bytes read; less than the length only at the end of the data.</returns>
    public int Read(Span<byte> destination)
    {
        try
        {
            int read = _stream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
            Offset += read;
            return read;
        }
        catch (InvalidDataException exception)
        {
            throw new DataFormatException(Path, $"the gzip stream is corrupt: {exception.Message}", Offset, innerException: exception);
        }
    }

    /// <summary>For a plain file: throws when bytes follow the data the header declared, without reading the data.</summary>
    public void EnsureLength()
    {
        long end = HeaderLength + ((long)RecordCount * RecordLength);
        if (_file.Length > end)
        {
            throw new DataFormatException(Path, "unexpected bytes after the data the header declares", end);
        }
    }

    /// <summary>Opens the file again for positional reads of its records, which the rows that read them keep open.</summary>
    public Microsoft.Win32.SafeHandles.SafeFileHandle OpenForRows() => File.OpenHandle(Path, FileMode.Open, FileAccess.Read, FileShare.Read);

    /// <summary>Throws when bytes follow the data the header declared, since the header and the data then disagree.</summary>
    public void EnsureEnd()
    {
        Span<byte> probe = stackalloc byte[1];
        if (Read(probe) != 0)
        {
            throw new DataFormatException(Path, "unexpected bytes after the data the header declares", Offset - 1);
        }
    }

    /// <summary>Creates the error for data that ends at <see cref="Offset"/>, before the header's record count.</summary>
    public DataFormatException Truncated()
    {
        long record = (Offset - HeaderLength) / RecordLength;
        return new DataFormatException(
            Path,
            $"the file is truncated: it ends inside {_recordName} {record} of the {RecordCount} the header declares ({RecordLength} bytes each)",
            Offset,
            record);
    }

    public void Dispose()
    {
        _stream.Dispose();
        _file.Dispose();
    }

    private static string DescribeMagic(uint magic)
    {
        if (magic >> 16 != 0)
        {
            return ", which is not an IDX magic number";
        }

        uint type = (magic >> 8) & 0xFF;
        uint dimensions = magic & 0xFF;
        return type == UnsignedByteType
            ? $" (unsigned bytes in {dimensions} dimensions)"
            : $" (type code 0x{type:X2}, which this reader does not support, in {dimensions} dimensions)";
    }
}
