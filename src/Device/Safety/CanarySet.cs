namespace EdgeIL.Device.Safety;

/// <summary>
/// A small, fixed-size set of recent frames that the model is never trained on: the device's own
/// held-out test, on which its current model and its known-good model are compared.
/// </summary>
/// <remarks>
/// A ring: once full, each new frame replaces the oldest, so the set follows a slowly changing world.
/// Its arrays are allocated once; adding allocates nothing.
/// </remarks>
public sealed class CanarySet
{
    private readonly float[] _frames;
    private readonly int[] _labels;
    private int _next;

    /// <summary>Initializes an empty set.</summary>
    /// <param name="capacity">Frames held, range &gt;= 1.</param>
    /// <param name="features">Values per frame, range &gt;= 1.</param>
    public CanarySet(int capacity, int features)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        Capacity = capacity;
        Features = features;
        _frames = new float[(long)capacity * features];
        _labels = new int[capacity];
    }

    /// <summary>Gets the frames held when full.</summary>
    public int Capacity { get; }

    /// <summary>Gets the values per frame.</summary>
    public int Features { get; }

    /// <summary>Gets the frames held now.</summary>
    public int Count { get; private set; }

    /// <summary>Adds a frame, replacing the oldest once full.</summary>
    /// <param name="frame">The raw frame.</param>
    /// <param name="label">Its label; -1 for none.</param>
    public void Add(ReadOnlySpan<float> frame, int label)
    {
        if (frame.Length != Features)
        {
            throw new ArgumentException($"Expected a frame of {Features} values, got {frame.Length}.", nameof(frame));
        }

        frame.CopyTo(_frames.AsSpan(_next * Features, Features));
        _labels[_next] = label;
        _next = (_next + 1) % Capacity;
        Count = Math.Min(Count + 1, Capacity);
    }

    /// <summary>Gets frame <paramref name="index"/> (0 ≤ index &lt; <see cref="Count"/>, in no particular order).</summary>
    public ReadOnlySpan<float> Frame(int index) => _frames.AsSpan(CheckIndex(index) * Features, Features);

    /// <summary>Gets the label of frame <paramref name="index"/>.</summary>
    public int Label(int index) => _labels[CheckIndex(index)];

    /// <summary>Removes every frame equal to <paramref name="frame"/> (a stuck sensor's, taken in before it was known to be stuck).</summary>
    /// <param name="frame">The frame to remove.</param>
    /// <returns>The frames removed.</returns>
    public int RemoveEqual(ReadOnlySpan<float> frame)
    {
        int kept = 0;
        for (int i = 0; i < Count; i++)
        {
            Span<float> stored = _frames.AsSpan(i * Features, Features);
            if (stored.SequenceEqual(frame))
            {
                continue;
            }

            if (kept != i)
            {
                stored.CopyTo(_frames.AsSpan(kept * Features, Features));
                _labels[kept] = _labels[i];
            }

            kept++;
        }

        int removed = Count - kept;
        Count = kept;

        // The ring continues after the kept frames; when it was full, the oldest is overwritten next.
        _next = kept % Capacity;
        return removed;
    }

    /// <summary>Empties the set (after a change in the world, its frames no longer describe it).</summary>
    public void Clear()
    {
        Count = 0;
        _next = 0;
    }

    private int CheckIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return index;
    }
}
