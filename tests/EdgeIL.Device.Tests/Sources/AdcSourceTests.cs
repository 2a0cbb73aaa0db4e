using EdgeIL.Device.Sources;
using EdgeIL.Device.Tests.Simulation;

namespace EdgeIL.Device.Tests.Sources;

public sealed class AdcSourceTests
{
    [Fact]
    public void TryReadLatest_TwoChannels_GivesRawReadingsThroughTheBinding()
    {
        var chip = new SimulatedMcp3008();
        using var source = new AdcSource(chip, [2, 7], windowSamples: 2, sampleHz: 200, TimeProvider.System);
        float[] frame = new float[source.FeatureCount];

        chip.Channels[2] = 1023;
        chip.Channels[7] = 1;
        source.SampleOnce();
        chip.Channels[2] = 512;
        chip.Channels[7] = 700;
        source.SampleOnce();

        Assert.Equal(FrameRead.Frame, source.TryReadLatest(frame, out _));
        Assert.Equal([1023f, 1f, 512f, 700f], frame);
        Assert.Equal("MCP3008 on /dev/spidev0.0, channels 2,7", source.Description);
    }

    [Fact]
    public void Constructor_ChannelOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdcSource(new SimulatedMcp3008(), [8], 1, 100, TimeProvider.System));
    }
}
