using EdgeIL.Device.Streams;

namespace EdgeIL.Device.Sources;

/// <summary>
/// Replays an <see cref="ISampleStream"/> (an IDX or CSV dataset, or a device recording) as frames:
/// each read is the stream's next sample, as if a sensor had produced it since the previous tick.
/// </summary>
public sealed class ReplaySource : IFrameSource
{
    private readonly ISampleStream _stream;
    private bool _ended;

    /// <summary>Initializes a new source that owns <paramref name="stream"/>.</summary>
    /// <param name="stream">The samples; disposed with the source.</param>
    /// <param name="description">A description for logs.</param>
    public ReplaySource(ISampleStream stream, string description)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(description);
        _stream = stream;
        Description = description;
    }

    /// <inheritdoc/>
    public string Description { get; }

    /// <inheritdoc/>
    public int FeatureCount => _stream.FeatureCount;

    /// <inheritdoc/>
    public int ClassCount => _stream.ClassCount;

    /// <inheritdoc/>
    public long Faults => 0;

    /// <inheritdoc/>
    public string? LastFault => null;

    /// <inheritdoc/>
    public void Start()
    {
    }

    /// <inheritdoc/>
    public FrameRead TryReadLatest(Span<float> frame, out int label)
    {
        label = -1;
        if (_ended)
        {
            return FrameRead.Ended;
        }

        if (_stream.TryRead(frame, out label))
        {
            return FrameRead.Frame;
        }

        _ended = true;
        return FrameRead.Ended;
    }

    /// <inheritdoc/>
    public void Dispose() => _stream.Dispose();
}
