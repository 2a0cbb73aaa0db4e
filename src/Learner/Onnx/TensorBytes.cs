using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace EdgeIL.Learner.Onnx;

/// <summary>Float tensors to and from ONNX <c>raw_data</c>, which the IR fixes as little-endian IEEE 754.</summary>
internal static class TensorBytes
{
    /// <summary>Writes the little-endian bytes of <paramref name="values"/> to the first <c>values.Length * 4</c> bytes of <paramref name="destination"/>.</summary>
    public static void FromFloats(ReadOnlySpan<float> values, Span<byte> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(destination);
            return;
        }

        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(destination[(i * sizeof(float))..], values[i]);
        }
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
