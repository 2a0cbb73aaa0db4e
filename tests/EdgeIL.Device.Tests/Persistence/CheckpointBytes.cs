using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using EdgeIL.Learner;
using EdgeIL.Learner.Checkpoints;

namespace EdgeIL.Device.Tests.Persistence;

/// <summary>Checkpoints edited behind a valid CRC-32, the way a bug or a hand-made file could produce them (layout: src/Learner/Checkpoints/FORMAT.md).</summary>
internal static class CheckpointBytes
{
    public static byte[] Of(OnlineLearner learner)
    {
        var stream = new MemoryStream();
        Checkpoint.Save(learner, stream);
        return stream.ToArray();
    }

    /// <summary>The checkpoint with its inference budget T (HYPR offset 8) replaced, checksum fixed.</summary>
    public static byte[] WithIterations(byte[] checkpoint, int iterations)
    {
        byte[] copy = (byte[])checkpoint.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(PayloadOffset(copy, "HYPR") + 8), iterations);
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(copy.Length - 4), Crc32.HashToUInt32(copy.AsSpan(0, copy.Length - 4)));
        return copy;
    }

    private static int PayloadOffset(byte[] checkpoint, string tag)
    {
        int position = 20;
        while (position < checkpoint.Length - 4)
        {
            int length = BinaryPrimitives.ReadInt32LittleEndian(checkpoint.AsSpan(position + 4));
            if (Encoding.ASCII.GetString(checkpoint, position, 4) == tag)
            {
                return position + 8;
            }

            position += 8 + length;
        }

        throw new InvalidOperationException($"No section {tag}.");
    }
}
