using EdgeIL.Device.Safety;

namespace EdgeIL.Device.Tests.Loop;

public sealed class SafetyPartsTests
{
    [Fact]
    public void CanarySet_BeyondCapacity_KeepsTheNewestFrames()
    {
        var canary = new CanarySet(capacity: 3, features: 2);
        for (int i = 0; i < 5; i++)
        {
            canary.Add([i, i], label: i);
        }

        Assert.Equal(3, canary.Count);
        Assert.Equal([2, 3, 4], Enumerable.Range(0, 3).Select(canary.Label).Order());
    }

    [Fact]
    public void CanarySet_RemoveEqual_TakesOutOnlyThatFrameAndKeepsFilling()
    {
        var canary = new CanarySet(capacity: 4, features: 2);
        canary.Add([1, 1], 0);
        canary.Add([7, 7], 1);
        canary.Add([2, 2], 2);
        canary.Add([7, 7], 3);

        Assert.Equal(2, canary.RemoveEqual([7, 7]));

        Assert.Equal(2, canary.Count);
        Assert.Equal([0, 2], Enumerable.Range(0, 2).Select(canary.Label).Order());
        canary.Add([3, 3], 4);
        canary.Add([4, 4], 5);
        canary.Add([5, 5], 6);
        Assert.Equal(4, canary.Count);
        Assert.Equal([2, 4, 5, 6], Enumerable.Range(0, 4).Select(canary.Label).Order());
    }

    [Fact]
    public void CanarySet_Add_AllocatesNothing()
    {
        var canary = new CanarySet(capacity: 8, features: 16);
        float[] frame = new float[16];
        canary.Add(frame, 0);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1_000; i++)
        {
            canary.Add(frame, i % 3);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void StuckSensorDetector_RepeatsCountUntilStuckAndResetOnAnyChange()
    {
        var detector = new StuckSensorDetector(features: 3, stuckAfterFrames: 3);
        float[] same = [1, 2, 3];

        Assert.False(detector.Observe(same));
        Assert.False(detector.Observe(same));
        Assert.False(detector.Observe(same));
        Assert.True(detector.Observe(same));
        Assert.Equal(3, detector.Repeats);

        Assert.False(detector.Observe([1, 2, 3.0001f]));
        Assert.Equal(0, detector.Repeats);
    }
}
