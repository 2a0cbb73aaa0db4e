using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace EdgeIL.Learner.Tests.Checkpoints;

/// <summary>
/// Checkpoint bytes edited behind a valid CRC-32, the way a bug, an older writer or a hand-made file
/// could produce them (layout: src/Learner/Checkpoints/FORMAT.md). Shared with the device tests.
/// </summary>
internal static class CheckpointSections
{
    /// <summary>Rewrites the CRC-32 trailer, so that a deliberate edit reaches the checks behind the checksum.</summary>
    public static byte[] WithChecksum(byte[] checkpoint)
    {
        byte[] copy = (byte[])checkpoint.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(copy.Length - 4), Crc32.HashToUInt32(copy.AsSpan(0, copy.Length - 4)));
        return copy;
    }

    /// <summary>The offset of the payload of the section tagged <paramref name="tag"/>.</summary>
    public static int PayloadOffset(byte[] checkpoint, string tag)
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

    /// <summary>Appends a section before the checksum, fixing the declared length and the checksum.</summary>
    public static byte[] WithExtraSection(byte[] checkpoint, string tag, ReadOnlySpan<byte> payload)
    {
        byte[] result = new byte[checkpoint.Length + 8 + payload.Length];
        checkpoint.AsSpan(0, checkpoint.Length - 4).CopyTo(result);
        Span<byte> section = result.AsSpan(checkpoint.Length - 4);
        Encoding.ASCII.GetBytes(tag, section);
        BinaryPrimitives.WriteInt32LittleEndian(section[4..], payload.Length);
        payload.CopyTo(section[8..]);
        BinaryPrimitives.WriteUInt64LittleEndian(result.AsSpan(12), (ulong)result.Length);
        return WithChecksum(result);
    }

    /// <summary>
    /// Shortens the payload of the section tagged <paramref name="tag"/> to its first
    /// <paramref name="length"/> bytes, as a writer from before its last fields existed wrote it;
    /// fixes the declared lengths and the checksum.
    /// </summary>
    public static byte[] WithSectionShortenedTo(byte[] checkpoint, string tag, int length)
    {
        int payload = PayloadOffset(checkpoint, tag);
        int oldLength = BinaryPrimitives.ReadInt32LittleEndian(checkpoint.AsSpan(payload - 4));
        byte[] result = [.. checkpoint[..(payload + length)], .. checkpoint[(payload + oldLength)..]];
        BinaryPrimitives.WriteInt32LittleEndian(result.AsSpan(payload - 4), length);
        BinaryPrimitives.WriteUInt64LittleEndian(result.AsSpan(12), (ulong)result.Length);
        return WithChecksum(result);
    }
}
