using System.Buffers.Binary;
using System.IO.Hashing;

namespace EdgeIL.Device.Streams;

/// <summary>How a recording stores feature values.</summary>
public enum RecordingElement : byte
{
    /// <summary>One byte per value, rounded and clamped to 0..255: exact for camera pixels, a quarter of the size of float32.</summary>
    UInt8 = 1,

    /// <summary>Four bytes per value, IEEE 754 single precision, little-endian: exact for any sensor.</summary>
    Float32 = 4,
}

/// <summary>One recorded tick's metadata, besides its features.</summary>
/// <param name="Tick">The tick number in the recording run.</param>
/// <param name="Target">The target the tick had, -1 for none.</param>
/// <param name="Predicted">The class predicted before learning, -1 in self-supervised mode.</param>
/// <param name="Score">The anomaly score (self-supervised) or the predicted class's probability.</param>
public readonly record struct RecordedTick(long Tick, int Target, int Predicted, float Score);

/// <summary>
/// The device recording format (<c>.eilrec</c>): a stream of frames with their targets and predictions,
/// compact and fixed-size per record so the host can count, seek and replay it.
/// </summary>
/// <remarks>
/// <para>All numbers little-endian. A 36-byte header:</para>
/// <code>
/// offset size field
///  0      8   magic "EILREC\r\n" (the CR LF catches a text-mode transfer)
///  8      2   format version, 2
/// 10      1   element type: 1 = uint8, 4 = float32
/// 11      1   reserved, 0
/// 12      4   features per frame, 1..16777216
/// 16      4   classes the targets come from, 0 when unlabelled
/// 20      4   the run's tick rate in hertz, float32 (informational)
/// 24      8   the recording's start, Unix milliseconds (informational)
/// 32      4   CRC-32 of bytes 0..31
/// </code>
/// <para>Then records of <c>16 + features × element size + 4</c> bytes each:</para>
/// <code>
///  0      8   tick number, int64
///  8      2   target class, int16, -1 for none
/// 10      2   predicted class, int16, -1 for none
/// 12      4   score, float32
/// 16      …   the features
///  …      4   CRC-32 of the record's bytes before it
/// </code>
/// <para>
/// The CRC-32 is the common one (<see cref="System.IO.Hashing.Crc32"/>, as in checkpoints): it
/// catches any damaged byte within a record, so a flipped bit on a card is reported naming the
/// record rather than replayed as a wrong reading. Version 1 files (a 32-byte header, records
/// without the checksum) are still read, without the check.
/// </para>
/// <para>
/// A recording cut short by a power loss ends in a partial record; readers stop before it and report
/// its bytes in <see cref="RecordingReader.TruncatedBytes"/> rather than refusing the whole file.
/// </para>
/// </remarks>
public static class Recording
{
    /// <summary>The format version this library writes and reads.</summary>
    public const ushort Version = 2;

    /// <summary>The size of the header in bytes.</summary>
    public const int HeaderBytes = 36;

    /// <summary>The size of a version 1 header, which has no checksum.</summary>
    public const int Version1HeaderBytes = 32;

    /// <summary>The CRC-32 at the end of the header and of every record (version 2).</summary>
    public const int ChecksumBytes = 4;

    /// <summary>The size of a record's fixed part, before its features.</summary>
    public const int RecordPrefixBytes = 16;

    /// <summary>The most features a frame may have.</summary>
    public const int MaxFeatureCount = 1 << 24;

    /// <summary>The usual file extension.</summary>
    public const string Extension = ".eilrec";

    /// <summary>Gets the magic bytes every recording starts with.</summary>
    public static ReadOnlySpan<byte> Magic => "EILREC\r\n"u8;

    /// <summary>Gets the size of one record for the given frame shape.</summary>
    /// <param name="featureCount">Features per frame.</param>
    /// <param name="element">How they are stored.</param>
    /// <returns>The record size in bytes.</returns>
    public static int RecordBytes(int featureCount, RecordingElement element) => RecordPrefixBytes + featureCount * (int)element + ChecksumBytes;

    /// <summary>The size of one version 1 record, which has no checksum.</summary>
    /// <param name="featureCount">Features per frame.</param>
    /// <param name="element">How they are stored.</param>
    /// <returns>The size in bytes.</returns>
    public static int Version1RecordBytes(int featureCount, RecordingElement element) => RecordPrefixBytes + featureCount * (int)element;

    /// <summary>Writes the CRC-32 of everything before the last four bytes into them.</summary>
    internal static void SealChecksum(Span<byte> block) =>
        BinaryPrimitives.WriteUInt32LittleEndian(block[^ChecksumBytes..], Crc32.HashToUInt32(block[..^ChecksumBytes]));

    /// <summary>True when the last four bytes hold the CRC-32 of everything before them.</summary>
    internal static bool ChecksumMatches(ReadOnlySpan<byte> block) =>
        BinaryPrimitives.ReadUInt32LittleEndian(block[^ChecksumBytes..]) == Crc32.HashToUInt32(block[..^ChecksumBytes]);

    internal static void WriteHeader(Span<byte> header, RecordingElement element, int featureCount, int classCount, float tickHz, long startUnixMilliseconds)
    {
        header.Clear();
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], Version);
        header[10] = (byte)element;
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], featureCount);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], classCount);
        BinaryPrimitives.WriteSingleLittleEndian(header[20..], tickHz);
        BinaryPrimitives.WriteInt64LittleEndian(header[24..], startUnixMilliseconds);
        SealChecksum(header[..HeaderBytes]);
    }
}
