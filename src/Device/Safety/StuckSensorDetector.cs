namespace EdgeIL.Device.Safety;

/// <summary>
/// Notices a sensor that has stopped changing: the same values in every frame for a given number of
/// frames in a row. A live camera or IMU never repeats itself exactly (its noise alone differs), so an
/// exact repeat that lasts is a frozen driver, a dead bus or a sensor stuck at a rail.
/// </summary>
/// <remarks>Keeps one copy of the previous frame; allocates nothing per frame.</remarks>
public sealed class StuckSensorDetector
{
    private readonly float[] _previous;
    private bool _hasPrevious;

    /// <summary>Initializes a new detector.</summary>
    /// <param name="features">Values per frame.</param>
    /// <param name="stuckAfterFrames">Identical frames in a row (after the first) that make the sensor stuck, range &gt;= 1.</param>
    public StuckSensorDetector(int features, int stuckAfterFrames)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stuckAfterFrames, 1);
        _previous = new float[features];
        StuckAfterFrames = stuckAfterFrames;
    }

    /// <summary>Gets the identical frames in a row that make the sensor stuck.</summary>
    public int StuckAfterFrames { get; }

    /// <summary>Gets the frames in a row that repeated the one before.</summary>
    public long Repeats { get; private set; }

    /// <summary>Gets whether the sensor counts as stuck now.</summary>
    public bool IsStuck => Repeats >= StuckAfterFrames;

    /// <summary>Looks at the next frame.</summary>
    /// <param name="frame">The frame.</param>
    /// <returns>True when the sensor is stuck, counting this frame.</returns>
    public bool Observe(ReadOnlySpan<float> frame)
    {
        if (_hasPrevious && frame.SequenceEqual(_previous))
        {
            Repeats = Math.Min(Repeats + 1, long.MaxValue / 2);
        }
        else
        {
            frame.CopyTo(_previous);
            _hasPrevious = true;
            Repeats = 0;
        }

        return IsStuck;
    }
}
