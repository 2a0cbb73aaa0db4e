using System.Buffers.Binary;
using EdgeIL.Device.Streams;

namespace EdgeIL.Device.Tests.Outputs;

public sealed class RecordingTests
{
    [Fact]
    public void Read_Float32Recording_GivesBackFramesTargetsAndMetadata()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("r.eilrec");
        using (var writer = new RecordingWriter(path, featureCount: 3, classCount: 4, RecordingElement.Float32, tickHz: 30, startUnixMilliseconds: 1234))
        {
            writer.Write(new RecordedTick(0, 2, 1, 0.75f), [1.5f, -2f, 1e-7f]);
            writer.Write(new RecordedTick(1, -1, 3, 0.5f), [0f, 0f, 3f]);
        }

        using RecordingReader reader = RecordingReader.Open(path);
        float[] features = new float[3];

        Assert.Equal(2, reader.RecordCount);
        Assert.Equal(4, reader.ClassCount);
        Assert.Equal(30f, reader.TickHz);
        Assert.Equal(1234, reader.StartUnixMilliseconds);
        Assert.True(reader.TryReadRecord(features, out RecordedTick first));
        Assert.Equal(new RecordedTick(0, 2, 1, 0.75f), first);
        Assert.Equal([1.5f, -2f, 1e-7f], features);
        Assert.True(reader.TryRead(features, out int label));
        Assert.Equal(-1, label);
        Assert.False(reader.TryRead(features, out _));
    }

    [Fact]
    public void Write_UInt8_RoundsAndClampsPixels()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("r.eilrec");
        using (var writer = new RecordingWriter(path, 4, 0, RecordingElement.UInt8, 30, 0))
        {
            writer.Write(new RecordedTick(0, -1, -1, 0), [12.4f, 12.6f, -5f, 300f]);
        }

        using RecordingReader reader = RecordingReader.Open(path);
        float[] features = new float[4];
        reader.TryRead(features, out _);

        Assert.Equal([12f, 13f, 0f, 255f], features);
        Assert.Equal(Recording.HeaderBytes + Recording.RecordPrefixBytes + 4 + Recording.ChecksumBytes, new FileInfo(path).Length);
    }

    [Fact]
    public void Open_PartialLastRecord_ReadsWholeRecordsAndReportsTheRest()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("r.eilrec");
        using (var writer = new RecordingWriter(path, 2, 0, RecordingElement.Float32, 30, 0))
        {
            writer.Write(new RecordedTick(0, -1, -1, 0), [1f, 2f]);
            writer.Write(new RecordedTick(1, -1, -1, 0), [3f, 4f]);
        }

        using (var file = new FileStream(path, FileMode.Open))
        {
            file.SetLength(file.Length - 5);
        }

        using RecordingReader reader = RecordingReader.Open(path);

        Assert.Equal(1, reader.RecordCount);
        Assert.Equal(Recording.RecordBytes(2, RecordingElement.Float32) - 5, reader.TruncatedBytes);
    }

    [Fact]
    public void Open_NotARecording_ThrowsNamingTheFile()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("x.eilrec");
        File.WriteAllBytes(path, new byte[40]);

        var exception = Assert.Throws<DataFormatException>(() => RecordingReader.Open(path));

        Assert.Contains("x.eilrec", exception.Message, StringComparison.Ordinal);
        Assert.Contains("magic", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AnyByteOfARecordFlipped_IsRefusedNamingTheRecord()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("r.eilrec");
        using (var writer = new RecordingWriter(path, 3, 4, RecordingElement.Float32, 30, 0))
        {
            for (int i = 0; i < 3; i++)
            {
                writer.Write(new RecordedTick(i, i, 0, 0.5f), [i, 2f, 3f]);
            }
        }

        byte[] original = File.ReadAllBytes(path);
        int record = Recording.RecordBytes(3, RecordingElement.Float32);
        for (int offset = 0; offset < record; offset++)
        {
            byte[] bytes = (byte[])original.Clone();
            bytes[Recording.HeaderBytes + record + offset] ^= 0x04;
            File.WriteAllBytes(path, bytes);
            using RecordingReader reader = RecordingReader.Open(path);
            float[] features = new float[3];
            Assert.True(reader.TryRead(features, out _));

            var exception = Assert.Throws<DataFormatException>(() => reader.TryRead(features, out _));

            Assert.Contains("record 1's checksum does not match", exception.Message, StringComparison.Ordinal);
            Assert.Contains("r.eilrec", exception.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Open_HeaderByteFlipped_IsRefused()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("r.eilrec");
        using (var writer = new RecordingWriter(path, 3, 4, RecordingElement.Float32, 30, 0))
        {
            writer.Write(default, [1f, 2f, 3f]);
        }

        byte[] bytes = File.ReadAllBytes(path);
        bytes[13] ^= 0x01;
        File.WriteAllBytes(path, bytes);

        var exception = Assert.Throws<DataFormatException>(() => RecordingReader.Open(path));

        Assert.Contains("header's checksum does not match", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_Version1Recording_StillReads()
    {
        // Written byte by byte as the version 1 writer did: a 32-byte header, records without a checksum.
        using var directory = new TemporaryDirectory();
        string path = directory.File("old.eilrec");
        var bytes = new List<byte>();
        byte[] header = new byte[32];
        "EILREC\r\n"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), 1);
        header[10] = 4;
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), 2);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), 3);
        BinaryPrimitives.WriteSingleLittleEndian(header.AsSpan(20), 25f);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(24), 99);
        bytes.AddRange(header);
        for (int i = 0; i < 2; i++)
        {
            byte[] record = new byte[16 + 8];
            BinaryPrimitives.WriteInt64LittleEndian(record, 10 + i);
            BinaryPrimitives.WriteInt16LittleEndian(record.AsSpan(8), (short)(i + 1));
            BinaryPrimitives.WriteInt16LittleEndian(record.AsSpan(10), -1);
            BinaryPrimitives.WriteSingleLittleEndian(record.AsSpan(12), 0.25f);
            BinaryPrimitives.WriteSingleLittleEndian(record.AsSpan(16), i);
            BinaryPrimitives.WriteSingleLittleEndian(record.AsSpan(20), -i);
            bytes.AddRange(record);
        }

        File.WriteAllBytes(path, [.. bytes]);

        using RecordingReader reader = RecordingReader.Open(path);
        float[] features = new float[2];

        Assert.Equal(1, reader.FormatVersion);
        Assert.Equal(2, reader.RecordCount);
        Assert.Equal(0, reader.TruncatedBytes);
        Assert.Equal(25f, reader.TickHz);
        Assert.True(reader.TryReadRecord(features, out RecordedTick first));
        Assert.Equal(new RecordedTick(10, 1, -1, 0.25f), first);
        Assert.True(reader.TryReadRecord(features, out RecordedTick second));
        Assert.Equal(new RecordedTick(11, 2, -1, 0.25f), second);
        Assert.Equal([1f, -1f], features);
        Assert.False(reader.TryRead(features, out _));
    }

    [Fact]
    public void Write_SizeLimitReached_StopsAndCountsDropped()
    {
        using var directory = new TemporaryDirectory();
        int record = Recording.RecordBytes(1, RecordingElement.Float32);
        using var writer = new RecordingWriter(directory.File("r.eilrec"), 1, 0, RecordingElement.Float32, 30, 0, maxBytes: Recording.HeaderBytes + (2 * record));

        Assert.True(writer.Write(default, [1f]));
        Assert.True(writer.Write(default, [1f]));
        Assert.False(writer.Write(default, [1f]));
        Assert.Equal(1, writer.DroppedCount);
    }
}
