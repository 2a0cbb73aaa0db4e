using EdgeIL.Device.Targets;

namespace EdgeIL.Device.Tests.Targets;

public sealed class AnomalyDetectorTests
{
    [Fact]
    public void Observe_SpikeAfterSteadyScores_FlagsOnlyTheSpike()
    {
        var detector = new AnomalyDetector(thresholdDeviations: 4, smoothing: 0.05, warmupScores: 50);
        var random = new Random(11);
        for (int i = 0; i < 200; i++)
        {
            Assert.False(detector.Observe(1.0 + (0.1 * random.NextDouble())));
        }

        Assert.True(detector.Observe(3.0));
        Assert.False(detector.Observe(1.05));
        Assert.Equal(1, detector.Anomalies);
    }

    [Fact]
    public void Observe_DuringWarmup_NeverFlags()
    {
        var detector = new AnomalyDetector(thresholdDeviations: 1, smoothing: 0.1, warmupScores: 10);

        for (int i = 0; i < 10; i++)
        {
            Assert.False(detector.Observe(i % 2 == 0 ? 1 : 100));
        }
    }

    [Fact]
    public void Observe_NonFiniteScore_FlagsWithoutSpoilingTheRange()
    {
        var detector = new AnomalyDetector(thresholdDeviations: 4, smoothing: 0.1, warmupScores: 0);
        detector.Observe(1);
        detector.Observe(1);

        Assert.True(detector.Observe(double.NaN));
        Assert.Equal(1, detector.Mean, 12);
    }

    [Fact]
    public void Observe_PersistentNewLevel_BecomesNormalEventually()
    {
        var detector = new AnomalyDetector(thresholdDeviations: 4, smoothing: 0.1, warmupScores: 0);
        var random = new Random(3);
        for (int i = 0; i < 100; i++)
        {
            detector.Observe(1.0 + (0.05 * random.NextDouble()));
        }

        int flagged = 0;
        for (int i = 0; i < 2_000; i++)
        {
            flagged += detector.Observe(5.0 + (0.05 * random.NextDouble())) ? 1 : 0;
        }

        Assert.False(detector.IsAnomalous);
        Assert.InRange(flagged, 1, 1_999);
    }
}
