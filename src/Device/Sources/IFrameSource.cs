namespace EdgeIL.Device.Sources;

/// <summary>What a read of the newest frame found.</summary>
public enum FrameRead
{
    /// <summary>A frame the loop has not seen before was copied out.</summary>
    Frame,

    /// <summary>Nothing new has arrived since the previous read (the sensor is slower than the loop, or still filling its first window).</summary>
    NoNewFrame,

    /// <summary>The source has ended (a replay without cycling); the loop stops.</summary>
    Ended,
}

/// <summary>
/// A source of frames for the device loop: a camera, an IMU, an ADC or a replayed dataset. The loop
/// reads the newest frame once per tick; a live source never queues frames, so a slow tick skips
/// frames rather than falling behind the world.
/// </summary>
/// <remarks>
/// Live sources capture on their own thread into preallocated buffers; <see cref="TryReadLatest"/> copies
/// the newest complete frame out and allocates nothing.
/// </remarks>
public interface IFrameSource : IDisposable
{
    /// <summary>Gets a short description for logs, for example "MPU-6050 on /dev/i2c-1 at 0x68".</summary>
    string Description { get; }

    /// <summary>Gets the number of features in a frame.</summary>
    int FeatureCount { get; }

    /// <summary>Gets the number of classes the frames' labels come from; 0 when frames carry no labels.</summary>
    int ClassCount { get; }

    /// <summary>Gets the number of failed background reads (bus errors) since the start.</summary>
    long Faults { get; }

    /// <summary>Gets the message of the latest failed background read; null when none failed.</summary>
    string? LastFault { get; }

    /// <summary>Starts capturing (live sources); replay sources need no start.</summary>
    void Start();

    /// <summary>Copies the newest frame out if one has arrived since the previous call.</summary>
    /// <param name="frame">Receives <see cref="FeatureCount"/> features.</param>
    /// <param name="label">The frame's label, or -1 when it has none.</param>
    /// <returns>Whether a new frame was copied, none was new, or the source has ended.</returns>
    /// <exception cref="IOException">Reading failed; the loop counts a fault and tries again next tick.</exception>
    FrameRead TryReadLatest(Span<float> frame, out int label);
}
