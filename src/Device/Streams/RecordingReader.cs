using System.Buffers.Binary;

namespace EdgeIL.Device.Streams;

/// <summary>
/// Reads a device recording (see <see cref="Recording"/>) as an <see cref="ISampleStream"/>: each record's
/// features, labelled with the target the device had for it. The host replays recordings through it.
/// </summary>
public sealed class RecordingReader : ISampleStream
{
    private const int FileBufferBytes = 1 << 16;

    private readonly FileStream _file;
    private readonly byte[] _record;
    private readonly string _path;
    private readonly int _headerBytes;
    private readonly bool _checked;
    private readonly int _recordBytes;
    private long _index;
    private bool _disposed;

    private RecordingReader(string path, FileStream file, ushort version, RecordingElement element, int featureCount, int classCount, float tickHz, long startUnixMilliseconds)
    {
        _path = path;
        _file = file;
        FormatVersion = version;
        _checked = version >= 2;
        _headerBytes = _checked ? Recording.HeaderBytes : Recording.Version1HeaderBytes;
        Element = element;
        FeatureCount = featureCount;
        ClassCount = classCount;
        TickHz = tickHz;
        StartUnixMilliseconds = startUnixMilliseconds;
        int recordBytes = _checked ? Recording.RecordBytes(featureCount, element) : Recording.Version1RecordBytes(featureCount, element);
        _recordBytes = recordBytes;
        long body = Math.Max(0, file.Length - _headerBytes);
        RecordCount = body / recordBytes;
        TruncatedBytes = body % recordBytes;

        // The header's feature count is not trusted with memory: a file too short to hold one record gets no buffer.
        _record = RecordCount > 0 ? new byte[recordBytes] : [];
    }

    /// <inheritdoc/>
    public int FeatureCount { get; }

    /// <summary>Gets the file's format version: 2 with a checksum per record, 1 without.</summary>
    public ushort FormatVersion { get; }

    /// <inheritdoc/>
    public int ClassCount { get; }

    /// <summary>Gets how features are stored.</summary>
    public RecordingElement Element { get; }

    /// <summary>Gets the tick rate of the recording run.</summary>
    public float TickHz { get; }

    /// <summary>Gets the recording's start, Unix milliseconds.</summary>
    public long StartUnixMilliseconds { get; }

    /// <summary>Gets the number of whole records.</summary>
    public long RecordCount { get; }

    /// <summary>Gets the bytes of a partial last record (a write cut short), which are not read.</summary>
    public long TruncatedBytes { get; }

