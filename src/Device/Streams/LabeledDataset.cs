namespace EdgeIL.Device.Streams;

/// <summary>
/// An immutable dataset: <see cref="Count"/> samples of <see cref="FeatureCount"/> features each, with an
/// optional class label or regression targets per sample. The labels are in memory (an int each); the
/// features are <see cref="FeatureRows"/>, in memory for small data and read from a file on demand for
/// files, so that a large recording or CSV log is never held whole.
/// </summary>
/// <remarks>
/// Features are kept as stored (MNIST pixels stay 0..255): scaling belongs to the model's input stage,
/// so that the same dataset serves models with different input scalings.
/// </remarks>
public sealed class LabeledDataset
{
    private readonly FeatureRows _features;
    private readonly int[]? _labels;
    private readonly FeatureRows? _targets;

    /// <summary>
    /// Initializes a new dataset over the given arrays, which it takes over without copying: the
    /// caller must not change them afterwards.
    /// </summary>
    /// <param name="name">A name for reports, for example "mnist/train".</param>
    /// <param name="featureCount">The number of features per sample, at least 1.</param>
    /// <param name="features">
    /// The features, row-major: sample <c>i</c> is <c>features[i * featureCount .. (i + 1) * featureCount]</c>.
    /// Its length must be a multiple of <paramref name="featureCount"/>.
    /// </param>
    /// <param name="labels">One label per sample, each in 0..<paramref name="classCount"/> - 1; or null when unlabelled.</param>
    /// <param name="classCount">The number of classes; must be 0 when <paramref name="labels"/> is null.</param>
    /// <exception cref="ArgumentException">The lengths do not match, or a label is out of range.</exception>
    public LabeledDataset(string name, int featureCount, float[] features, int[]? labels, int classCount)
        : this(name, FeatureRows.InMemory(features, featureCount), labels, classCount)
    {
    }

    /// <summary>Initializes a new dataset over rows kept elsewhere (in a file, or in memory), and labels it takes over without copying.</summary>
    /// <param name="name">A name for reports.</param>
    /// <param name="features">The samples' features, one row each.</param>
    /// <param name="labels">One label per row, each in 0..<paramref name="classCount"/> - 1; or null when unlabelled.</param>
    /// <param name="classCount">The number of classes; must be 0 when <paramref name="labels"/> is null.</param>
    /// <exception cref="ArgumentException">The lengths do not match, or a label is out of range.</exception>
    public LabeledDataset(string name, FeatureRows features, int[]? labels, int classCount)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentOutOfRangeException.ThrowIfNegative(classCount);
        int count = features.Count;
        if (labels is null)
        {
            if (classCount != 0)
            {
                throw new ArgumentException($"An unlabelled dataset has class count 0, not {classCount}.", nameof(classCount));
            }
        }
        else
        {
            if (labels.Length != count)
            {
                throw new ArgumentException($"There are {labels.Length} labels for {count} samples.", nameof(labels));
            }

            for (int i = 0; i < labels.Length; i++)
            {
                if ((uint)labels[i] >= (uint)classCount)
                {
                    throw new ArgumentException(
                        $"Label {labels[i]} of sample {i} is outside 0..{classCount - 1}.", nameof(labels));
                }
            }
        }

