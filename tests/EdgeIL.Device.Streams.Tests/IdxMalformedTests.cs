using EdgeIL.Device.Tests;

namespace EdgeIL.Device.Streams.Tests;

public sealed class IdxMalformedTests : IDisposable
{
    private readonly TemporaryDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<bool> PlainAndGzip => [false, true];

    [Theory]
    [MemberData(nameof(PlainAndGzip))]
    public void ReadImages_LabelMagicNumber_RefusedAtOffsetZero(bool gzip)
    {
        string path = IdxBytes.Write(_folder.File("images"), IdxBytes.Labels(1, 2, 3), gzip);

        DataFormatException exception = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));

        AssertNames(exception, path);
        Assert.Equal(0, exception.ByteOffset);
        Assert.Contains("0x00000803", exception.Message, StringComparison.Ordinal);
        Assert.Contains("0x00000801", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(PlainAndGzip))]
    public void ReadLabels_ImageMagicNumber_RefusedAtOffsetZero(bool gzip)
    {
        string path = IdxBytes.Write(_folder.File("labels"), IdxBytes.Images(1, 2, 2, 4), gzip);

        DataFormatException exception = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(path));

        AssertNames(exception, path);
        Assert.Equal(0, exception.ByteOffset);
    }

    [Theory]
    [MemberData(nameof(PlainAndGzip))]
    public void ReadImages_FloatTypeCode_RefusedAsUnsupported(bool gzip)
    {
        byte[] data = [.. IdxBytes.Header(0x00000D03, 1, 1, 1), 0, 0, 0, 0];
        string path = IdxBytes.Write(_folder.File("images"), data, gzip);

        DataFormatException exception = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));

        AssertNames(exception, path);
        Assert.Contains("type code 0x0D", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(PlainAndGzip))]
    public void ReadImages_WrongDimensionCount_Refused(bool gzip)
    {
        byte[] data = [.. IdxBytes.Header(0x00000802, 2, 4), .. IdxBytes.Pattern(8)];
        string path = IdxBytes.Write(_folder.File("images"), data, gzip);

        DataFormatException exception = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));

        AssertNames(exception, path);
        Assert.Contains("2 dimensions", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(false, 2)]
    [InlineData(true, 0)]
    [InlineData(true, 3)]
    public void ReadImages_FileEndsInsideMagicNumber_Refused(bool gzip, int length)
    {
        string path = IdxBytes.Write(_folder.File("images"), IdxBytes.Images(1, 1, 1, 1)[..length], gzip);

        DataFormatException exception = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));

        AssertNames(exception, path);
        Assert.Equal(length, exception.ByteOffset);
    }

    [Theory]
    [MemberData(nameof(PlainAndGzip))]
    public void ReadImages_TruncatedHeader_RefusedAtEndOfFile(bool gzip)
    {
        string path = IdxBytes.Write(_folder.File("images"), IdxBytes.Images(3, 2, 2, 12)[..10], gzip);

        DataFormatException exception = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));

        AssertNames(exception, path);
        Assert.Contains("header", exception.Message, StringComparison.Ordinal);
        Assert.Equal(10, exception.ByteOffset);
    }

    [Theory]
    [MemberData(nameof(PlainAndGzip))]
    public void ReadImages_TruncatedData_RefusedNamingTheIncompleteImage(bool gzip)
    {
        // Three 2x2 images need 12 pixel bytes; 10 leave image 2 incomplete.
        string path = IdxBytes.Write(_folder.File("images"), IdxBytes.Images(3, 2, 2, 10), gzip);

        DataFormatException exception = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));

        AssertNames(exception, path);
        Assert.Equal(2, exception.RecordIndex);
        Assert.Equal(26, exception.ByteOffset);
    }

    [Theory]
    [MemberData(nameof(PlainAndGzip))]
    public void Load_TruncatedImageData_Refused(bool gzip)
    {
        string images = IdxBytes.Write(_folder.File("images"), IdxBytes.Images(3, 2, 2, 5), gzip);
        string labels = IdxBytes.Write(_folder.File("labels"), IdxBytes.Labels(0, 1, 2), gzip);

        DataFormatException exception = Assert.Throws<DataFormatException>(() => IdxDataset.Load(images, labels, "broken"));

        AssertNames(exception, images);
        Assert.Equal(1, exception.RecordIndex);
    }

    [Theory]
    [MemberData(nameof(PlainAndGzip))]
    public void ReadLabels_TruncatedData_RefusedNamingTheMissingLabel(bool gzip)
    {
        byte[] data = [.. IdxBytes.Header(0x00000801, 5), 1, 2, 3];
        string path = IdxBytes.Write(_folder.File("labels"), data, gzip);

        DataFormatException exception = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(path));

        AssertNames(exception, path);
        Assert.Equal(3, exception.RecordIndex);
    }

    [Theory]
    [MemberData(nameof(PlainAndGzip))]
    public void ReadImages_BytesAfterDeclaredData_Refused(bool gzip)
    {
        string path = IdxBytes.Write(_folder.File("images"), IdxBytes.Images(2, 2, 2, 9), gzip);

        DataFormatException exception = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));

        AssertNames(exception, path);
        Assert.Equal(24, exception.ByteOffset);
    }

    [Theory]
    [MemberData(nameof(PlainAndGzip))]
    public void ReadImages_ZeroRows_Refused(bool gzip)
    {
        string path = IdxBytes.Write(_folder.File("images"), IdxBytes.Images(2, 0, 2, 0), gzip);

        DataFormatException exception = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));

        AssertNames(exception, path);
        Assert.Equal(8, exception.ByteOffset);
    }

    [Theory]
    [MemberData(nameof(PlainAndGzip))]
    public void ReadImages_HugeDeclaredCount_RefusedBeforeAllocating(bool gzip)
    {
        // 2,000,000,000 one-byte images in a file of a few bytes: refused from the header alone.
        string path = IdxBytes.Write(_folder.File("images"), IdxBytes.Images(2_000_000_000, 1, 1, 4), gzip);
        long before = GC.GetAllocatedBytesForCurrentThread();

        DataFormatException exception = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 10_000_000, "the reader allocated for the declared size");
        AssertNames(exception, path);
        Assert.Contains("truncated", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadImages_GzipCutInHalf_Refused()
    {
        byte[] gzip = IdxBytes.Gzip(IdxBytes.Images(50, 28, 28, 50 * 28 * 28));
        string path = _folder.File("images.gz");
        File.WriteAllBytes(path, gzip[..(gzip.Length / 2)]);

        DataFormatException exception = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));

        AssertNames(exception, path);
    }

    [Fact]
    public void ReadImages_GzipWithCorruptDeflateData_Refused()
    {
        byte[] gzip = IdxBytes.Gzip(IdxBytes.Images(50, 28, 28, 50 * 28 * 28));
        for (int i = 20; i < 60; i++)
        {
            gzip[i] = 0xFF;
        }

        string path = _folder.File("images.gz");
        File.WriteAllBytes(path, gzip);

        DataFormatException exception = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));

        AssertNames(exception, path);
    }

    [Theory]
    [MemberData(nameof(PlainAndGzip))]
    public void Load_MoreImagesThanLabels_RefusedNamingBothFiles(bool gzip)
    {
        string images = IdxBytes.Write(_folder.File("images"), IdxBytes.Images(3, 2, 2, 12), gzip);
        string labels = IdxBytes.Write(_folder.File("labels"), IdxBytes.Labels(0, 1), gzip);

        DataFormatException exception = Assert.Throws<DataFormatException>(() => IdxDataset.Load(images, labels, "broken"));

        AssertNames(exception, labels);
        Assert.Contains(images, exception.Message, StringComparison.Ordinal);
        Assert.Contains("2 labels", exception.Message, StringComparison.Ordinal);
        Assert.Contains("3 images", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_GzipOfZeroImagesDisagreeingWithItsLabels_RefusedBeforeDecompressing()
    {
        // 60,000 blank 28x28 images compress to about 46 KB; the probe that found this decompressed
        // all of them (1.26 GB as floats) before noticing there were 3 labels.
        byte[] header = IdxBytes.Header(0x00000803, 60_000, 28, 28);
        byte[] blank = new byte[header.Length + (60_000 * 784)];
        header.CopyTo(blank, 0);
        string images = _folder.File("images.gz");
        File.WriteAllBytes(images, IdxBytes.Gzip(blank));
        string labels = IdxBytes.Write(_folder.File("labels"), IdxBytes.Labels(0, 1, 2), gzip: true);

        long before = GC.GetAllocatedBytesForCurrentThread();
        DataFormatException exception = Assert.Throws<DataFormatException>(() => IdxDataset.Load(images, labels, "bomb"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        AssertNames(exception, labels);
        Assert.Contains("3 labels", exception.Message, StringComparison.Ordinal);
        Assert.Contains("60000 images", exception.Message, StringComparison.Ordinal);
        Assert.True(allocated < 4_000_000, $"Refusing the files allocated {allocated} bytes; the images were decompressed.");
    }

    [Theory]
    [MemberData(nameof(PlainAndGzip))]
    public void Load_ImagesAreNotHeldInMemory_ReadBackExactly(bool gzip)
    {
        // 2,000 images of 784 pixels are 6.3 MB as floats; loading them keeps well under that.
        byte[] pixels = IdxBytes.Images(2000, 28, 28, 2000 * 784);
        string images = IdxBytes.Write(_folder.File("images"), pixels, gzip);
        string labels = IdxBytes.Write(_folder.File("labels"), IdxBytes.Labels(new byte[2000]), gzip);

        long before = GC.GetAllocatedBytesForCurrentThread();
        LabeledDataset dataset = IdxDataset.Load(images, labels, "big");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 1_000_000, $"Loading allocated {allocated} bytes.");
        int headerLength = IdxBytes.Header(0x00000803, 2000, 28, 28).Length;
        foreach (int index in new[] { 0, 1, 1234, 1999 })
        {
            float[] expected = pixels.AsSpan(headerLength + (index * 784), 784).ToArray().Select(b => (float)b).ToArray();
            Assert.Equal(expected, dataset.CopyFeatures(index));
        }
    }

    [Theory]
    [MemberData(nameof(PlainAndGzip))]
    public void Load_LabelAtClassCount_RefusedNamingTheRecord(bool gzip)
    {
        string images = IdxBytes.Write(_folder.File("images"), IdxBytes.Images(4, 2, 2, 16), gzip);
        string labels = IdxBytes.Write(_folder.File("labels"), IdxBytes.Labels(0, 9, 10, 3), gzip);

        DataFormatException exception = Assert.Throws<DataFormatException>(() => IdxDataset.Load(images, labels, "broken", classCount: 10));

        AssertNames(exception, labels);
        Assert.Equal(2, exception.RecordIndex);
        Assert.Equal(10, exception.ByteOffset);
        Assert.Contains("label 10", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(PlainAndGzip))]
    public void Load_OneFlippedLabelByteWithoutClassCount_IsRefusedRatherThanMaking256Classes(bool gzip)
    {
        string images = IdxBytes.Write(_folder.File("images"), IdxBytes.Images(4, 2, 2, 16), gzip);
        string labels = IdxBytes.Write(_folder.File("labels"), IdxBytes.Labels(0, 9, 0xF7, 3), gzip);

        DataFormatException exception = Assert.Throws<DataFormatException>(() => IdxDataset.Load(images, labels, "broken"));

        AssertNames(exception, labels);
        Assert.Equal(2, exception.RecordIndex);
        Assert.Contains("label 247 is outside 0..9 for the 10 classes of an MNIST-format file", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(257)]
    public void Load_ClassCountOutOfRange_ThrowsArgumentOutOfRange(int classCount)
    {
        string images = IdxBytes.Write(_folder.File("images"), IdxBytes.Images(1, 1, 1, 1), gzip: false);
        string labels = IdxBytes.Write(_folder.File("labels"), IdxBytes.Labels(0), gzip: false);

        Assert.Throws<ArgumentOutOfRangeException>(() => IdxDataset.Load(images, labels, "tiny", classCount));
    }

    private static void AssertNames(DataFormatException exception, string path)
    {
        Assert.Equal(path, exception.FilePath);
        Assert.StartsWith(path + ":", exception.Message, StringComparison.Ordinal);
    }
}
