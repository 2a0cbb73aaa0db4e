using EdgeIL.Device.Loop;

namespace EdgeIL.Device.Tests.Loop;

public sealed class TickStatisticsTests
{
    [Fact]
    public void GetPercentiles_HundredTicks_NearestRank()
    {
        var statistics = new TickStatistics();
        for (int i = 100; i >= 1; i--)
        {
            statistics.Record(i / 1000.0);
        }

        statistics.GetPercentiles(out double p50, out double p99);

        Assert.Equal(0.050, p50, 12);
        Assert.Equal(0.099, p99, 12);
        Assert.Equal(0.100, statistics.MaxSeconds, 12);
    }

    [Fact]
    public void GetPercentiles_MoreTicksThanWindow_CoversLatestOnlyButMaxCoversAll()
    {
        var statistics = new TickStatistics();
        statistics.Record(5.0);
        for (int i = 0; i < TickStatistics.WindowLength; i++)
        {
            statistics.Record(0.001);
        }

        statistics.GetPercentiles(out double p50, out double p99);

        Assert.Equal(0.001, p99, 12);
        Assert.Equal(0.001, p50, 12);
        Assert.Equal(5.0, statistics.MaxSeconds, 12);
    }
}
