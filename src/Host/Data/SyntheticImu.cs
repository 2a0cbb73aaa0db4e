using EdgeIL.Device.Streams;

namespace EdgeIL.Host.Data;

/// <summary>The kinds of motion the synthetic IMU stream switches between; a frame's label is its regime.</summary>
public enum MotionRegime
{
    /// <summary>At rest: gravity on a tilted sensor, sensor noise, a faint sway.</summary>
    Still,

    /// <summary>About 1.8 steps a second: a few m/s² and tens of degrees per second.</summary>
    Walking,

    /// <summary>About 2.8 steps a second: several times walking's amplitudes.</summary>
    Running,

    /// <summary>About 7 Hz of vigorous shaking on every axis, with more noise, at times beyond the sensor's range.</summary>
    Shaking,
}

/// <summary>
/// A deterministic synthetic MPU-6050 stream shaped like the frames <c>firmware-config/imu-anomaly.json</c>
/// learns from: 100 Hz samples of three accelerations (m/s²) and three angular rates (°/s), one frame
/// per 20 Hz tick holding the latest 25 samples (a quarter second, sample-major, oldest first), so
/// consecutive frames share 20 of their 25 samples as the device's do.
/// </summary>
/// <remarks>
/// <para>
/// Every channel is a sum of sines (a fundamental at the regime's step or shake rate, or half of it
/// for the channels that swing once per stride, and its second harmonic) on a baseline (gravity rotated
/// by the sensor's tilt, a gyroscope bias), plus Gaussian noise. The motion stays in one regime for a
/// segment of 10 to 60 seconds, then switches to another; each segment draws its own rate, amplitudes,
/// phases and tilt, so no two walks are the same.
/// </para>
/// <para>
/// Everything comes from <see cref="SplitMix64"/> seeded with the seed, so a seed gives the same stream
/// on every platform and .NET version. Reading allocates nothing.
/// </para>
/// </remarks>
public sealed class SyntheticImuStream : ISampleStream
{
    /// <summary>Values per sample: acceleration x, y, z and angular rate x, y, z.</summary>
    public const int Channels = 6;

    /// <summary>Samples per frame (imu-anomaly.json: <c>windowSamples</c>).</summary>
    public const int WindowSamples = 25;

    /// <summary>The sampling rate (imu-anomaly.json: <c>sampleHz</c>).</summary>
    public const double SampleHz = 100;

    /// <summary>New samples between frames: the sampling rate over the loop's 20 Hz tick.</summary>
    public const int HopSamples = 5;

    private const double Gravity = 9.81;

    // The MPU-6050's ranges as ImuSource configures them, ±2 g and ±250 °/s: beyond them the sensor saturates.
    private const double AccelerationRange = 2 * Gravity;
    private const double RotationRange = 250;
    private const double MinimumSegmentSeconds = 10;
    private const double MaximumSegmentSeconds = 60;
    private const int Harmonics = 2;

    // Sideways sway and the turning rates swing once per stride, at half the step rate.
    private static readonly bool[] s_perStride = [false, true, false, true, true, true];

    private readonly float[] _window = new float[WindowSamples * Channels];
    private readonly double[] _baseline = new double[Channels];
    private readonly double[] _amplitude = new double[Channels * Harmonics];
    private readonly double[] _phase = new double[Channels * Harmonics];
    private readonly double[] _cyclesPerSample = new double[Channels];
    private readonly double[] _noise = new double[Channels];
    private readonly MotionRegime? _only;
    private readonly long _maxFrames;
    private SplitMix64 _random;
    private double? _spareNormal;
    private long _segmentSamplesLeft;
    private long _segmentSample;
    private int _newest;
    private bool _disposed;

    /// <summary>Initializes a stream fixed by <paramref name="seed"/>.</summary>
    /// <param name="seed">Fixes every sample.</param>
    /// <param name="maxFrames">Frames after which the stream ends; null for no end.</param>
    /// <param name="only">Stay in this regime (every segment still draws new parameters); null to switch between all four.</param>
    public SyntheticImuStream(ulong seed, long? maxFrames = null, MotionRegime? only = null)
    {
        if (maxFrames is { } limit)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(limit, nameof(maxFrames));
        }

