using EdgeIL.Device.Tests;

namespace EdgeIL.Device.Streams.Tests;

public sealed class IdxRoundTripTests : IDisposable
{
    private readonly TemporaryDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(IdxCompression.None)]
    [InlineData(IdxCompression.Gzip)]
    public void WriteImages_ThenReadImages_ReturnsSameImages(IdxCompression compression)
    {
        byte[] pixels = IdxBytes.Pattern(5 * 3 * 4);
        string path = _folder.File("images");

        IdxWriter.WriteImages(path, rows: 3, columns: 4, pixels, compression);
        IdxImages read = IdxReader.ReadImages(path);

        Assert.Equal(5, read.Count);
        Assert.Equal(3, read.Rows);
        Assert.Equal(4, read.Columns);
        Assert.Equal(pixels, read.Pixels.ToArray());
        Assert.Equal(pixels.AsSpan(2 * 12, 12).ToArray(), read.GetImage(2).ToArray());
    }

    [Theory]
    [InlineData(IdxCompression.None)]
    [InlineData(IdxCompression.Gzip)]
    public void WriteLabels_ThenReadLabels_ReturnsSameLabels(IdxCompression compression)
    {
        byte[] labels = [0, 9, 3, 255, 7];
        string path = _folder.File("labels");

        IdxWriter.WriteLabels(path, labels, compression);

        Assert.Equal(labels, IdxReader.ReadLabels(path));
    }

    [Theory]
    [InlineData(IdxCompression.None, new byte[] { 0x00, 0x00, 0x08, 0x03 })]
    [InlineData(IdxCompression.Gzip, new byte[] { 0x1f, 0x8b, 0x08 })]
    public void WriteImages_Compression_FileStartsWithItsMagicBytes(IdxCompression compression, byte[] expectedStart)
    {
        string path = _folder.File("images");

        IdxWriter.WriteImages(path, rows: 2, columns: 2, IdxBytes.Pattern(8), compression);

        Assert.Equal(expectedStart, File.ReadAllBytes(path)[..expectedStart.Length]);
    }

    [Fact]
    public void ReadImages_GzipUnderPlainNameAndPlainUnderGzipName_DetectsByContent()
    {
        byte[] pixels = IdxBytes.Pattern(2 * 2 * 2);
        string gzipNamedPlain = _folder.File("images.idx");
        string plainNamedGzip = _folder.File("images.gz");
        IdxWriter.WriteImages(gzipNamedPlain, 2, 2, pixels, IdxCompression.Gzip);
        IdxWriter.WriteImages(plainNamedGzip, 2, 2, pixels, IdxCompression.None);

        Assert.Equal(pixels, IdxReader.ReadImages(gzipNamedPlain).Pixels.ToArray());
        Assert.Equal(pixels, IdxReader.ReadImages(plainNamedGzip).Pixels.ToArray());
    }

    [Fact]
    public void WriteImages_ExistingFile_ReplacesItAndLeavesNoTemporaryFile()
    {
        string path = _folder.File("images.gz");
        IdxWriter.WriteImages(path, 2, 2, IdxBytes.Pattern(4 * 3));

        IdxWriter.WriteImages(path, 2, 2, IdxBytes.Pattern(4));

        Assert.Equal(1, IdxReader.ReadImages(path).Count);
        Assert.Equal([path], Directory.GetFiles(_folder.Path));
    }

    [Fact]
    public void WriteImages_MissingFolder_ThrowsAndWritesNothing()
    {
        string path = Path.Combine(_folder.Path, "missing", "images.gz");

        Assert.Throws<DirectoryNotFoundException>(() => IdxWriter.WriteImages(path, 2, 2, IdxBytes.Pattern(4)));
        Assert.Empty(Directory.GetFileSystemEntries(_folder.Path));
    }

    [Fact]
    public void WriteImages_PartialImage_ThrowsArgumentException()
    {
        string path = _folder.File("images.gz");

        Assert.Throws<ArgumentException>(() => IdxWriter.WriteImages(path, 2, 2, IdxBytes.Pattern(5)));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Load_WrittenFiles_FeaturesAreStoredPixelValuesUnscaled()
    {
        byte[] pixels = [0, 1, 128, 255, 7, 8, 9, 10];
        string images = _folder.File("images.gz");
        string labels = _folder.File("labels.gz");
        IdxWriter.WriteImages(images, 2, 2, pixels);
        IdxWriter.WriteLabels(labels, [4, 1]);

        LabeledDataset dataset = IdxDataset.Load(images, labels, "tiny");

        Assert.Equal("tiny", dataset.Name);
        Assert.Equal(2, dataset.Count);
        Assert.Equal(4, dataset.FeatureCount);
        Assert.Equal(IdxDataset.MnistClassCount, dataset.ClassCount);
        Assert.Equal([0f, 1f, 128f, 255f], dataset.CopyFeatures(0));
        Assert.Equal([7f, 8f, 9f, 10f], dataset.CopyFeatures(1));
        Assert.Equal(4, dataset.GetLabel(0));
        Assert.Equal(1, dataset.GetLabel(1));
    }

    [Fact]
    public void Load_ClassCountGiven_UsesItEvenAboveLargestLabel()
    {
        string images = _folder.File("images.gz");
        string labels = _folder.File("labels.gz");
        IdxWriter.WriteImages(images, 1, 1, [1, 2]);
        IdxWriter.WriteLabels(labels, [0, 3]);

        Assert.Equal(10, IdxDataset.Load(images, labels, "tiny", classCount: 10).ClassCount);
    }

    [Fact]
    public void LoadUnlabeled_ImageFile_HasNoClassesAndLabelMinusOne()
    {
        string images = _folder.File("images.gz");
        IdxWriter.WriteImages(images, 1, 2, [5, 6, 7, 8]);

        LabeledDataset dataset = IdxDataset.LoadUnlabeled(images, "unlabelled");

        Assert.Equal(2, dataset.Count);
        Assert.False(dataset.HasLabels);
        Assert.Equal(0, dataset.ClassCount);
        Assert.Equal(-1, dataset.GetLabel(1));
        Assert.Equal([7f, 8f], dataset.CopyFeatures(1));
    }

    [Fact]
    public void LoadMnistFolder_PlainFilesWithoutGzSuffix_LoadsBothSplits()
    {
        IdxWriter.WriteImages(_folder.File("train-images-idx3-ubyte"), 2, 2, IdxBytes.Pattern(12), IdxCompression.None);
        IdxWriter.WriteLabels(_folder.File("train-labels-idx1-ubyte"), [0, 1, 2], IdxCompression.None);
        IdxWriter.WriteImages(_folder.File("t10k-images-idx3-ubyte"), 2, 2, IdxBytes.Pattern(4), IdxCompression.None);
        IdxWriter.WriteLabels(_folder.File("t10k-labels-idx1-ubyte"), [2], IdxCompression.None);

        LabeledDataset train = IdxDataset.LoadMnistFolder(_folder.Path, MnistSplit.Train);
        LabeledDataset test = IdxDataset.LoadMnistFolder(_folder.Path, MnistSplit.Test);

        Assert.Equal(3, train.Count);
        Assert.Equal(1, test.Count);
        Assert.EndsWith("/train", train.Name, StringComparison.Ordinal);
        Assert.EndsWith("/test", test.Name, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadMnistFolder_MissingLabels_ThrowsFileNotFound()
    {
        IdxWriter.WriteImages(_folder.File("train-images-idx3-ubyte.gz"), 2, 2, IdxBytes.Pattern(4));

        var exception = Assert.Throws<FileNotFoundException>(() => IdxDataset.LoadMnistFolder(_folder.Path, MnistSplit.Train));
        Assert.Contains("train-labels-idx1-ubyte", exception.Message, StringComparison.Ordinal);
    }
}
