using EdgeIL.Learner.Drift;

namespace EdgeIL.Learner.Tests.Drift;

public sealed class PageHinkleyTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Add_StationaryStream_ReportsNothing(int seed)
    {
        var test = new PageHinkley(delta: 0.05, lambda: 5);

        List<long> found = DriftStreams.Detections(test, DriftStreams.Step(20_000, 20_001, 0.5, 0.5, noise: 0.1, seed));

        Assert.Empty(found);
        Assert.Equal(20_000, test.Observations);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Add_MeanRisesAt2000_DetectsSoonAfterAndPlacesTheChange(int seed)
    {
        var test = new PageHinkley(delta: 0.05, lambda: 5);

        List<long> found = DriftStreams.Detections(test, DriftStreams.Step(3_000, 2_000, 0.5, 1.0, noise: 0.1, seed));

        // Each observation after the change adds about 0.5 - delta to the sum: lambda 5 is passed after ~12.
        long detected = Assert.Single(found);
        Assert.InRange(detected, 2_000, 2_030);
        DriftDetection detection = test.LastDetection!.Value;
        Assert.Equal(detected, detection.Observation);
        Assert.InRange(detection.ChangePoint, 1_995, 2_005);
        Assert.InRange(detection.MeanBefore, 0.49, 0.51);
        Assert.InRange(detection.Size, 0.4, 0.6);
        Assert.Equal(1, test.Detections);
    }

    [Fact]
    public void Add_MeanFalls_OnlyTheTestsWatchingFallsReportIt()
    {
        double[] stream = DriftStreams.Step(3_000, 2_000, 1.0, 0.5, noise: 0.1, seed: 7);

        Assert.Empty(DriftStreams.Detections(new PageHinkley(delta: 0.05, lambda: 5, direction: DriftDirection.Increase), stream));
        var falls = new PageHinkley(delta: 0.05, lambda: 5, direction: DriftDirection.Decrease);
        Assert.InRange(Assert.Single(DriftStreams.Detections(falls, stream)), 2_000, 2_030);
        Assert.InRange(falls.LastDetection!.Value.Size, -0.6, -0.4);
        Assert.Single(DriftStreams.Detections(new PageHinkley(delta: 0.05, lambda: 5, direction: DriftDirection.Both), stream));
    }

    [Fact]
    public void Add_AfterADetection_WatchesTheNewRegimeFromScratch()
    {
        // Two rises: the second is found relative to the second regime, not the first.
        double[] first = DriftStreams.Step(2_000, 1_000, 0.0, 1.0, noise: 0.1, seed: 11);
        double[] second = DriftStreams.Step(2_000, 1_000, 1.0, 2.0, noise: 0.1, seed: 12);
        var test = new PageHinkley(delta: 0.05, lambda: 5);

        List<long> found = DriftStreams.Detections(test, first.Concat(second));

        Assert.Equal(2, found.Count);
        Assert.InRange(found[1], 3_000, 3_030);
        Assert.InRange(test.LastDetection!.Value.MeanBefore, 0.95, 1.05);
    }

    [Fact]
    public void Add_NonFiniteValues_AreIgnored()
    {
        var test = new PageHinkley(delta: 0.05, lambda: 5);
        double[] stream = DriftStreams.Step(1_000, 1_001, 0.5, 0.5, noise: 0.1, seed: 3);

        foreach (double value in stream)
        {
            Assert.False(test.Add(value));
            Assert.False(test.Add(double.NaN));
            Assert.False(test.Add(double.PositiveInfinity));
        }

        Assert.Equal(1_000, test.Observations);
    }

    [Fact]
    public void Add_SmallChangeWithinDelta_IsTolerated()
    {
        var test = new PageHinkley(delta: 0.2, lambda: 5);

        Assert.Empty(DriftStreams.Detections(test, DriftStreams.Step(10_000, 2_000, 0.5, 0.6, noise: 0.05, seed: 5)));
    }

    [Theory]
    [InlineData(-1, 5, 0.9)]
    [InlineData(0.1, 0, 0.9)]
    [InlineData(0.1, 5, 0)]
    [InlineData(0.1, 5, 1.1)]
    [InlineData(double.NaN, 5, 0.9)]
    public void Constructor_OutOfRange_Throws(double delta, double lambda, double alpha)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PageHinkley(delta, lambda, alpha));
    }

    [Fact]
    public void Add_ForgettingWithATightThreshold_RaisesFalseAlarms()
    {
        // The documented price of alpha < 1: the sum's equilibrium noise (0.1 / sqrt(1 - 0.9999^2), about
        // 7) exceeds lambda 5, so a stationary stream is reported as changing; alpha 1 is quiet on it.
        double[] stream = DriftStreams.Step(100_000, 100_001, 0.5, 0.5, noise: 0.1, seed: 9);

        Assert.NotEmpty(DriftStreams.Detections(new PageHinkley(delta: 0.05, lambda: 5, alpha: 0.9999), stream));
        Assert.Empty(DriftStreams.Detections(new PageHinkley(delta: 0.05, lambda: 5), stream));
    }

    [Fact]
    public void Add_Warm_AllocatesNothing()
    {
        var test = new PageHinkley(delta: 0.05, lambda: 5, direction: DriftDirection.Both);
        double[] stream = DriftStreams.Step(100_000, 50_000, 0.5, 1.5, noise: 0.1, seed: 9);
        test.Add(0.5);

        long before = GC.GetAllocatedBytesForCurrentThread();
        foreach (double value in stream)
        {
            test.Add(value);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1, test.Detections);
    }
}
