using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace EdgeIL.Learner.Checkpoints;

/// <summary>
/// Writes a checkpoint's bytes little-endian through one buffer, feeding the CRC-32 as it goes, and
/// checks every section and the whole file against the lengths declared up front, so a writer bug
/// cannot produce a file whose length fields lie.
/// </summary>
/// <remarks>
/// The buffer is rented, not allocated: a device snapshots its learner every minute or so for months,
/// and a fresh 64 KB each time is garbage that only a collection gives back.
/// </remarks>
internal sealed class CheckpointWriter : IDisposable
{
    private const int BufferLength = 64 * 1024;

    private readonly Stream _destination;
    private readonly long _totalLength;
    private readonly Crc32 _crc = new();
    private readonly byte[] _buffer;
    private int _used;
    private long _written;
    private long _sectionEnd = -1;

    public CheckpointWriter(Stream destination, long totalLength)
    {
        _destination = destination;
        _totalLength = totalLength;
        _buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(BufferLength, totalLength));
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);

    public void BeginSection(uint tag, long payloadLength)
    {
        EndSection();
        WriteUInt32(tag);
        WriteUInt32(checked((uint)payloadLength));
        _sectionEnd = _written + payloadLength;
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            if (_used == _buffer.Length)
            {
                FlushBuffer();
            }

            int count = Math.Min(bytes.Length, _buffer.Length - _used);
            bytes[..count].CopyTo(_buffer.AsSpan(_used));
            _used += count;
            _written += count;
            bytes = bytes[count..];
        }
    }

    public void WriteByte(byte value) => WriteBytes([value]);

    public void WriteUInt32(uint value)
    {
        Span<byte> bytes = stackalloc byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        WriteBytes(bytes);
    }

    public void WriteInt32(int value) => WriteUInt32((uint)value);

    public void WriteUInt64(ulong value)
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        WriteBytes(bytes);
    }

    public void WriteInt64(long value) => WriteUInt64((ulong)value);

    public void WriteSingle(float value)
    {
        Span<byte> bytes = stackalloc byte[sizeof(float)];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        WriteBytes(bytes);
    }

    /// <summary>Writes IEEE-754 binary32 values, little-endian.</summary>
    public void WriteSingles(ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            // In memory the floats already are the file's bytes.
            WriteBytes(MemoryMarshal.AsBytes(values));
            return;
        }

        foreach (float value in values)
        {
            WriteSingle(value);
        }
    }

    public void WriteDouble(double value)
    {
        Span<byte> bytes = stackalloc byte[sizeof(double)];
        BinaryPrimitives.WriteDoubleLittleEndian(bytes, value);
        WriteBytes(bytes);
    }

    /// <summary>Writes IEEE-754 binary64 values, little-endian.</summary>
    public void WriteDoubles(ReadOnlySpan<double> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            WriteBytes(MemoryMarshal.AsBytes(values));
            return;
        }

        foreach (double value in values)
        {
            WriteDouble(value);
        }
    }

    /// <summary>A short ASCII string: one length byte, then the characters.</summary>
    public void WriteShortString(string value)
    {
        WriteByte(checked((byte)value.Length));
        foreach (char c in value)
        {
            WriteByte((byte)c);
        }
    }

    /// <summary>Closes the last section, checks the total length and appends the CRC-32 of everything written.</summary>
    public void Finish()
    {
        EndSection();
        FlushBuffer();
        if (_written + CheckpointFormat.ChecksumLength != _totalLength)
        {
            throw new InvalidOperationException($"Checkpoint writer bug: wrote {_written + CheckpointFormat.ChecksumLength} bytes, declared {_totalLength}.");
        }

        Span<byte> checksum = stackalloc byte[CheckpointFormat.ChecksumLength];
        BinaryPrimitives.WriteUInt32LittleEndian(checksum, _crc.GetCurrentHashAsUInt32());
        _destination.Write(checksum);
        _destination.Flush();
    }

    private void EndSection()
    {
        if (_sectionEnd >= 0 && _written != _sectionEnd)
        {
            throw new InvalidOperationException($"Checkpoint writer bug: a section ended at byte {_written}, declared to end at {_sectionEnd}.");
        }

        _sectionEnd = -1;
    }

    private void FlushBuffer()
    {
        ReadOnlySpan<byte> pending = _buffer.AsSpan(0, _used);
        _crc.Append(pending);
        _destination.Write(pending);
        _used = 0;
    }
}
