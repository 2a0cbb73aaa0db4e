using EdgeIL.Device.Sources;

namespace EdgeIL.Device.Tests.Sources;

public sealed class LatestFrameTests
{
    [Fact]
    public void TryTake_SeveralPublishedSinceLastTake_GivesOnlyTheNewest()
    {
        var latest = new LatestFrame(1);
        float[] taken = new float[1];

        for (int i = 1; i <= 3; i++)
        {
            latest.BackBuffer[0] = i;
            latest.Publish();
        }

        Assert.True(latest.TryTake(taken));
        Assert.Equal(3f, taken[0]);
        Assert.False(latest.TryTake(taken));
    }

    [Fact]
    public async Task TryTake_ProducerOnAnotherThread_NeverSeesATornFrame()
    {
        const int Length = 64;
        var latest = new LatestFrame(Length);
        float[] taken = new float[Length];
        using var stop = new CancellationTokenSource();
        var producer = Task.Run(() =>
        {
            for (int frame = 0; !stop.IsCancellationRequested; frame++)
            {
                latest.BackBuffer.AsSpan().Fill(frame);
                latest.Publish();
            }
        });

        int checkedFrames = 0;
        while (checkedFrames < 2_000)
        {
            if (latest.TryTake(taken))
            {
                Assert.All(taken, value => Assert.Equal(taken[0], value));
                checkedFrames++;
            }
        }

        stop.Cancel();
        await producer;
    }
}