        _random = new SplitMix64(seed);
        _maxFrames = maxFrames ?? long.MaxValue;
        _only = only;
        Regime = only ?? (MotionRegime)_random.NextBelow(RegimeCount);
        _newest = -1;
    }

    /// <summary>The number of regimes.</summary>
    public static int RegimeCount => Enum.GetValues<MotionRegime>().Length;

    /// <inheritdoc/>
    public int FeatureCount => WindowSamples * Channels;

    /// <inheritdoc/>
    public int ClassCount => RegimeCount;

    /// <summary>The regime of the newest sample of the frame last read.</summary>
    public MotionRegime Regime { get; private set; }

    /// <summary>Frames read so far.</summary>
    public long FramesRead { get; private set; }

    /// <inheritdoc/>
    public bool TryRead(Span<float> features, out int label)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (features.Length < FeatureCount)
        {
            throw new ArgumentException($"The feature buffer holds {features.Length} values; frames have {FeatureCount}.", nameof(features));
        }

        label = -1;
        if (FramesRead >= _maxFrames)
        {
            return false;
        }

        // The first frame fills the whole window; later ones move it on by a tick's worth of samples.
        for (int i = FramesRead == 0 ? WindowSamples : HopSamples; i > 0; i--)
        {
            _newest = (_newest + 1) % WindowSamples;
            NextSample(_window.AsSpan(_newest * Channels, Channels));
        }

        int oldest = (_newest + 1) % WindowSamples;
        int head = (WindowSamples - oldest) * Channels;
        _window.AsSpan(oldest * Channels).CopyTo(features);
        _window.AsSpan(0, oldest * Channels).CopyTo(features[head..]);
        label = (int)Regime;
        FramesRead++;
        return true;
    }

    /// <summary>Marks the stream disposed.</summary>
    public void Dispose() => _disposed = true;

    private void NextSample(Span<float> sample)
    {
        if (_segmentSamplesLeft == 0)
        {
            StartSegment();
        }

        double t = _segmentSample++;
        _segmentSamplesLeft--;
        for (int c = 0; c < Channels; c++)
        {
            double value = _baseline[c];
            for (int h = 0; h < Harmonics; h++)
            {
                value += _amplitude[(c * Harmonics) + h] * Math.Sin((2 * Math.PI * (h + 1) * _cyclesPerSample[c] * t) + _phase[(c * Harmonics) + h]);
            }

            double range = c < 3 ? AccelerationRange : RotationRange;
            sample[c] = (float)Math.Clamp(value + (_noise[c] * NextNormal()), -range, range);
        }
    }

    /// <summary>Draws the next segment: its regime (a different one, unless fixed), length and motion.</summary>
    private void StartSegment()
    {
        if (_segmentSample > 0 && _only is null)
        {
            // Any regime but the current one, uniformly.
            Regime = (MotionRegime)(((int)Regime + 1 + _random.NextBelow(RegimeCount - 1)) % RegimeCount);
        }

        _segmentSample = 0;
        _segmentSamplesLeft = (long)(Uniform(MinimumSegmentSeconds, MaximumSegmentSeconds) * SampleHz);

        // Per regime: the fundamental in Hz; the amplitudes of the accelerations (x forward, y sideways,
        // z up) in m/s² and of the angular rates in °/s; the noise of each; the largest tilt in degrees.
        (double hz, double ax, double ay, double az, double gx, double gy, double gz, double accelNoise, double gyroNoise, double maxTiltDegrees) = Regime switch
        {
            MotionRegime.Still => (0.3, 0.03, 0.03, 0.03, 0.3, 0.3, 0.3, 0.02, 0.3, 30),
            MotionRegime.Walking => (1.8, 1.5, 0.8, 2.5, 20, 35, 10, 0.2, 2, 15),
            MotionRegime.Running => (2.8, 4, 2, 8, 60, 120, 30, 0.5, 5, 15),
            _ => (7, 8, 8, 6, 150, 150, 150, 1, 10, 90),
        };
        double rate = hz * Uniform(0.85, 1.15) / SampleHz;
        ReadOnlySpan<double> amplitudes = [ax, ay, az, gx, gy, gz];
        for (int c = 0; c < Channels; c++)
        {
            _cyclesPerSample[c] = s_perStride[c] && Regime is MotionRegime.Walking or MotionRegime.Running ? rate / 2 : rate;
            _noise[c] = c < 3 ? accelNoise : gyroNoise;
            for (int h = 0; h < Harmonics; h++)
            {
                // The second harmonic (heel strike, the shake's return) is weaker than the fundamental.
                _amplitude[(c * Harmonics) + h] = amplitudes[c] * Uniform(0.8, 1.2) * (h == 0 ? 1 : 0.3);
                _phase[(c * Harmonics) + h] = Uniform(0, 2 * Math.PI);
            }
        }

        // Gravity as the accelerometer reads it on a sensor tilted by roll and pitch, and a gyroscope bias.
        double roll = Uniform(-maxTiltDegrees, maxTiltDegrees) * Math.PI / 180;
        double pitch = Uniform(-maxTiltDegrees, maxTiltDegrees) * Math.PI / 180;
        _baseline[0] = -Gravity * Math.Sin(pitch);
        _baseline[1] = Gravity * Math.Cos(pitch) * Math.Sin(roll);
        _baseline[2] = Gravity * Math.Cos(pitch) * Math.Cos(roll);
        for (int c = 3; c < Channels; c++)
        {
            _baseline[c] = Uniform(-1, 1);
        }
    }

    private double Uniform(double low, double high) => low + ((high - low) * ((_random.Next() >> 11) * (1.0 / (1UL << 53))));

    /// <summary>A standard normal number (Box-Muller; the second of each pair is kept for the next call).</summary>
    private double NextNormal()
    {
        if (_spareNormal is { } spare)
        {
            _spareNormal = null;
            return spare;
        }

        double u = Uniform(double.Epsilon, 1);
        double radius = Math.Sqrt(-2 * Math.Log(u));
        double angle = Uniform(0, 2 * Math.PI);
        _spareNormal = radius * Math.Sin(angle);
        return radius * Math.Cos(angle);
    }
}

