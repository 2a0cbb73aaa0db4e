namespace EdgeIL.Device.Streams;

/// <summary>
/// Replays a <see cref="LabeledDataset"/> as a stream: in an order shuffled afresh for every pass and
/// fixed by a seed, or in file order (a sensor log is a time series).
/// </summary>
/// <remarks>
/// <para>
/// Order: each pass is a Fisher-Yates shuffle (Durstenfeld's in-place form, from the last position
/// down) of the previous pass's order, the first pass shuffling 0..Count - 1. The random numbers come
/// from SplitMix64 seeded with the seed, and are bounded with Lemire's unbiased multiply-and-reject
/// method; no <see cref="Random"/> is involved, so a seed gives the same order on every platform and
/// .NET version.
/// </para>
/// <para>
/// Each pass visits every sample exactly once. Reading allocates nothing: the order is one array made
/// by the constructor and reshuffled in place.
/// </para>
/// </remarks>
public sealed class DatasetStream : ISampleStream
{
    private readonly LabeledDataset _dataset;
    private readonly int[] _order;
    private readonly long _maxSampleCount;
    private readonly bool _cycle;
    private readonly bool _shuffled;
    private SplitMix64 _random;
    private int _position;
    private bool _disposed;

    /// <summary>Initializes a new stream over <paramref name="dataset"/>, which it reads but does not own.</summary>
    /// <param name="dataset">The dataset to replay.</param>
    /// <param name="seed">The seed that fixes the order of every pass.</param>
    /// <param name="maxSampleCount">
    /// The number of samples after which the stream ends, counted across passes; null for no limit.
    /// Without <paramref name="cycle"/>, a limit below <see cref="LabeledDataset.Count"/> reads a seeded
    /// random subset.
    /// </param>
    /// <param name="cycle">
    /// True to start a new, reshuffled pass after the last sample, so that the stream runs until
    /// <paramref name="maxSampleCount"/> (forever without one), as a device does; false to end after one pass.
    /// </param>
    /// <param name="order">Shuffled passes (the default) or every pass in file order; with file order the seed is unused.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxSampleCount"/> is negative.</exception>
    public DatasetStream(LabeledDataset dataset, ulong seed, long? maxSampleCount = null, bool cycle = false, StreamOrder order = StreamOrder.Shuffled)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (maxSampleCount is { } limit)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(limit, nameof(maxSampleCount));
        }

        _dataset = dataset;
        _maxSampleCount = maxSampleCount ?? long.MaxValue;
        _cycle = cycle;
        _shuffled = order == StreamOrder.Shuffled;
        _random = new SplitMix64(seed);
        _order = new int[dataset.Count];
        for (int i = 0; i < _order.Length; i++)
        {
            _order[i] = i;
        }

        Shuffle();
    }

    /// <inheritdoc/>
    public int FeatureCount => _dataset.FeatureCount;

    /// <inheritdoc/>
    public int ClassCount => _dataset.ClassCount;

    /// <summary>Gets the dataset being replayed.</summary>
    public LabeledDataset Dataset => _dataset;

    /// <summary>Gets the number of samples read so far, across passes.</summary>
    public long SamplesRead { get; private set; }

    /// <summary>Gets the zero-based pass the next sample comes from.</summary>
    public long Pass { get; private set; }

    /// <inheritdoc/>
    public bool TryRead(Span<float> features, out int label) => TryRead(features, [], out label);

    /// <summary>As <see cref="TryRead(Span{float}, out int)"/>, also copying the sample's regression targets.</summary>
    /// <param name="features">Receives the features; at least <see cref="FeatureCount"/> long.</param>
    /// <param name="targets">Receives the targets; at least the dataset's <see cref="LabeledDataset.TargetCount"/> long (empty when it has none).</param>
    /// <param name="label">The class label, or -1.</param>
    /// <returns>False at the end of the stream.</returns>
    public bool TryRead(Span<float> features, Span<float> targets, out int label)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (features.Length < _dataset.FeatureCount)
        {
            throw new ArgumentException(
                $"The feature buffer holds {features.Length} values; samples have {_dataset.FeatureCount}.", nameof(features));
        }

        if (targets.Length < _dataset.TargetCount)
        {
            throw new ArgumentException(
                $"The target buffer holds {targets.Length} values; samples have {_dataset.TargetCount}.", nameof(targets));
        }

        label = -1;
        if (SamplesRead >= _maxSampleCount || _order.Length == 0)
        {
            return false;
        }

        if (_position == _order.Length)
        {
            if (!_cycle)
            {
                return false;
            }

            Shuffle();
            _position = 0;
            Pass++;
        }

        int index = _order[_position++];
        _dataset.CopyFeatures(index, features);
        _dataset.CopyTargets(index, targets);
        label = _dataset.GetLabel(index);
        SamplesRead++;
        return true;
    }

    /// <summary>Marks the stream disposed; the dataset stays usable, since the stream does not own it.</summary>
    public void Dispose() => _disposed = true;

    private void Shuffle()
    {
        if (!_shuffled)
        {
            return;
        }

        int[] order = _order;
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = _random.NextBelow(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }
}
