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
