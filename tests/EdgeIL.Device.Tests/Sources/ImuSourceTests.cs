using EdgeIL.Device.Sources;
using EdgeIL.Device.Tests.Simulation;

namespace EdgeIL.Device.Tests.Sources;

/// <summary>
/// The real <c>Iot.Device.Imu.Mpu6050</c> binding over a register-level simulated chip. Opening the
/// binding waits 200 ms of real time inside the binding (its reset and power-on delays), so the tests
/// share one opened source where they can.
/// </summary>
public sealed class ImuSourceTests
{
    private const double Gravity = 9.807;

    [Fact]
    public void Constructor_ConfiguresChip_AwakeAtMostSensitiveRanges()
    {
        var chip = new SimulatedMpu6050();
        using var source = new ImuSource(chip, windowSamples: 2, sampleHz: 100, TimeProvider.System);

        Assert.False(chip.IsSleeping);
        Assert.Equal(0, chip.Register(0x1C) & 0x18);
        Assert.Equal(0, chip.Register(0x1B) & 0x18);
        Assert.Equal(6 * 2, source.FeatureCount);
        Assert.Equal("MPU-6050 on /dev/i2c-1 at 0x68", source.Description);
    }

    [Fact]
    public void TryReadLatest_AfterWindowFills_GivesOldestFirstInSiUnits()
    {
        var chip = new SimulatedMpu6050();
        using var source = new ImuSource(chip, windowSamples: 3, sampleHz: 100, TimeProvider.System);
        float[] frame = new float[source.FeatureCount];

        chip.AccelerationG = (0, 0, 1);
        source.SampleOnce();
        chip.AccelerationG = (0.5, 0, 1);
        source.SampleOnce();
        Assert.Equal(FrameRead.NoNewFrame, source.TryReadLatest(frame, out _));
        chip.AccelerationG = (-0.25, 0, 1);
        chip.RotationDegreesPerSecond = (100, -50, 0);
        source.SampleOnce();
        FrameRead read = source.TryReadLatest(frame, out int label);

        Assert.Equal(FrameRead.Frame, read);
        Assert.Equal(-1, label);
        Assert.Equal(0, frame[0], 3);
        Assert.Equal(Gravity, frame[2], 2);
        Assert.Equal(0.5 * Gravity, frame[6], 2);
        Assert.Equal(-0.25 * Gravity, frame[12], 2);

        // The datasheet's 131 LSB per degree per second makes 100 °/s 13100 counts; the binding divides by
        // 32768/250 = 131.07, so it reads 0.05 % low. Within 0.1 °/s is what a gesture model needs.
        Assert.Equal(100, frame[15], 0.1);
        Assert.Equal(-50, frame[16], 0.1);
        Assert.Equal(FrameRead.NoNewFrame, source.TryReadLatest(frame, out _));

        // The window slides: one new sample makes a new frame whose newest sample is last.
        chip.AccelerationG = (1, 0, 1);
        source.SampleOnce();
        Assert.Equal(FrameRead.Frame, source.TryReadLatest(frame, out _));
        Assert.Equal(0.5 * Gravity, frame[0], 2);
        Assert.Equal(Gravity, frame[12], 2);

        // A NACK on the bus is a counted fault that leaves the window as it was.
        chip.FailingTransfers = 1;
        Assert.False(source.SampleOnce());
        Assert.Equal(1, source.Faults);
        Assert.Contains("no acknowledge", source.LastFault, StringComparison.Ordinal);
        Assert.Equal(FrameRead.NoNewFrame, source.TryReadLatest(frame, out _));
    }
}
