namespace EdgeIL.Learner.Drift;

/// <summary>
/// ADWIN, adaptive windowing (A. Bifet and R. Gavaldà, "Learning from Time-Changing Data with Adaptive
/// Windowing", SIAM SDM 2007; the ADWIN2 form): keeps a window of the recent stream, as long as no two
/// parts of it have means that differ by more than chance allows, and drops the older part when they do.
/// </summary>
/// <remarks>
/// <para>
/// The window is held as an exponential histogram: row <c>i</c> holds buckets that each summarise
/// <c>2^i</c> observations (count, sum, sum of squared deviations), at most
/// <c>maximumBucketsPerRow</c> per row; when a row overflows, its two oldest buckets merge into one of
/// the next row. Memory is therefore logarithmic in the window's length and allocated once (64 rows
/// cover any stream a <see cref="long"/> can count), and <see cref="Add"/> allocates nothing.
/// </para>
/// <para>
/// Every <c>checkEvery</c> observations each split of the window into an older part <c>W0</c> (n0
/// observations, mean mu0) and a newer part <c>W1</c> (n1, mu1), both at least
/// <c>minimumSubwindow</c> long, is tested with the paper's variance-aware bound:
/// <c>|mu0 - mu1| &gt; sqrt(2 / m * var * ln(2 / delta')) + 2 / (3 m) * ln(2 / delta')</c>, where
/// <c>m = 1 / (1 / n0 + 1 / n1)</c>, <c>var</c> is the window's variance and <c>delta' = delta / n</c>.
/// While a split passes, the oldest bucket is dropped. Confidence <c>delta</c> bounds the false
/// alarm rate; it is the test's only scale-free setting, so ADWIN needs no tuning to the stream's units.
/// </para>
/// </remarks>
public sealed class Adwin : IDriftDetector
{
    private const int Rows = 64;

    private readonly double _delta;
    private readonly int _perRow;
    private readonly int _checkEvery;
    private readonly int _minimumSubwindow;
    private readonly double[] _sums;
    private readonly double[] _squares;
    private readonly int[] _used = new int[Rows];
    private int _rowsInUse;
    private long _length;
    private double _sum;
    private double _squaredDeviations;
    private long _sinceCheck;

