namespace EdgeIL.Device.Loop;

/// <summary>
/// Tick-time statistics: the last <see cref="WindowLength"/> tick times for percentiles, and the
/// longest tick since the start. Recording a tick allocates nothing; percentiles sort a preallocated copy.
/// </summary>
public sealed class TickStatistics
{
    /// <summary>How many of the latest ticks the percentiles cover.</summary>
    public const int WindowLength = 4096;

    private readonly double[] _window = new double[WindowLength];
    private readonly double[] _sorted = new double[WindowLength];
    private int _next;
    private int _count;

    /// <summary>Gets the longest tick since the start, in seconds.</summary>
    public double MaxSeconds { get; private set; }

    /// <summary>Gets the number of ticks recorded.</summary>
    public long Count { get; private set; }

    /// <summary>Records one tick's time.</summary>
    /// <param name="seconds">The tick's time from start to the end of its work.</param>
    public void Record(double seconds)
    {
        _window[_next] = seconds;
        _next = (_next + 1) % WindowLength;
        _count = Math.Min(_count + 1, WindowLength);
        MaxSeconds = Math.Max(MaxSeconds, seconds);
        Count++;
    }

    /// <summary>Computes percentiles of the latest ticks' times.</summary>
    /// <param name="p50">The median, in seconds; 0 before the first tick.</param>
    /// <param name="p99">The 99th percentile, in seconds; 0 before the first tick.</param>
    public void GetPercentiles(out double p50, out double p99)
    {
        if (_count == 0)
        {
            p50 = p99 = 0;
            return;
        }

        Span<double> sorted = _sorted.AsSpan(0, _count);
        _window.AsSpan(0, _count).CopyTo(sorted);
        sorted.Sort();
        p50 = Percentile(sorted, 0.50);
        p99 = Percentile(sorted, 0.99);
    }

    // The nearest-rank percentile: the smallest value with at least p of the values at or below it.
    private static double Percentile(ReadOnlySpan<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>
/// Prequential ("test, then train") accuracy over the latest labelled ticks: each prediction is scored
/// against the label before the model learns from that label, so the score measures generalisation
/// to samples the model has not yet seen.
/// </summary>
public sealed class PrequentialAccuracy
{
    private readonly bool[] _window;
    private int _next;
    private int _count;
    private int _correct;

    /// <summary>Initializes a new score over the latest <paramref name="windowLength"/> labelled ticks.</summary>
    /// <param name="windowLength">The window, range &gt;= 1.</param>
    public PrequentialAccuracy(int windowLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowLength, 1);
        _window = new bool[windowLength];
    }

    /// <summary>Gets the share of correct predictions in the window; NaN before the first.</summary>
    public double Accuracy => _count == 0 ? double.NaN : (double)_correct / _count;

    /// <summary>Gets the number of predictions in the window.</summary>
    public int Count => _count;

    /// <summary>Adds one scored prediction, pushing out the oldest when the window is full.</summary>
    /// <param name="correct">Whether the prediction matched the label.</param>
    public void Add(bool correct)
    {
        if (_count == _window.Length)
        {
            _correct -= _window[_next] ? 1 : 0;
        }
        else
        {
            _count++;
        }

        _window[_next] = correct;
        _correct += correct ? 1 : 0;
        _next = (_next + 1) % _window.Length;
    }
}
