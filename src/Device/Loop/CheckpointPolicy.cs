using EdgeIL.Device.Persistence;
using EdgeIL.Device.Safety;
using EdgeIL.Learner;

namespace EdgeIL.Device.Loop;

/// <summary>
/// When the loop saves: a checkpoint every so many learn steps or seconds (whichever comes first, and
/// only if something was learned since the last), on request, and once at the end; an ONNX export on
/// request. The writing itself happens on the <see cref="PersistenceWorker"/>'s thread; a request
/// the busy worker cannot take now is kept for the next tick, not lost.
/// </summary>
public sealed class CheckpointPolicy
{
    private readonly PersistenceWorker _persistence;
    private readonly DeviceRequests _requests;
    private readonly TimeProvider _time;
    private readonly int _everyLearnSteps;
    private readonly double _everySeconds;
    private long _lastCheckpointTimestamp;
    private long _learnStepsAtCheckpoint;
    private bool _exportPending;

    /// <summary>Initializes a new policy.</summary>
    /// <param name="persistence">The worker that writes checkpoints and exports.</param>
    /// <param name="requests">Checkpoint and export requests from signals, buttons and standard input.</param>
    /// <param name="time">The clock.</param>
    /// <param name="everyLearnSteps">Learn steps between checkpoints; 0 for no step-based checkpoints.</param>
    /// <param name="everySeconds">Seconds between checkpoints; 0 for no time-based checkpoints.</param>
    public CheckpointPolicy(PersistenceWorker persistence, DeviceRequests requests, TimeProvider time, int everyLearnSteps, double everySeconds)
    {
        ArgumentNullException.ThrowIfNull(persistence);
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfNegative(everyLearnSteps);
        ArgumentOutOfRangeException.ThrowIfNegative(everySeconds);
        _persistence = persistence;
        _requests = requests;
        _time = time;
        _everyLearnSteps = everyLearnSteps;
        _everySeconds = everySeconds;
    }

    /// <summary>Gets the worker that writes.</summary>
    public PersistenceWorker Persistence => _persistence;

    /// <summary>Starts the clock of the time-based checkpoints.</summary>
    /// <param name="now">The loop's start timestamp.</param>
    public void Start(long now) => _lastCheckpointTimestamp = now;

    /// <summary>Between ticks: hands the worker a checkpoint and/or export if one is due or requested.</summary>
    /// <param name="learner">The learner to save.</param>
    /// <param name="learnSteps">The learn steps run so far.</param>
    /// <param name="now">The current timestamp.</param>
    /// <param name="safety">The safety net, whose known-good model is saved with a checkpoint when it changed; null for none.</param>
    public void Between(OnlineLearner learner, long learnSteps, long now, SafetyNet? safety = null)
    {
        bool export = _requests.TakeExport() || _exportPending;
        bool checkpointRequested = _requests.TakeCheckpoint();
        long learnedSince = learnSteps - _learnStepsAtCheckpoint;
        bool checkpointDue = learnedSince > 0 && (
            (_everyLearnSteps > 0 && learnedSince >= _everyLearnSteps)
            || (_everySeconds > 0 && (now - _lastCheckpointTimestamp) / (double)_time.TimestampFrequency >= _everySeconds));
        bool checkpoint = checkpointRequested || checkpointDue;
        if (!checkpoint && !export)
        {
            return;
        }

        OnlineLearner? knownGood = checkpoint && safety is { KnownGoodChanged: true } ? safety.KnownGood : null;
        if (_persistence.TrySubmit(learner, checkpoint, export, knownGood))
        {
            if (checkpoint)
            {
                _learnStepsAtCheckpoint = learnSteps;
                _lastCheckpointTimestamp = now;
            }

            if (knownGood is not null)
            {
                safety!.KnownGoodSaved();
            }

            _exportPending = false;
        }
        else
        {
            // The worker is still writing the previous job; try again after the next tick.
            _exportPending = export;
            if (checkpointRequested)
            {
                _requests.RequestCheckpoint();
            }
        }
    }

    /// <summary>
    /// At the end of the run: saves what was learned since the last checkpoint (and a fresh model that
    /// was never saved), with a pending export, and waits for the worker to finish.
    /// </summary>
    /// <param name="learner">The learner to save.</param>
    /// <param name="learnSteps">The learn steps run.</param>
    /// <param name="resumed">Whether the run resumed from a checkpoint.</param>
    /// <param name="safety">The safety net, whose known-good model is saved too when it changed; null for none.</param>
    public void Finish(OnlineLearner learner, long learnSteps, bool resumed, SafetyNet? safety = null)
    {
        if (learnSteps > _learnStepsAtCheckpoint || (_persistence.CheckpointsSaved == 0 && !resumed))
        {
            _persistence.SaveNow(learner, export: _exportPending);
            _learnStepsAtCheckpoint = learnSteps;
        }
        else
        {
            _persistence.WaitIdle(TimeSpan.FromMinutes(1));
        }

        if (safety is { KnownGoodChanged: true })
        {
            _persistence.SaveKnownGoodNow(safety.KnownGood);
            safety.KnownGoodSaved();
        }
    }
}