/// <summary>
/// The synthetic IMU as data for a run: a stream generated afresh for every run's seed, and a
/// held-out set of every regime in equal parts from seeds no run uses.
/// </summary>
public static class SyntheticImu
{
    /// <summary>The name in reports.</summary>
    public const string Name = "imu-synthetic";

    /// <summary>Held-out frames per regime.</summary>
    public const int HeldOutFramesPerRegime = 500;

    // Held-out frames are taken one second apart, so 500 of them span several segments of each regime.
    private const int HeldOutStrideFrames = 20;

    // Above any seed a user gives (1, 2, 3 ...) by far; the held-out streams also stay in one regime each.
    private const ulong HeldOutSeed = 0x5EED_0F_4E1D_0027UL;

    /// <summary>The data: a training stream generated per run from the run's seed, and the held-out set.</summary>
    public static TrainTestData Create()
    {
        int features = SyntheticImuStream.WindowSamples * SyntheticImuStream.Channels;

        // The training samples are generated, not stored: the empty set only gives their shape.
        var train = new LabeledDataset($"{Name}/train", features, [], [], SyntheticImuStream.RegimeCount);
        return new TrainTestData(Name, train, HeldOut(HeldOutFramesPerRegime), DataKind.Sensor)
        {
            TrainGenerator = (seed, frames) => new SyntheticImuStream(seed, frames),
        };
    }

    /// <summary><paramref name="framesPerRegime"/> frames of each regime, in regime order, labelled by regime.</summary>
    public static LabeledDataset HeldOut(int framesPerRegime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(framesPerRegime, 1);
        int features = SyntheticImuStream.WindowSamples * SyntheticImuStream.Channels;
        int regimes = SyntheticImuStream.RegimeCount;
        float[] values = new float[regimes * framesPerRegime * features];
        int[] labels = new int[regimes * framesPerRegime];
        float[] frame = new float[features];
        for (int r = 0; r < regimes; r++)
        {
            using var stream = new SyntheticImuStream(HeldOutSeed + (ulong)r, only: (MotionRegime)r);
            for (int i = 0; i < framesPerRegime; i++)
            {
                for (int skip = 0; skip < HeldOutStrideFrames; skip++)
                {
                    stream.TryRead(frame, out _);
                }

                int index = (r * framesPerRegime) + i;
                frame.CopyTo(values, index * features);
                labels[index] = r;
            }
        }

        return new LabeledDataset($"{Name}/test", features, values, labels, regimes);
    }
}
