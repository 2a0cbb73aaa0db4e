using System.Buffers.Binary;
using System.Security.Cryptography;

namespace EdgeIL.Learner.Onnx;

/// <summary>
/// The SHA-256 an export records under <see cref="OnnxMetadata.WeightsSha256"/>: over the
/// little-endian float32 bytes of the input stage's offsets and scales, then each layer's weights
/// (<c>d_{n+1} x d_n</c> row-major) and biases, in EdgeIL's own order. It is computed from the model,
/// not from the graph's bytes, so an import of the same file gives back the same model and the same
/// digest, and any flipped bit in a weight gives another.
/// </summary>
internal static class WeightsDigest
{
    public static string Compute(Mlp model)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> buffer = stackalloc byte[4096];
        Append(hash, model.Input.Offset, buffer);
        Append(hash, model.Input.Scale, buffer);
        for (int n = 0; n < model.LayerCount; n++)
        {
            Append(hash, model.GetWeights(n), buffer);
            Append(hash, model.GetBiases(n), buffer);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Append(IncrementalHash hash, ReadOnlySpan<float> values, Span<byte> buffer)
    {
        int perChunk = buffer.Length / sizeof(float);
        for (int start = 0; start < values.Length; start += perChunk)
        {
            ReadOnlySpan<float> chunk = values.Slice(start, Math.Min(perChunk, values.Length - start));
            for (int i = 0; i < chunk.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(buffer[(i * sizeof(float))..], chunk[i]);
            }

            hash.AppendData(buffer[..(chunk.Length * sizeof(float))]);
        }
    }
}
