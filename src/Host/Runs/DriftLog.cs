using EdgeIL.Learner.Drift;

namespace EdgeIL.Host.Runs;

/// <summary>A change found in a run's prequential loss, placed on the stream's sample numbers.</summary>
/// <param name="Sample">The sample (1-based) on which the change was detected.</param>
/// <param name="ChangeSample">The sample at which the detector estimates the change began.</param>
/// <param name="Detection">The detector's own account: the loss's mean before and after.</param>
public sealed record DriftEvent(long Sample, long ChangeSample, DriftDetection Detection);

/// <summary>
/// Feeds a run's per-sample prequential loss to a drift detector and keeps what it finds, at most
/// <see cref="MaximumEvents"/> of them (a detector on a noisy stream over millions of samples must
/// not fill the memory; the count goes on).
/// </summary>
public sealed class DriftLog
{
    /// <summary>The most events kept.</summary>
    public const int MaximumEvents = 10_000;

    private readonly IDriftDetector? _detector;
    private readonly List<DriftEvent> _events = [];

    /// <summary>Initializes a new log; with null settings it records nothing.</summary>
    /// <param name="settings">The detector, or null for none.</param>
    public DriftLog(DriftDetectorSettings? settings) => _detector = settings?.Create();

    /// <summary>Gets the events kept, in stream order.</summary>
    public IReadOnlyList<DriftEvent> Events => _events;

    /// <summary>Gets every detection, kept or not.</summary>
    public long Count => _detector?.Detections ?? 0;

    /// <summary>Adds one sample's prequential loss.</summary>
    /// <param name="sample">The sample's number in the stream, 1-based.</param>
    /// <param name="loss">Its loss, scored before learning from it.</param>
    public void Add(long sample, double loss)
    {
        if (_detector is null || !_detector.Add(loss) || _events.Count == MaximumEvents)
        {
            return;
        }

        DriftDetection detection = _detector.LastDetection!.Value;
        _events.Add(new DriftEvent(sample, sample - detection.Delay, detection));
    }
}
