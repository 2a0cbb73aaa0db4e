namespace EdgeIL.Device.Streams;

/// <summary>Loads MNIST-format IDX image and label files into a <see cref="LabeledDataset"/>.</summary>
/// <remarks>
/// Every file is checked whole before a dataset is returned, so a defect never yields a partly loaded
/// dataset. The images are not held in memory: a plain file is read in place, a gzip file is
/// decompressed into a scratch file (see <see cref="FileRows"/>). Features are the stored pixel values
/// (0..255) as floats, one per pixel.
/// </remarks>
public static class IdxDataset
{
    /// <summary>The most classes a label file can name, since a label is one unsigned byte.</summary>
    public const int MaxClassCount = 256;

    /// <summary>
    /// The classes an MNIST-format label file is expected to name when no count is given (MNIST and
    /// Fashion-MNIST have 10). IDX declares no class count, so without this one flipped label byte
    /// would silently make a model with up to 256 outputs.
    /// </summary>
    public const int MnistClassCount = 10;

    /// <summary>Loads a labelled dataset.</summary>
    /// <param name="imagesPath">The IDX image file, plain or gzip.</param>
    /// <param name="labelsPath">The IDX label file, plain or gzip, with one label per image.</param>
    /// <param name="name">A name for reports, for example "mnist/train".</param>
    /// <param name="classCount">
    /// The number of classes the labels must come from, 1..<see cref="MaxClassCount"/>; a label at or
    /// above it is refused. Null for <see cref="MnistClassCount"/>.
    /// </param>
    /// <returns>The dataset.</returns>
    /// <exception cref="DataFormatException">
    /// A file is malformed, the two files hold different numbers of records, or a label is not below
    /// <paramref name="classCount"/>.
    /// </exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    public static LabeledDataset Load(string imagesPath, string labelsPath, string name, int? classCount = null)
    {
        ArgumentNullException.ThrowIfNull(imagesPath);
        ArgumentNullException.ThrowIfNull(labelsPath);
        ArgumentNullException.ThrowIfNull(name);
        int limit = classCount ?? MnistClassCount;
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1, nameof(classCount));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxClassCount, nameof(classCount));

        // Both headers before any data: a label file and an image file that disagree on the count are
        // refused before a gzip file is decompressed, however much it claims to hold.
        using IdxFile labelFile = IdxFile.Open(labelsPath);
        Span<int> labelShape = stackalloc int[1];
        labelFile.ReadHeader(labelShape, IdxReader.LabelRecord);
        using IdxFile imageFile = IdxFile.Open(imagesPath);
        Span<int> imageShape = stackalloc int[3];
        imageFile.ReadHeader(imageShape, IdxReader.ImageRecord);
        if (imageShape[0] != labelShape[0])
        {
            throw new DataFormatException(
                labelsPath, $"holds {labelShape[0]} labels, but {imagesPath} holds {imageShape[0]} images", byteOffset: 4);
        }

        byte[] storedLabels = IdxReader.ReadData(labelFile, labelShape[0]);
        int[] labels = new int[storedLabels.Length];
        for (int i = 0; i < storedLabels.Length; i++)
        {
            int label = storedLabels[i];
            if (label >= limit)
            {
                string declared = classCount is null ? $"the {MnistClassCount} classes of an MNIST-format file (give the class count if this data has more)" : $"{limit} classes";
                throw new DataFormatException(
                    labelsPath, $"label {label} is outside 0..{limit - 1} for {declared}", byteOffset: 8 + i, recordIndex: i);
            }

            labels[i] = label;
        }

        FileRows features = IdxReader.ReadImagesAsRows(imageFile, imageShape[0], imageShape[1], imageShape[2]);
        return new LabeledDataset(name, features, labels, limit);
    }

    /// <summary>Loads an unlabelled dataset from an image file alone.</summary>
    /// <param name="imagesPath">The IDX image file, plain or gzip.</param>
    /// <param name="name">A name for reports.</param>
    /// <returns>The dataset, with <see cref="LabeledDataset.ClassCount"/> 0.</returns>
    /// <exception cref="DataFormatException">The file is malformed.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static LabeledDataset LoadUnlabeled(string imagesPath, string name)
    {
        ArgumentNullException.ThrowIfNull(imagesPath);
        ArgumentNullException.ThrowIfNull(name);
        using IdxFile imageFile = IdxFile.Open(imagesPath);
        Span<int> imageShape = stackalloc int[3];
        imageFile.ReadHeader(imageShape, IdxReader.ImageRecord);
        return new LabeledDataset(name, IdxReader.ReadImagesAsRows(imageFile, imageShape[0], imageShape[1], imageShape[2]), labels: null, classCount: 0);
    }

    /// <summary>
    /// Loads one split from a folder laid out like the MNIST distribution (as written by
    /// tools/fetch-datasets and committed in samples/mnist): <c>train-images-idx3-ubyte</c>,
    /// <c>train-labels-idx1-ubyte</c>, <c>t10k-images-idx3-ubyte</c>, <c>t10k-labels-idx1-ubyte</c>,
    /// each gzipped with a <c>.gz</c> suffix or plain without one.
    /// </summary>
    /// <param name="folder">The folder.</param>
    /// <param name="split">Which split to load.</param>
    /// <param name="name">A name for reports; null for "<c>folder name</c>/train" or "<c>folder name</c>/test".</param>
    /// <param name="classCount">As for <see cref="Load"/>.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="FileNotFoundException">A file is in the folder neither gzipped nor plain.</exception>
    /// <exception cref="DataFormatException">A file is malformed, or the files disagree.</exception>
    public static LabeledDataset LoadMnistFolder(string folder, MnistSplit split, string? name = null, int? classCount = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string prefix = split switch
        {
            MnistSplit.Train => "train",
            MnistSplit.Test => "t10k",
            _ => throw new ArgumentOutOfRangeException(nameof(split), split, "Unknown split."),
        };
        string imagesPath = FindFile(folder, $"{prefix}-images-idx3-ubyte");
        string labelsPath = FindFile(folder, $"{prefix}-labels-idx1-ubyte");
        string folderName = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)));
        string defaultName = $"{folderName}/{(split == MnistSplit.Train ? "train" : "test")}";
        return Load(imagesPath, labelsPath, name ?? defaultName, classCount);
    }

    private static string FindFile(string folder, string fileName)
    {
        string gzipped = Path.Combine(folder, fileName + ".gz");
        if (File.Exists(gzipped))
        {
            return gzipped;
        }

        string plain = Path.Combine(folder, fileName);
        return File.Exists(plain)
            ? plain
            : throw new FileNotFoundException($"Neither {gzipped} nor {plain} exists.", gzipped);
    }
}