        Name = name;
        FeatureCount = features.Width;
        Count = count;
        ClassCount = classCount;
        _features = features;
        _labels = labels;
    }

    /// <summary>Initializes an unlabelled dataset whose samples each carry real-valued regression targets, stored apart from the features.</summary>
    /// <param name="name">A name for reports.</param>
    /// <param name="featureCount">The features per sample, range &gt;= 1.</param>
    /// <param name="features">The samples' features, row after row.</param>
    /// <param name="targetCount">The targets per sample, range &gt;= 1.</param>
    /// <param name="targets">The samples' targets, row after row, in the same order.</param>
    /// <exception cref="ArgumentException">The arrays do not hold the same number of whole samples.</exception>
    public LabeledDataset(string name, int featureCount, float[] features, int targetCount, float[] targets)
        : this(name, FeatureRows.InMemory(features, featureCount), FeatureRows.InMemory(targets ?? throw new ArgumentNullException(nameof(targets)), targetCount))
    {
    }

    /// <summary>Initializes an unlabelled dataset of samples with regression targets, both kept as rows elsewhere.</summary>
    /// <param name="name">A name for reports.</param>
    /// <param name="features">The samples' features, one row each.</param>
    /// <param name="targets">The samples' targets, one row each, in the same order.</param>
    /// <exception cref="ArgumentException">The two hold different numbers of rows.</exception>
    public LabeledDataset(string name, FeatureRows features, FeatureRows targets)
        : this(name, features, labels: null, classCount: 0)
    {
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Count != Count)
        {
            throw new ArgumentException($"There are {targets.Count} target rows for {Count} samples.", nameof(targets));
        }

        TargetCount = targets.Width;
        _targets = targets;
    }

    /// <summary>Gets the name given for reports.</summary>
    public string Name { get; }

    /// <summary>Gets the number of samples.</summary>
    public int Count { get; }

    /// <summary>Gets the number of features per sample.</summary>
    public int FeatureCount { get; }

    /// <summary>Gets the number of classes; 0 when the dataset is unlabelled.</summary>
    public int ClassCount { get; }

    /// <summary>Gets a value indicating whether every sample has a label.</summary>
    public bool HasLabels => _labels is not null;

    /// <summary>Gets all labels; empty when the dataset is unlabelled.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>Gets the regression targets per sample; 0 when the samples carry none.</summary>
    public int TargetCount { get; }

    /// <summary>Copies the features of one sample, as stored, into <paramref name="destination"/>.</summary>
    /// <param name="index">The sample, 0..<see cref="Count"/> - 1.</param>
    /// <param name="destination">Receives the <see cref="FeatureCount"/> features in its first elements.</param>
    public void CopyFeatures(int index, Span<float> destination) => _features.Read(index, destination);

    /// <summary>Copies the features of one sample into a new array: for tools and tests, not for a loop that runs per sample.</summary>
    /// <param name="index">The sample, 0..<see cref="Count"/> - 1.</param>
    /// <returns>Its <see cref="FeatureCount"/> features.</returns>
    public float[] CopyFeatures(int index)
    {
        float[] features = new float[FeatureCount];
        _features.Read(index, features);
        return features;
    }

    /// <summary>Copies the regression targets of one sample into <paramref name="destination"/>; nothing when the samples carry none.</summary>
    /// <param name="index">The sample, 0..<see cref="Count"/> - 1.</param>
    /// <param name="destination">Receives the <see cref="TargetCount"/> targets in its first elements.</param>
    public void CopyTargets(int index, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        _targets?.Read(index, destination);
    }

    /// <summary>
    /// Copies every sample's features into one new array, row after row: for a test set or a small
    /// dataset, since a dataset read from a file is otherwise never held whole.
    /// </summary>
    /// <returns><see cref="Count"/> × <see cref="FeatureCount"/> values.</returns>
    public float[] CopyAllFeatures()
    {
        float[] all = new float[(long)Count * FeatureCount];
        for (int i = 0; i < Count; i++)
        {
            _features.Read(i, all.AsSpan(i * FeatureCount, FeatureCount));
        }

        return all;
    }

    /// <summary>Gets the label of one sample.</summary>
    /// <param name="index">The sample, 0..<see cref="Count"/> - 1.</param>
    /// <returns>The label, 0..<see cref="ClassCount"/> - 1; or -1 when the dataset is unlabelled.</returns>
    public int GetLabel(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return _labels is null ? -1 : _labels[index];
    }

    /// <summary>The samples <paramref name="start"/>..<paramref name="start"/> + <paramref name="count"/> - 1 as a dataset of their own, sharing this one's storage.</summary>
    /// <param name="start">The first sample.</param>
    /// <param name="count">The number of samples.</param>
    /// <param name="name">The slice's name for reports.</param>
    /// <returns>The slice, with this dataset's class count.</returns>
    public LabeledDataset Slice(int start, int count, string name)
    {
        FeatureRows features = _features.Slice(start, count);
        return _targets is { } targets
            ? new LabeledDataset(name, features, targets.Slice(start, count))
            : new LabeledDataset(name, features, _labels?[start..(start + count)], ClassCount);
    }
}
