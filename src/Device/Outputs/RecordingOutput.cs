using EdgeIL.Device.Streams;

namespace EdgeIL.Device.Outputs;

/// <summary>Records every tick that had a frame (frame, target, prediction, score) for replay on the host.</summary>
public sealed class RecordingOutput : ITickOutput
{
    // Records reach the OS in blocks; this bounds what a crash can lose without a system call per tick.
    private const int FlushEveryRecords = 256;

    private readonly RecordingWriter _writer;
    private readonly bool _selfSupervised;

    /// <summary>Initializes a new output that owns <paramref name="writer"/>.</summary>
    /// <param name="writer">The recording.</param>
    /// <param name="selfSupervised">True to store the anomaly score, false the predicted class's probability.</param>
    public RecordingOutput(RecordingWriter writer, bool selfSupervised)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
        _selfSupervised = selfSupervised;
    }

    /// <inheritdoc/>
    public void Publish(in TickOutcome outcome, ReadOnlySpan<float> frame)
    {
        var tick = new RecordedTick(outcome.Tick, outcome.Label, outcome.PredictedClass, _selfSupervised ? outcome.AnomalyScore : outcome.Confidence);
        if (_writer.Write(tick, frame) && _writer.RecordCount % FlushEveryRecords == 0)
        {
            _writer.Flush();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _writer.Dispose();
}
