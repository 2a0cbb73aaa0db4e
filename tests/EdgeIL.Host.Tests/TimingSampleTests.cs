using System.Diagnostics;
using EdgeIL.Host.Runs;

namespace EdgeIL.Host.Tests;

public class TimingSampleTests
{
    [Fact]
    public void MedianMicroseconds_MoreDurationsThanCapacity_EstimatesTheTrueMedian()
    {
        var sample = new TimingSample(capacity: 2_000, seed: 3);
        long microsecond = Stopwatch.Frequency / 1_000_000;

        // 100,000 durations of 0..999 µs, in an order that would fool "keep the first n" or "keep the last n".
        for (int i = 0; i < 100_000; i++)
        {
            sample.Add(i * 1000L / 100_000 * microsecond);
        }

        Assert.InRange(sample.MedianMicroseconds(), 450, 550);
    }

    [Fact]
    public void MedianMicroseconds_Empty_IsNaN() => Assert.True(double.IsNaN(new TimingSample().MedianMicroseconds()));
}
