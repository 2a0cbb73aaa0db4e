namespace EdgeIL.Device.Streams;

/// <summary>
/// Where a dataset's rows of float values live: read one row at a time, by index, so that a dataset
/// need not be held in memory whole. <see cref="InMemory"/> keeps them in an array;
/// <see cref="FileRows"/> reads them from a file of fixed-size records on demand.
/// </summary>
/// <remarks>
/// Reading is safe from several threads at once (the host runs experiments in parallel over one
/// dataset) and allocates nothing, since a replayed stream reads one row per learn step.
/// </remarks>
public abstract class FeatureRows
{
    /// <summary>Initializes the shape.</summary>
    /// <param name="count">The number of rows, range &gt;= 0.</param>
    /// <param name="width">The values per row, range &gt;= 1.</param>
    protected FeatureRows(int count, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        Count = count;
        Width = width;
    }

    /// <summary>Gets the number of rows.</summary>
    public int Count { get; }

    /// <summary>Gets the number of values in each row.</summary>
    public int Width { get; }

    /// <summary>Rows held in <paramref name="values"/>, row-major, which the rows take over without copying.</summary>
    /// <param name="values">The values; a whole number of rows.</param>
    /// <param name="width">The values per row, range &gt;= 1.</param>
    /// <returns>The rows.</returns>
    /// <exception cref="ArgumentException">The length of <paramref name="values"/> is not a multiple of <paramref name="width"/>.</exception>
    public static FeatureRows InMemory(float[] values, int width)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        return values.Length % width == 0
            ? new ArrayRows(values, 0, values.Length / width, width)
            : throw new ArgumentException($"The feature array holds {values.Length} values, which is not a multiple of the feature count {width}.", nameof(values));
    }

    /// <summary>Copies row <paramref name="index"/> into <paramref name="destination"/>.</summary>
    /// <param name="index">The row, 0..<see cref="Count"/> - 1.</param>
    /// <param name="destination">Receives the row's <see cref="Width"/> values in its first elements.</param>
    /// <exception cref="DataFormatException">The file behind the rows changed since they were checked (file rows only).</exception>
    public void Read(int index, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        if (destination.Length < Width)
        {
            throw new ArgumentException($"The buffer holds {destination.Length} values; rows have {Width}.", nameof(destination));
        }

        ReadRow(index, destination[..Width]);
    }

    /// <summary>The rows <paramref name="start"/>..<paramref name="start"/> + <paramref name="count"/> - 1, sharing this storage.</summary>
    /// <param name="start">The first row.</param>
    /// <param name="count">The number of rows.</param>
    /// <returns>A view of those rows.</returns>
    public FeatureRows Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)start + count, Count, nameof(count));
        return SliceRows(start, count);
    }

    /// <summary>Copies row <paramref name="index"/>, already checked, into <paramref name="destination"/>, exactly <see cref="Width"/> long.</summary>
    /// <param name="index">The row.</param>
    /// <param name="destination">The destination.</param>
    protected abstract void ReadRow(int index, Span<float> destination);

    /// <summary>The view behind <see cref="Slice"/>, with its arguments checked.</summary>
    /// <param name="start">The first row.</param>
    /// <param name="count">The number of rows.</param>
    /// <returns>The view.</returns>
    protected abstract FeatureRows SliceRows(int start, int count);

    private sealed class ArrayRows(float[] values, int firstRow, int count, int width) : FeatureRows(count, width)
    {
        protected override void ReadRow(int index, Span<float> destination) =>
            values.AsSpan((firstRow + index) * Width, Width).CopyTo(destination);

        protected override FeatureRows SliceRows(int start, int count) => new ArrayRows(values, firstRow + start, count, Width);
    }
}
