namespace EdgeIL.Device.Streams.Tests;

public sealed class SplitMix64Tests
{
    [Fact]
    public void Next_Seed1234567_MatchesReferenceImplementation()
    {
        // The first outputs of Vigna's splitmix64.c for this seed.
        var random = new SplitMix64(1234567);

        ulong[] actual = [random.Next(), random.Next(), random.Next(), random.Next(), random.Next()];

        Assert.Equal(
            [6457827717110365317UL, 3203168211198807973UL, 9817491932198370423UL, 4593380528125082431UL, 16408922859458223821UL],
            actual);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(1000)]
    [InlineData(int.MaxValue)]
    public void NextBelow_Bound_StaysInRange(int bound)
    {
        var random = new SplitMix64(42);

        for (int i = 0; i < 10_000; i++)
        {
            int value = random.NextBelow(bound);
            Assert.InRange(value, 0, bound - 1);
        }
    }

    [Fact]
    public void NextBelow_SmallBound_IsRoughlyUniform()
    {
        var random = new SplitMix64(7);
        int[] counts = new int[6];

        for (int i = 0; i < 60_000; i++)
        {
            counts[random.NextBelow(6)]++;
        }

        // Expected 10,000 each with a standard deviation of about 91: 500 is more than five of them.
        Assert.All(counts, count => Assert.InRange(count, 9_500, 10_500));
    }
}
