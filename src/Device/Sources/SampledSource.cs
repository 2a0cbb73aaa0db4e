namespace EdgeIL.Device.Sources;

/// <summary>
/// A source that samples a sensor at a fixed rate on a background task and hands the loop the latest
/// window of samples as a frame: <see cref="WindowSamples"/> samples of <see cref="Channels"/> values,
/// oldest first, sample-major (<c>s0c0, s0c1, ..., s1c0, ...</c>).
/// </summary>
/// <remarks>
/// Sampling runs apart from the loop so that the sample rate holds while a tick learns, and a window
/// always covers the same span of time whatever the loop's load. A failed read (a bus error) is counted
/// in <see cref="Faults"/> and leaves the window as it was; the loop decides when too many is too many.
/// </remarks>
public abstract class SampledSource : IFrameSource
{
    private readonly float[] _ring;
    private readonly float[] _sample;
    private readonly Lock _lock = new();
    private readonly TimeSpan _samplePeriod;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private Task? _sampling;
    private int _next;
    private int _filled;
    private long _unread;
    private long _faults;
    private string? _lastFault;
    private bool _disposed;

    /// <summary>Initializes a new source.</summary>
    /// <param name="channels">Values per sample, range &gt;= 1.</param>
    /// <param name="windowSamples">Samples per frame, range &gt;= 1.</param>
    /// <param name="sampleHz">The sampling rate, range &gt; 0.</param>
    /// <param name="time">The clock the sampling timer runs on.</param>
    protected SampledSource(int channels, int windowSamples, double sampleHz, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowSamples, 1);
        if (!(sampleHz > 0 && double.IsFinite(sampleHz)))
        {
            throw new ArgumentOutOfRangeException(nameof(sampleHz), sampleHz, "The sample rate must be finite and > 0.");
        }

        ArgumentNullException.ThrowIfNull(time);
        Channels = channels;
        WindowSamples = windowSamples;
        _ring = new float[checked(channels * windowSamples)];
        _sample = new float[channels];
        _samplePeriod = TimeSpan.FromSeconds(1 / sampleHz);
        _time = time;
    }

    /// <summary>Gets the values per sample.</summary>
    public int Channels { get; }

    /// <summary>Gets the samples per frame.</summary>
    public int WindowSamples { get; }

    /// <inheritdoc/>
    public abstract string Description { get; }

    /// <inheritdoc/>
    public int FeatureCount => _ring.Length;

    /// <inheritdoc/>
    public int ClassCount => 0;

    /// <inheritdoc/>
    public long Faults => Interlocked.Read(ref _faults);

    /// <inheritdoc/>
    public string? LastFault => Volatile.Read(ref _lastFault);

    /// <inheritdoc/>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_sampling is not null)
        {
            return;
        }

        _sampling = Task.Run(SampleLoopAsync);
    }

    /// <summary>Takes one sample now and adds it to the window (the sampling task calls this at the sample rate).</summary>
    /// <returns>True when the read succeeded; false when it failed and was counted as a fault.</returns>
    public bool SampleOnce()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            ReadSample(_sample);
        }
        catch (Exception exception) when (exception is IOException or InvalidOperationException or TimeoutException)
        {
            Interlocked.Increment(ref _faults);
            Volatile.Write(ref _lastFault, $"{Description}: {exception.Message}");
            return false;
        }

        lock (_lock)
        {
            _sample.CopyTo(_ring.AsSpan(_next * Channels, Channels));
            _next = (_next + 1) % WindowSamples;
            _filled = Math.Min(_filled + 1, WindowSamples);
            _unread++;
        }

        return true;
    }

    /// <inheritdoc/>
    public FrameRead TryReadLatest(Span<float> frame, out int label)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        label = -1;
        if (frame.Length < _ring.Length)
        {
            throw new ArgumentException($"The frame buffer holds {frame.Length} values; frames have {_ring.Length}.", nameof(frame));
        }

        lock (_lock)
        {
            if (_filled < WindowSamples || _unread == 0)
            {
                return FrameRead.NoNewFrame;
            }

            // The ring's oldest sample is at _next once it is full; unroll it oldest first.
            int split = _next * Channels;
            _ring.AsSpan(split).CopyTo(frame);
            _ring.AsSpan(0, split).CopyTo(frame[(_ring.Length - split)..]);
            _unread = 0;
            return FrameRead.Frame;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _stop.Cancel();
        try
        {
            _sampling?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Cancellation surfaces here; the task has stopped either way.
        }

        _disposed = true;
        DisposeDevice();
        _stop.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Reads one sample from the sensor.</summary>
    /// <param name="sample">Receives <see cref="Channels"/> values.</param>
    /// <exception cref="IOException">The bus read failed.</exception>
    protected abstract void ReadSample(Span<float> sample);

    /// <summary>Releases the sensor and its bus.</summary>
    protected abstract void DisposeDevice();

    private async Task SampleLoopAsync()
    {
        using var timer = new PeriodicTimer(_samplePeriod, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                SampleOnce();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
