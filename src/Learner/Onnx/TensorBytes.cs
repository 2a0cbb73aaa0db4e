using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Google.Protobuf;

namespace EdgeIL.Learner.Onnx;

/// <summary>Float tensors to and from ONNX <c>raw_data</c>, which the IR fixes as little-endian IEEE 754.</summary>
internal static class TensorBytes
{
    /// <summary>The little-endian bytes of <paramref name="values"/>.</summary>
    public static ByteString FromFloats(ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            return ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        }

        byte[] bytes = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        }

        return ByteString.CopyFrom(bytes);
    }

    /// <summary>Decodes little-endian floats; <paramref name="bytes"/> holds exactly <c>destination.Length * 4</c> bytes.</summary>
    public static void ToFloats(ReadOnlySpan<byte> bytes, Span<float> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, float>(bytes).CopyTo(destination);
            return;
        }

        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * sizeof(float))..]);
        }
    }
}
