using EdgeIL.Learner.Drift;

namespace EdgeIL.Learner.Tests.Drift;

public sealed class AdwinTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Add_StationaryStream_ReportsNothingAndKeepsTheWholeWindow(int seed)
    {
        var adwin = new Adwin();

        List<long> found = DriftStreams.Detections(adwin, DriftStreams.Bernoulli(20_000, 20_001, 0.2, 0.2, seed));

        Assert.Empty(found);
        Assert.Equal(20_000, adwin.WindowLength);
        Assert.InRange(adwin.WindowMean, 0.19, 0.21);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Add_ErrorRateJumpsAt5000_DropsThePastAndKeepsTheNewRegime(int seed)
    {
        var adwin = new Adwin();

        List<long> found = DriftStreams.Detections(adwin, DriftStreams.Bernoulli(8_000, 5_000, 0.2, 0.6, seed));

        Assert.NotEmpty(found);
        Assert.InRange(found[0], 5_000, 5_200);
        Assert.All(found, at => Assert.True(at >= 5_000, $"false alarm at {at}"));

        // By the end the window holds the new regime, and of the old at most part of its oldest bucket:
        // a bucket that mixes both regimes differs too little from the rest to be cut.
        Assert.InRange(adwin.WindowLength, 2_000, 3_200);
        Assert.InRange(adwin.WindowMean, 0.55, 0.65);
        DriftDetection first = adwin.LastDetection!.Value;
        Assert.True(first.Size > 0, $"the change should be a rise, got {first.Size}");
    }

    [Fact]
    public void Add_GaussianStepDown_DetectsAFall()
    {
        var adwin = new Adwin();

        List<long> found = DriftStreams.Detections(adwin, DriftStreams.Step(6_000, 3_000, 1.0, 0.5, noise: 0.2, seed: 4));

        Assert.InRange(found[0], 3_000, 3_200);
        Assert.True(adwin.LastDetection!.Value.Size < 0);
        Assert.InRange(adwin.WindowMean, 0.45, 0.55);
    }

    [Fact]
    public void Add_GradualRamp_ShrinksTheWindowAsItGoes()
    {
        // The mean climbs 0 -> 1 over 20,000 observations: no single step, yet the window must not
        // keep averaging over all of it.
        var random = new Random(6);
        var adwin = new Adwin();
        int detections = 0;
        for (int i = 0; i < 20_000; i++)
        {
            detections += adwin.Add((i / 20_000.0) + (0.1 * (random.NextDouble() - 0.5))) ? 1 : 0;
        }

        Assert.True(detections >= 2, $"{detections} detections");
        Assert.InRange(adwin.WindowLength, 1, 10_000);
        Assert.InRange(adwin.WindowMean, 0.75, 1.0);
    }

    [Fact]
    public void WindowStatistics_MatchTheLastWindowLengthObservations()
    {
        double[] stream = DriftStreams.Step(12_000, 6_000, 0.0, 3.0, noise: 1.0, seed: 8);
        var adwin = new Adwin();

        DriftStreams.Detections(adwin, stream);

        double expected = stream.TakeLast((int)adwin.WindowLength).Average();
        Assert.Equal(expected, adwin.WindowMean, 9);
    }

    [Fact]
    public void Restart_ForgetsTheWindowButNotTheCounts()
    {
        var adwin = new Adwin();
        DriftStreams.Detections(adwin, DriftStreams.Bernoulli(1_000, 1_001, 0.2, 0.2, seed: 1));

        adwin.Restart();

        Assert.Equal(0, adwin.WindowLength);
        Assert.Equal(1_000, adwin.Observations);
        Assert.True(double.IsNaN(adwin.WindowMean));
        Assert.False(adwin.Add(double.NaN));
        Assert.Equal(1_000, adwin.Observations);
    }

    [Theory]
    [InlineData(0, 5, 32, 5)]
    [InlineData(1, 5, 32, 5)]
    [InlineData(0.01, 1, 32, 5)]
    [InlineData(0.01, 5, 0, 5)]
    [InlineData(0.01, 5, 32, 0)]
    public void Constructor_OutOfRange_Throws(double delta, int perRow, int checkEvery, int minimumSubwindow)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adwin(delta, perRow, checkEvery, minimumSubwindow));
    }

    [Fact]
    public void Add_AMillionObservations_AllocatesNothingAndStaysLogarithmic()
    {
        var adwin = new Adwin();
        var random = new Random(2);
        adwin.Add(0);

        long allocated = TestData.FewestBytesAllocated(4, () =>
        {
            for (int i = 0; i < 250_000; i++)
            {
                adwin.Add(random.NextDouble() < 0.3 ? 1 : 0);
            }
        });

        Assert.Equal(0, allocated);
        Assert.Equal(1_000_001, adwin.WindowLength);
    }
}
