using System.Buffers;
using System.Text;

namespace EdgeIL.Learner.Onnx;

/// <summary>
/// Writes the protocol buffers wire format: the few field kinds an ONNX export needs, and no reader.
/// </summary>
/// <remarks>
/// The export writes protobuf by hand so that the device, which exports on request, links neither
/// Google.Protobuf nor the generated ONNX message classes (those live with the importer). A nested
/// message is written into its own writer and then embedded, since its length prefix comes first.
/// Callers write each message's fields in ascending field number, as protobuf serializers do, so the
/// bytes are the canonical encoding of the message they describe.
/// </remarks>
internal sealed class ProtoWriter
{
    private const int VarintWireType = 0;
    private const int LengthDelimitedWireType = 2;

    private readonly ArrayBufferWriter<byte> _buffer = new();

    /// <summary>Gets the bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    /// <summary>Writes an <c>int32</c>, <c>int64</c> or enum field; negative values take ten bytes, as the format prescribes.</summary>
    public void WriteInt64(int field, long value)
    {
        WriteTag(field, VarintWireType);
        WriteVarint(unchecked((ulong)value));
    }

    /// <summary>Writes a <c>string</c> field as UTF-8.</summary>
    public void WriteString(int field, string value)
    {
        int length = Encoding.UTF8.GetByteCount(value);
        WriteTag(field, LengthDelimitedWireType);
        WriteVarint((ulong)length);
        Encoding.UTF8.GetBytes(value, _buffer.GetSpan(length));
        _buffer.Advance(length);
    }

    /// <summary>Writes a <c>bytes</c> field holding <paramref name="values"/> as little-endian IEEE 754 floats (ONNX <c>raw_data</c>).</summary>
    public void WriteFloatBytes(int field, ReadOnlySpan<float> values)
    {
        int length = checked(values.Length * sizeof(float));
        WriteTag(field, LengthDelimitedWireType);
        WriteVarint((ulong)length);
        TensorBytes.FromFloats(values, _buffer.GetSpan(length));
        _buffer.Advance(length);
    }

    /// <summary>Writes an embedded message field whose content is <paramref name="message"/>'s bytes.</summary>
    public void WriteMessage(int field, ProtoWriter message)
    {
        WriteTag(field, LengthDelimitedWireType);
        WriteVarint((ulong)message.WrittenSpan.Length);
        WriteFields(message);
    }

    /// <summary>Appends fields already written to <paramref name="fields"/> (for repeated fields gathered apart).</summary>
    public void WriteFields(ProtoWriter fields) => _buffer.Write(fields.WrittenSpan);

    /// <summary>Returns a copy of the bytes written.</summary>
    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    private void WriteTag(int field, int wireType) => WriteVarint((ulong)((field << 3) | wireType));

    private void WriteVarint(ulong value)
    {
        Span<byte> bytes = _buffer.GetSpan(10);
        int count = 0;
        while (value >= 0x80)
        {
            bytes[count++] = (byte)(value | 0x80);
            value >>= 7;
        }

        bytes[count++] = (byte)value;
        _buffer.Advance(count);
    }
}
