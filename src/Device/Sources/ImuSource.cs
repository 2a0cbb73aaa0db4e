using System.Device.I2c;
using System.Numerics;
using Iot.Device.Imu;

namespace EdgeIL.Device.Sources;

/// <summary>
/// An MPU-6050 accelerometer and gyroscope on I2C, through the <see cref="Mpu6050"/> binding. A sample
/// is six values: acceleration x, y, z in m/s² and angular rate x, y, z in degrees per second.
/// </summary>
/// <remarks>
/// The binding configures the sensor as it opens it (datasheet RM-MPU-6000A, registers 0x1A..0x1C and
/// 0x6B): ±2 g and ±250 °/s, the most sensitive ranges, which suit gestures and vibration.
/// </remarks>
public sealed class ImuSource : SampledSource
{
    /// <summary>Values per sample: three accelerations and three angular rates.</summary>
    public const int ChannelsPerSample = 6;

    private readonly Mpu6050 _imu;

    /// <summary>Initializes a new source that owns <paramref name="device"/>.</summary>
    /// <param name="device">The I2C device at the MPU-6050's address; disposed with the source.</param>
    /// <param name="windowSamples">Samples per frame.</param>
    /// <param name="sampleHz">The sampling rate.</param>
    /// <param name="time">The clock of the sampling timer.</param>
    /// <exception cref="IOException">The device does not answer as an MPU-6050 (WHO_AM_I is not 0x68).</exception>
    public ImuSource(I2cDevice device, int windowSamples, double sampleHz, TimeProvider time)
        : base(ChannelsPerSample, windowSamples, sampleHz, time)
    {
        ArgumentNullException.ThrowIfNull(device);
        I2cConnectionSettings settings = device.ConnectionSettings;
        Description = $"MPU-6050 on /dev/i2c-{settings.BusId} at 0x{settings.DeviceAddress:x2}";
        try
        {
            _imu = new Mpu6050(device);
        }
        catch
        {
            device.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public override string Description { get; }

    /// <inheritdoc/>
    protected override void ReadSample(Span<float> sample)
    {
        Vector3 acceleration = _imu.GetAccelerometer();
        Vector3 rotation = _imu.GetGyroscopeReading();
        sample[0] = acceleration.X;
        sample[1] = acceleration.Y;
        sample[2] = acceleration.Z;
        sample[3] = rotation.X;
        sample[4] = rotation.Y;
        sample[5] = rotation.Z;
    }

    /// <inheritdoc/>
    protected override void DisposeDevice() => _imu.Dispose();
}
