using System.Buffers.Binary;

namespace EdgeIL.Device.Streams;

/// <summary>Writes a device recording (see <see cref="Recording"/>), one frame at a time, allocating nothing per frame.</summary>
/// <remarks>
/// Records go through a buffer and reach the file in blocks; <see cref="Flush"/> pushes them out, and
/// disposing flushes and closes. A size limit stops recording (it never wraps), so a forgotten
/// recording cannot fill the card the checkpoints live on.
/// </remarks>
public sealed class RecordingWriter : IDisposable
{
    private const int FileBufferBytes = 1 << 16;

    private readonly FileStream _file;
    private readonly byte[] _record;
    private readonly long _maxBytes;
    private bool _disposed;

    /// <summary>Creates (or replaces) a recording file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="featureCount">Features per frame, range 1..<see cref="Recording.MaxFeatureCount"/>.</param>
    /// <param name="classCount">Classes the targets come from, 0 when unlabelled.</param>
    /// <param name="element">How features are stored.</param>
    /// <param name="tickHz">The run's tick rate, recorded for information.</param>
    /// <param name="startUnixMilliseconds">The recording's start, recorded for information.</param>
    /// <param name="maxBytes">The size at which recording stops, range &gt;= the header plus one record.</param>
    public RecordingWriter(string path, int featureCount, int classCount, RecordingElement element, float tickHz, long startUnixMilliseconds, long maxBytes = long.MaxValue)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(featureCount, Recording.MaxFeatureCount);
        ArgumentOutOfRangeException.ThrowIfNegative(classCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classCount, short.MaxValue);
        if (!Enum.IsDefined(element))
        {
            throw new ArgumentOutOfRangeException(nameof(element), element, "Unknown element type.");
        }

        int recordBytes = Recording.RecordBytes(featureCount, element);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, Recording.HeaderBytes + recordBytes);
        FeatureCount = featureCount;
        ClassCount = classCount;
        Element = element;
        _maxBytes = maxBytes;
        _record = new byte[recordBytes];
        _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, FileBufferBytes);
        Span<byte> header = stackalloc byte[Recording.HeaderBytes];
        Recording.WriteHeader(header, element, featureCount, classCount, tickHz, startUnixMilliseconds);
        _file.Write(header);

        // A reader opening the file while the device records sees a valid, empty recording at once.
        _file.Flush();
        BytesWritten = Recording.HeaderBytes;
    }

    /// <summary>Gets the features per frame.</summary>
    public int FeatureCount { get; }

    /// <summary>Gets the classes the targets come from.</summary>
    public int ClassCount { get; }

    /// <summary>Gets how features are stored.</summary>
    public RecordingElement Element { get; }

    /// <summary>Gets the records written.</summary>
    public long RecordCount { get; private set; }

    /// <summary>Gets the records refused because the size limit was reached.</summary>
    public long DroppedCount { get; private set; }

    /// <summary>Gets the bytes written, header included.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Gets a value indicating whether the size limit has been reached.</summary>
    public bool IsFull => BytesWritten + _record.Length > _maxBytes;

    /// <summary>Appends one frame.</summary>
    /// <param name="tick">The tick metadata.</param>
    /// <param name="features">The frame, <see cref="FeatureCount"/> values.</param>
    /// <returns>True when written; false when the size limit has been reached.</returns>
    public bool Write(in RecordedTick tick, ReadOnlySpan<float> features)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (features.Length != FeatureCount)
        {
            throw new ArgumentException($"Expected {FeatureCount} features, got {features.Length}.", nameof(features));
        }

        if (IsFull)
        {
            DroppedCount++;
            return false;
        }

        Span<byte> record = _record;
        BinaryPrimitives.WriteInt64LittleEndian(record, tick.Tick);
        BinaryPrimitives.WriteInt16LittleEndian(record[8..], (short)Math.Clamp(tick.Target, -1, short.MaxValue));
        BinaryPrimitives.WriteInt16LittleEndian(record[10..], (short)Math.Clamp(tick.Predicted, -1, short.MaxValue));
        BinaryPrimitives.WriteSingleLittleEndian(record[12..], tick.Score);
        Span<byte> values = record[Recording.RecordPrefixBytes..];
        if (Element == RecordingElement.UInt8)
        {
            for (int i = 0; i < features.Length; i++)
            {
                float value = features[i];
                values[i] = float.IsNaN(value) ? (byte)0 : (byte)Math.Clamp(MathF.Round(value), 0f, 255f);
            }
        }
        else
        {
            for (int i = 0; i < features.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(values[(i * 4)..], features[i]);
            }
        }

        Recording.SealChecksum(record);
        _file.Write(record);
        BytesWritten += record.Length;
        RecordCount++;
        return true;
    }

    /// <summary>Pushes buffered records to the operating system.</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _file.Flush();
    }

    /// <summary>Flushes and closes the file.</summary>
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
