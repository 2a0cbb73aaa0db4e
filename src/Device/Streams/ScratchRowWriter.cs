using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace EdgeIL.Device.Streams;

/// <summary>
/// Appends float32 rows to a <see cref="ScratchFile"/> through a fixed buffer, so that converting a file
/// of any size costs one buffer of memory and one write per buffer, not one per row.
/// </summary>
internal sealed class ScratchRowWriter
{
    private const int BufferBytes = 1 << 20;

    private readonly SafeFileHandle _file;
    private readonly float[] _buffer;
    private readonly int _width;
    private int _used;
    private long _written;

    public ScratchRowWriter(SafeFileHandle file, int width)
    {
        _file = file;
        _width = width;
        _buffer = new float[Math.Max(width, BufferBytes / sizeof(float) / width * width)];
    }

    /// <summary>The next row to fill, in the buffer; written out when the buffer is full or at <see cref="Complete"/>.</summary>
    public Span<float> NextRow()
    {
        if (_used + _width > _buffer.Length)
        {
            Flush();
        }

        Span<float> row = _buffer.AsSpan(_used, _width);
        _used += _width;
        return row;
    }

    /// <summary>Writes out the rows still in the buffer.</summary>
    public void Complete() => Flush();

    private void Flush()
    {
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(_buffer.AsSpan(0, _used));
        ScratchFile.Write(_file, bytes, _written);
        _written += bytes.Length;
        _used = 0;
    }
}
