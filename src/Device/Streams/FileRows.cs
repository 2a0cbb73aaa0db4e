using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace EdgeIL.Device.Streams;

/// <summary>
/// Rows read on demand from a file of fixed-size records: an IDX image file, a device recording,
/// or the scratch file a CSV file is converted into. Only the row being read is in memory; the
/// operating system's page cache, not this process, holds the rest.
/// </summary>
/// <remarks>
/// Record <c>r</c> starts at <c>first + r × stride</c>, and its values at <c>valueOffset</c> within
/// it. A row is a record, or, with a record map, the record the map names (a recording's labelled
/// frames only). Reads are positional (<see cref="RandomAccess"/>), so threads share the handle
/// without a lock.
/// </remarks>
public sealed class FileRows : FeatureRows
{
    // Rows up to this size are read through a stack buffer; larger ones borrow from the array pool.
    private const int StackBufferBytes = 8192;

    private readonly Layout _layout;
    private readonly int[]? _records;
    private readonly int _firstRow;

    private FileRows(Layout layout, int[]? records, int firstRow, int count)
        : base(count, layout.Width)
    {
        _layout = layout;
        _records = records;
        _firstRow = firstRow;
    }

    /// <summary>Gets the file the rows are read from, for messages.</summary>
    public string Path => _layout.Path;

    /// <summary>Rows over records of a file opened for reading, which the rows keep open until they are collected.</summary>
    /// <param name="path">The file's path, for messages.</param>
    /// <param name="file">The open file.</param>
    /// <param name="element">How each value is stored.</param>
    /// <param name="width">The values per row.</param>
    /// <param name="first">The byte offset of the first record.</param>
    /// <param name="stride">The bytes from one record to the next.</param>
    /// <param name="valueOffset">The byte offset of the values within a record.</param>
    /// <param name="recordCount">The number of records.</param>
    /// <param name="records">The records that are rows, in row order; null for every record.</param>
    /// <returns>The rows.</returns>
    internal static FileRows Open(
        string path, SafeFileHandle file, RecordingElement element, int width, long first, long stride, int valueOffset, int recordCount, int[]? records = null)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("File rows are stored little-endian; this machine is not.");
        }

        var layout = new Layout(path, file, element, width, first, stride, valueOffset, recordCount);
        return new FileRows(layout, records, 0, records?.Length ?? recordCount);
    }

    /// <inheritdoc/>
    protected override void ReadRow(int index, Span<float> destination)
    {
        int row = _firstRow + index;
        int record = _records is null ? row : _records[row];
        int bytes = Width * (int)_layout.Element;
        byte[]? rented = null;
        Span<byte> buffer = bytes <= StackBufferBytes ? stackalloc byte[bytes] : (rented = ArrayPool<byte>.Shared.Rent(bytes)).AsSpan(0, bytes);
        try
        {
            long offset = _layout.First + (record * _layout.Stride) + _layout.ValueOffset;
            int read = RandomAccess.Read(_layout.File, buffer, offset);
            while (read < bytes)
            {
                int more = RandomAccess.Read(_layout.File, buffer[read..], offset + read);
                if (more == 0)
                {
                    throw new DataFormatException(
                        _layout.Path,
                        $"the file was cut short after it was checked: record {record} of {_layout.RecordCount} is incomplete",
                        offset + read,
                        record);
                }

                read += more;
            }

            if (_layout.Element == RecordingElement.UInt8)
            {
                for (int i = 0; i < buffer.Length; i++)
                {
                    destination[i] = buffer[i];
                }
            }
            else
            {
                MemoryMarshal.Cast<byte, float>(buffer).CopyTo(destination);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <inheritdoc/>
    protected override FeatureRows SliceRows(int start, int count) => new FileRows(_layout, _records, _firstRow + start, count);

    private sealed record Layout(
        string Path, SafeFileHandle File, RecordingElement Element, int Width, long First, long Stride, int ValueOffset, int RecordCount);
}
