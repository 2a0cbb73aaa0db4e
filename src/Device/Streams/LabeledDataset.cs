namespace EdgeIL.Device.Streams;

/// <summary>
/// An immutable in-memory dataset: <see cref="Count"/> samples of <see cref="FeatureCount"/> features
/// each, with an optional class label per sample.
/// </summary>
/// <remarks>
/// Features are kept as stored (MNIST pixels stay 0..255): scaling belongs to the model's input stage,
/// so that the same dataset serves models with different input scalings.
/// </remarks>
public sealed class LabeledDataset
{
    private readonly float[] _features;
    private readonly int[]? _labels;
    private readonly float[] _targets = [];

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
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentOutOfRangeException.ThrowIfLessThan(featureCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(classCount);
        if (features.Length % featureCount != 0)
        {
            throw new ArgumentException(
                $"The feature array holds {features.Length} values, which is not a multiple of the feature count {featureCount}.",
                nameof(features));
        }

        int count = features.Length / featureCount;
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
        FeatureCount = featureCount;
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
        : this(name, featureCount, features, labels: null, classCount: 0)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetCount, 1);
        if (targets.Length != (long)Count * targetCount)
        {
            throw new ArgumentException($"The target array holds {targets.Length} values; {Count} samples of {targetCount} targets need {(long)Count * targetCount}.", nameof(targets));
        }

        TargetCount = targetCount;
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

    /// <summary>Gets all features, row-major, <see cref="Count"/> × <see cref="FeatureCount"/> values.</summary>
    public ReadOnlySpan<float> Features => _features;

    /// <summary>Gets all labels; empty when the dataset is unlabelled.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>Gets the regression targets per sample; 0 when the samples carry none.</summary>
    public int TargetCount { get; }

    /// <summary>Gets every sample's targets, row after row; empty when the samples carry none.</summary>
    public ReadOnlySpan<float> Targets => _targets;

    /// <summary>Gets the features of one sample.</summary>
    /// <param name="index">The sample, 0..<see cref="Count"/> - 1.</param>
    /// <returns>The sample's <see cref="FeatureCount"/> features, as stored.</returns>
    public ReadOnlySpan<float> GetFeatures(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return _features.AsSpan(index * FeatureCount, FeatureCount);
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

    /// <summary>Gets the regression targets of sample <paramref name="index"/>; empty when the samples carry none.</summary>
    /// <param name="index">The sample, 0..<see cref="Count"/> - 1.</param>
    /// <returns>Its <see cref="TargetCount"/> targets.</returns>
    public ReadOnlySpan<float> GetTargets(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return _targets.AsSpan(index * TargetCount, TargetCount);
    }
}