    /// <summary>Opens a recording and checks its header.</summary>
    /// <param name="path">The file.</param>
    /// <returns>A reader positioned at the first record.</returns>
    /// <exception cref="DataFormatException">The file is not a recording this library reads.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static RecordingReader Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        // ReadWrite sharing lets the host read a recording the device is still writing (up to its last whole record).
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileBufferBytes, FileOptions.SequentialScan);
        try
        {
            Span<byte> header = stackalloc byte[Recording.HeaderBytes];
            int read = file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
            if (read < Recording.Version1HeaderBytes)
            {
                throw new DataFormatException(path, $"the file has {read} bytes, fewer than the {Recording.Version1HeaderBytes}-byte header", byteOffset: read);
            }

            if (!header[..8].SequenceEqual(Recording.Magic))
            {
                throw new DataFormatException(path, "does not start with the recording magic \"EILREC\\r\\n\"", byteOffset: 0);
            }

            ushort version = BinaryPrimitives.ReadUInt16LittleEndian(header[8..]);
            if (version is < 1 or > Recording.Version)
            {
                throw new DataFormatException(path, $"is format version {version}; this EdgeIL reads versions 1..{Recording.Version}", byteOffset: 8);
            }

            if (version >= 2)
            {
                if (read < Recording.HeaderBytes)
                {
                    throw new DataFormatException(path, $"the file has {read} bytes, fewer than the {Recording.HeaderBytes}-byte header", byteOffset: read);
                }

                if (!Recording.ChecksumMatches(header))
                {
                    throw new DataFormatException(path, "the header's checksum does not match: the file is damaged", byteOffset: Recording.Version1HeaderBytes);
                }
            }
            else
            {
                file.Position = Recording.Version1HeaderBytes;
            }

            var element = (RecordingElement)header[10];
            if (!Enum.IsDefined(element))
            {
                throw new DataFormatException(path, $"element type {header[10]} is unknown; expected 1 (uint8) or 4 (float32)", byteOffset: 10);
            }

            int featureCount = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
            if (featureCount is < 1 or > Recording.MaxFeatureCount)
            {
                throw new DataFormatException(path, $"feature count {featureCount} is outside 1..{Recording.MaxFeatureCount}", byteOffset: 12);
            }

            int classCount = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);
            if (classCount is < 0 or > short.MaxValue)
            {
                throw new DataFormatException(path, $"class count {classCount} is outside 0..{short.MaxValue}", byteOffset: 16);
            }

            float tickHz = BinaryPrimitives.ReadSingleLittleEndian(header[20..]);
            long start = BinaryPrimitives.ReadInt64LittleEndian(header[24..]);
            return new RecordingReader(path, file, version, element, featureCount, classCount, tickHz, start);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public bool TryRead(Span<float> features, out int label)
    {
        bool read = TryReadRecord(features, out RecordedTick tick);
        label = read ? tick.Target : -1;
        return read;
    }

    /// <summary>Reads the next record with its metadata.</summary>
    /// <param name="features">Receives the features.</param>
    /// <param name="tick">The record's tick, target, prediction and score.</param>
    /// <returns>True when a record was read; false at the end.</returns>
    /// <exception cref="DataFormatException">A record's checksum does not match, or its target is outside the header's class range.</exception>
    public bool TryReadRecord(Span<float> features, out RecordedTick tick)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        tick = default;
        if (_index >= RecordCount)
        {
            return false;
        }

        if (features.Length < FeatureCount)
        {
            throw new ArgumentException($"The feature buffer holds {features.Length} values; frames have {FeatureCount}.", nameof(features));
        }

        _file.ReadExactly(_record);
        ReadOnlySpan<byte> record = _record;
        long offset = _headerBytes + (_index * _record.Length);
        if (_checked && !Recording.ChecksumMatches(record))
        {
            throw new DataFormatException(_path, $"record {_index}'s checksum does not match: the file is damaged there", offset, _index);
        }

        int target = BinaryPrimitives.ReadInt16LittleEndian(record[8..]);
        if (target < -1 || target >= Math.Max(ClassCount, 0) && target != -1)
        {
            throw new DataFormatException(_path, $"target {target} is outside -1..{ClassCount - 1}", offset + 8, _index);
        }

        tick = new RecordedTick(
            BinaryPrimitives.ReadInt64LittleEndian(record),
            target,
            BinaryPrimitives.ReadInt16LittleEndian(record[10..]),
            BinaryPrimitives.ReadSingleLittleEndian(record[12..]));
        ReadOnlySpan<byte> values = record[Recording.RecordPrefixBytes..];
        if (Element == RecordingElement.UInt8)
        {
            for (int i = 0; i < FeatureCount; i++)
            {
                features[i] = values[i];
            }
        }
        else
        {
            for (int i = 0; i < FeatureCount; i++)
            {
                features[i] = BinaryPrimitives.ReadSingleLittleEndian(values[(i * 4)..]);
            }
        }

        _index++;
        return true;
    }

    /// <summary>
    /// The features of this recording's frames as rows read from the file on demand, for replaying it
    /// in any order without holding it. Read the records through first: that checks every checksum
    /// and target, and tells which frames to keep.
    /// </summary>
    /// <param name="records">The records that become rows, in row order; null for all.</param>
    /// <returns>The rows, which keep their own handle to the file.</returns>
    /// <exception cref="DataFormatException">The recording has more frames than a dataset can index.</exception>
    public FeatureRows OpenRows(int[]? records)
    {
        if (RecordCount > Array.MaxLength)
        {
            throw new DataFormatException(_path, $"holds {RecordCount} frames, more than the {Array.MaxLength} a replay can index", byteOffset: null);
        }

        var handle = File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return FileRows.Open(_path, handle, Element, FeatureCount, _headerBytes, _recordBytes, Recording.RecordPrefixBytes, (int)RecordCount, records);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _file.Dispose();
    }
}