    /// <summary>Initializes a new detector.</summary>
    /// <param name="delta">The confidence (delta): the false alarm probability the bound allows, range 0 &lt; delta &lt; 1.</param>
    /// <param name="maximumBucketsPerRow">Buckets per histogram row (the paper's M), range 2..64; more means finer cut points and more memory.</param>
    /// <param name="checkEvery">Observations between tests for a cut, range &gt;= 1.</param>
    /// <param name="minimumSubwindow">The shortest part of the window a cut may leave on either side, range &gt;= 1.</param>
    public Adwin(double delta = 0.002, int maximumBucketsPerRow = 5, int checkEvery = 32, int minimumSubwindow = 5)
    {
        if (!(delta > 0 && delta < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "The confidence delta must be in (0, 1).");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maximumBucketsPerRow, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maximumBucketsPerRow, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(checkEvery, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(minimumSubwindow, 1);
        _delta = delta;
        _perRow = maximumBucketsPerRow;
        _checkEvery = checkEvery;
        _minimumSubwindow = minimumSubwindow;

        // One slot more than a row may keep: a row holds M + 1 buckets for the moment before it merges.
        _sums = new double[Rows * (maximumBucketsPerRow + 1)];
        _squares = new double[Rows * (maximumBucketsPerRow + 1)];
    }

    /// <inheritdoc/>
    public string Name => "adwin";

    /// <inheritdoc/>
    public long Observations { get; private set; }

    /// <inheritdoc/>
    public long Detections { get; private set; }

    /// <inheritdoc/>
    public DriftDetection? LastDetection { get; private set; }

    /// <summary>Gets the window's length: the observations since the last change ADWIN found.</summary>
    public long WindowLength => _length;

    /// <summary>Gets the window's mean; NaN when it is empty.</summary>
    public double WindowMean => _length == 0 ? double.NaN : _sum / _length;

    /// <inheritdoc/>
    public bool Add(double value)
    {
        if (!double.IsFinite(value))
        {
            return false;
        }

        Observations++;
        Insert(value);
        if (++_sinceCheck < _checkEvery)
        {
            return false;
        }

        _sinceCheck = 0;
        long lengthBefore = _length;
        double sumBefore = _sum;
        while (_length >= 2 * _minimumSubwindow && HasCut())
        {
            DropOldest();
        }

        if (_length == lengthBefore)
        {
            return false;
        }

        long dropped = lengthBefore - _length;
        LastDetection = new DriftDetection(Observations, Observations - _length + 1, (sumBefore - _sum) / dropped, _sum / _length);
        Detections++;
        return true;
    }

    /// <inheritdoc/>
    public void Restart()
    {
        Array.Clear(_used);
        _rowsInUse = 0;
        _length = 0;
        _sum = 0;
        _squaredDeviations = 0;
        _sinceCheck = 0;
    }

    private int Slot(int row, int index) => (row * (_perRow + 1)) + index;

    private void Insert(double value)
    {
        if (_length > 0)
        {
            double deviation = value - (_sum / _length);
            _squaredDeviations += deviation * deviation * _length / (_length + 1);
        }

        _length++;
        _sum += value;
        Append(0, value, 0);
        for (int row = 0; row < Rows - 1 && _used[row] > _perRow; row++)
        {
            // The two oldest buckets of this row, 2^row observations each, become one of the next row.
            double count = Math.ScaleB(1.0, row);
            int first = Slot(row, 0);
            double sum = _sums[first] + _sums[first + 1];
            double meanDifference = (_sums[first] - _sums[first + 1]) / count;
            double squares = _squares[first] + _squares[first + 1] + (count / 2 * meanDifference * meanDifference);
            RemoveOldestTwo(row);
            Append(row + 1, sum, squares);
        }
    }

    private void Append(int row, double sum, double squares)
    {
        int slot = Slot(row, _used[row]++);
        _sums[slot] = sum;
        _squares[slot] = squares;
        _rowsInUse = Math.Max(_rowsInUse, row + 1);
    }

    private void RemoveOldestTwo(int row)
    {
        int first = Slot(row, 0);
        int remaining = _used[row] - 2;
        Array.Copy(_sums, first + 2, _sums, first, remaining);
        Array.Copy(_squares, first + 2, _squares, first, remaining);
        _used[row] = remaining;
    }

    private bool HasCut()
    {
        double variance = _squaredDeviations / _length;
        double logTerm = Math.Log(2.0 * _length / _delta);
        long olderLength = 0;
        double olderSum = 0;

        // Oldest first: the highest row holds the oldest buckets, and a row's first bucket is its oldest.
        for (int row = _rowsInUse - 1; row >= 0; row--)
        {
            double count = Math.ScaleB(1.0, row);
            for (int index = 0; index < _used[row]; index++)
            {
                olderLength += (long)count;
                olderSum += _sums[Slot(row, index)];
                long newerLength = _length - olderLength;
                if (newerLength < _minimumSubwindow)
                {
                    return false;
                }

                if (olderLength < _minimumSubwindow)
                {
                    continue;
                }

                double m = 1.0 / ((1.0 / olderLength) + (1.0 / newerLength));
                double bound = Math.Sqrt(2.0 / m * variance * logTerm) + (2.0 / (3.0 * m) * logTerm);
                double difference = Math.Abs((olderSum / olderLength) - ((_sum - olderSum) / newerLength));
                if (difference > bound)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private void DropOldest()
    {
        int row = _rowsInUse - 1;
        int slot = Slot(row, 0);
        long count = 1L << row;
        double bucketSum = _sums[slot];
        double bucketSquares = _squares[slot];
        int remaining = _used[row] - 1;
        Array.Copy(_sums, slot + 1, _sums, slot, remaining);
        Array.Copy(_squares, slot + 1, _squares, slot, remaining);
        _used[row] = remaining;
        while (_rowsInUse > 0 && _used[_rowsInUse - 1] == 0)
        {
            _rowsInUse--;
        }

        long restLength = _length - count;
        double restSum = _sum - bucketSum;
        if (restLength == 0)
        {
            _squaredDeviations = 0;
        }
        else
        {
            // The parallel-variance identity run backwards: what the rest held before this bucket joined it.
            double meanDifference = (bucketSum / count) - (restSum / restLength);
            _squaredDeviations -= bucketSquares + ((double)count * restLength / _length * meanDifference * meanDifference);
            _squaredDeviations = Math.Max(_squaredDeviations, 0);
        }

        _length = restLength;
        _sum = restSum;
    }
}
