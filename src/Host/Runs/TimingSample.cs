using System.Diagnostics;

namespace EdgeIL.Host.Runs;

/// <summary>
/// A uniform random sample of at most <c>capacity</c> step durations (reservoir sampling), so the
/// median of a run of any length is estimated in fixed memory: a replay of millions of samples
/// does not keep a timestamp per sample.
/// </summary>
public sealed class TimingSample
{
    private readonly long[] _ticks;
    private readonly Random _random;
    private long _seen;

    /// <summary>Creates an empty sample holding at most <paramref name="capacity"/> durations.</summary>
    public TimingSample(int capacity = 65_536, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ticks = new long[capacity];
        _random = new Random(seed);
    }

    /// <summary>Adds one duration, in <see cref="Stopwatch"/> ticks.</summary>
    public void Add(long ticks)
    {
        if (_seen < _ticks.Length)
        {
            _ticks[_seen] = ticks;
        }
        else
        {
            long slot = _random.NextInt64(_seen + 1);
            if (slot < _ticks.Length)
            {
                _ticks[slot] = ticks;
            }
        }

        _seen++;
    }

    /// <summary>The median duration in microseconds; NaN when nothing was added.</summary>
    public double MedianMicroseconds()
    {
        int count = (int)Math.Min(_seen, _ticks.Length);
        if (count == 0)
        {
            return double.NaN;
        }

        long[] sorted = _ticks[..count];
        Array.Sort(sorted);
        return sorted[count / 2] * 1e6 / Stopwatch.Frequency;
    }
}
