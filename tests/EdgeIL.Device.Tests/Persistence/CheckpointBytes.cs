using System.Buffers.Binary;
using EdgeIL.Learner;
using EdgeIL.Learner.Checkpoints;
using EdgeIL.Learner.Tests.Checkpoints;

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
        BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(CheckpointSections.PayloadOffset(copy, "HYPR") + 8), iterations);
        return CheckpointSections.WithChecksum(copy);
    }
}
