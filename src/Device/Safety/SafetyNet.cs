using System.Globalization;
using EdgeIL.Device.Loop;
using EdgeIL.Device.Outputs;
using EdgeIL.Learner;
using EdgeIL.Learner.Drift;

namespace EdgeIL.Device.Safety;

/// <summary>
/// The device's safety net: it notices when the model gets worse and brings a good one back, without
/// undoing a genuine change in the world (firmware-config/README.md, "The safety net").
/// </summary>
/// <remarks>
/// <para>
/// Every learnable frame's prequential loss goes to a drift detector, whose detections are reported.
/// One frame in <see cref="SafetyNetOptions.CanaryEvery"/> is withheld from learning and kept in the
/// <see cref="CanarySet"/>. Every <see cref="SafetyNetOptions.ScoreEveryTicks"/> ticks, between ticks,
/// the current model and the known-good model (the best so far on the canary) are scored on it: a
/// current model that scores at least as well becomes the known-good one; one that scores worse by
/// the margin for several scorings in a row is rolled back to it, replay memory and all.
/// </para>
/// <para>
/// A loss that rises because the model broke and one that rises because the world changed look the
/// same on the current model. The known-good model tells them apart: it does not learn from the live
/// frames, so its loss on them rises only when the frames themselves changed. At each scoring its mean
/// loss on the live frames since the last scoring is compared with its loss on the canary: worse by the
/// margin means the world changed, and then the canary is emptied (it describes the old world) and the
/// current model becomes the known-good one, instead of being rolled back.
/// </para>
/// <para>A stuck sensor's frames are neither learned nor kept, and its ticks are flagged anomalous.</para>
/// <para>
/// Nothing here allocates per tick. One learnable tick in four costs one more forward pass (the
/// known-good model on the frame); a scoring, between ticks, two per canary frame.
/// </para>
/// </remarks>
public sealed class SafetyNet
{
    /// <summary>The smallest difference of mean losses that counts as worse, whatever the margin.</summary>
    private const double MinimumLossDifference = 0.01;

    /// <summary>
    /// The known-good model scores one learnable frame in this many: its mean over a scoring period is
    /// as good an estimate from a quarter of the frames, and the tick, which pays for it, stays lighter.
    /// </summary>
    private const int KnownGoodSampleEvery = 4;

    private readonly SafetyNetOptions _options;
    private readonly TickMode _mode;
    private readonly OnlineLearner _knownGood;
    private readonly CanarySet? _canary;
    private readonly IDriftDetector? _drift;
    private readonly StuckSensorDetector? _stuck;
    private readonly TimeProvider _time;
    private readonly TextWriter? _log;
    private long _learnable;
    private long _lastScoringTick;
    private int _worseScorings;
    private double _knownGoodLiveLoss;
    private int _knownGoodLiveFrames;
    private int _framesSinceScoring;
    private int _repeatedSinceScoring;
    private bool _knownGoodDirty;
    private bool _wasStuck;

    /// <summary>Initializes a new safety net.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="mode">The tick mode whose learner is watched and whose scoring the canary uses.</param>
    /// <param name="knownGood">A learner of the same shape holding the known-good state (loaded from its file, or a copy of the current one).</param>
    /// <param name="time">The clock, for the times of events.</param>
    /// <param name="log">Where events are printed; null for nowhere.</param>
    public SafetyNet(SafetyNetOptions options, TickMode mode, OnlineLearner knownGood, TimeProvider time, TextWriter? log)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(mode);
        ArgumentNullException.ThrowIfNull(knownGood);
        ArgumentNullException.ThrowIfNull(time);
        _options = options;
        _mode = mode;
        _knownGood = knownGood;
        _time = time;
        _log = log;
        int features = mode.Learner.Model.InputSize;
        _drift = options.Drift?.Create();
        if (options.CanarySize > 0)
        {
            _canary = new CanarySet(options.CanarySize, features);
        }

        _stuck = options.StuckAfterFrames > 0 ? new StuckSensorDetector(features, options.StuckAfterFrames) : null;
    }

    /// <summary>Gets the known-good learner.</summary>
    public OnlineLearner KnownGood => _knownGood;

    /// <summary>Gets the canary set; null when it is off.</summary>
    public CanarySet? Canary => _canary;

    /// <summary>Gets the drifts detected in the prequential loss.</summary>
    public long Drifts => _drift?.Detections ?? 0;

    /// <summary>Gets the latest drift: the tick, the time and the change of the mean loss.</summary>
    public (long Tick, DateTimeOffset Time, double Size)? LastDrift { get; private set; }

    /// <summary>Gets the changes of the world seen on the known-good model's loss (each refreshed the canary).</summary>
    public long CanaryRefreshes { get; private set; }

    /// <summary>Gets the rollbacks to the known-good model.</summary>
    public long Rollbacks { get; private set; }

    /// <summary>Gets the latest rollback, in words; null before the first.</summary>
    public string? LastRollback { get; private set; }

    /// <summary>Gets the scorings done.</summary>
    public long Scorings { get; private set; }

    /// <summary>Gets the current model's mean loss on the canary at the latest scoring; NaN before the first.</summary>
    public double CurrentCanaryLoss { get; private set; } = double.NaN;

    /// <summary>Gets the known-good model's mean loss on the canary at the latest scoring; NaN before the first.</summary>
    public double KnownGoodCanaryLoss { get; private set; } = double.NaN;

    /// <summary>Gets whether the sensor counts as stuck now.</summary>
    public bool SensorStuck => _stuck?.IsStuck ?? false;

    /// <summary>Gets the ticks whose frame was ignored because the sensor was stuck.</summary>
    public long StuckTicks { get; private set; }

    /// <summary>
    /// In the tick, after the mode predicted: watches the frame and decides whether the loop may learn
    /// from it (a stuck sensor's frame and a canary frame are not learned).
    /// </summary>
    /// <param name="tick">The tick.</param>
    /// <param name="frame">The frame the mode predicted for.</param>
    /// <param name="learn">Whether the mode had something to learn.</param>
    /// <param name="outcome">The tick's outcome; a stuck sensor's is marked anomalous.</param>
    /// <returns>Whether the loop should learn from the frame.</returns>
    public bool OnFrame(long tick, ReadOnlySpan<float> frame, bool learn, ref TickOutcome outcome)
    {
        _framesSinceScoring++;
        if (_stuck is not null && _stuck.Observe(frame))
        {
            StuckTicks++;
            if (!_wasStuck)
            {
                _wasStuck = true;
                int removed = _canary?.RemoveEqual(frame) ?? 0;
                Log(tick, $"sensor stuck: the same frame {_stuck.Repeats + 1} times in a row; its frames are not learned (and {removed} already in the canary were taken out) and the ticks are flagged anomalous until it changes");
            }

            outcome = outcome with { IsAnomaly = true };
            return false;
        }

        if (_wasStuck)
        {
            _wasStuck = false;
            Log(tick, "sensor live again: learning resumes");
        }

        if (_stuck?.Repeats > 0)
        {
            _repeatedSinceScoring++;
        }

        if (!learn)
        {
            return false;
        }

        int label = _mode.LastLabel;
        if (_drift is not null && _drift.Add(_mode.LastLoss))
        {
            DriftDetection detection = _drift.LastDetection!.Value;
            LastDrift = (tick, _time.GetUtcNow(), detection.Size);
            Log(tick, string.Create(CultureInfo.InvariantCulture, $"drift ({_drift.Name}): the prequential loss went from {detection.MeanBefore:G4} to {detection.MeanAfter:G4}, starting about {detection.Delay} frames ago"));
        }

        if (_canary is null)
        {
            return true;
        }

        // The known-good model does not learn from these frames, so its loss on them moves only if
        // the frames changed, never because the learner broke.
        if (++_learnable % KnownGoodSampleEvery == 0)
        {
            double knownGoodLoss = _mode.Score(_knownGood.Model, frame, label);
            if (double.IsFinite(knownGoodLoss))
            {
                _knownGoodLiveLoss += knownGoodLoss;
                _knownGoodLiveFrames++;
            }
        }

        // Frames the autoencoder finds anomalous are learned but not kept: the canary should describe
        // the normal world, not a fault.
        if (_learnable % _options.CanaryEvery == 0 && !outcome.IsAnomaly)
        {
            _canary.Add(frame, label);
            return false;
        }

        return true;
    }

    /// <summary>Between ticks: scores the two models when due, and keeps, replaces or restores.</summary>
    /// <param name="tick">The latest tick.</param>
    public void Between(long tick)
    {
        if (_canary is null || tick - _lastScoringTick < _options.ScoreEveryTicks)
        {
            return;
        }

        _lastScoringTick = tick;
        OnlineLearner current = _mode.Learner;
        double live = _knownGoodLiveFrames == 0 ? double.NaN : _knownGoodLiveLoss / _knownGoodLiveFrames;
        bool repeating = _repeatedSinceScoring * 2 > _framesSinceScoring;
        _knownGoodLiveLoss = 0;
        _knownGoodLiveFrames = 0;
        _framesSinceScoring = 0;
        _repeatedSinceScoring = 0;

        // Frames that mostly repeat the one before are a sensor getting stuck, not a new world: no
        // verdict on them (the stuck-sensor check takes over once they have lasted long enough).
        if (repeating)
        {
            return;
        }

        // Half a canary is enough to compare on; less would make the scores noise.
        if (_canary.Count < Math.Max(1, _canary.Capacity / 2))
        {
            return;
        }

        Scorings++;
        CurrentCanaryLoss = MeanLoss(current.Model);
        KnownGoodCanaryLoss = MeanLoss(_knownGood.Model);
        if (live > Worse(KnownGoodCanaryLoss))
        {
            // The known-good model does worse on today's frames than on the canary's: the frames
            // changed. The canary describes a world that is gone, so it starts afresh, and the model
            // that is learning the new one becomes the known-good one instead of being undone.
            _canary.Clear();
            AdoptCurrent(current);
            CanaryRefreshes++;
            Log(tick, string.Create(CultureInfo.InvariantCulture, $"the world changed: the known-good model scores {live:G4} on the latest frames against {KnownGoodCanaryLoss:G4} on the canary; the canary starts afresh and the current model becomes the known-good one"));
            return;
        }

        if (!double.IsFinite(KnownGoodCanaryLoss) || CurrentCanaryLoss <= KnownGoodCanaryLoss)
        {
            AdoptCurrent(current);
            return;
        }

        if (!double.IsFinite(CurrentCanaryLoss) || CurrentCanaryLoss > Worse(KnownGoodCanaryLoss))
        {
            if (++_worseScorings >= _options.RollbackAfterScorings)
            {
                RollBack(tick, current);
            }
        }
        else
        {
            _worseScorings = 0;
        }
    }

    /// <summary>Gets whether the known-good model changed since it was last saved.</summary>
    public bool KnownGoodChanged => _knownGoodDirty;

    /// <summary>Records that the known-good model as it is now has been handed to the persistence worker.</summary>
    public void KnownGoodSaved() => _knownGoodDirty = false;

    /// <summary>Puts the safety net's figures into the status.</summary>
    /// <param name="status">The status being filled.</param>
    public void Report(DeviceStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        status.Drifts = Drifts;
        status.LastDriftTick = LastDrift?.Tick;
        status.LastDriftUtc = LastDrift?.Time;
        status.LastDriftSize = LastDrift is { } drift ? Math.Round(drift.Size, 6) : null;
        status.CanaryCount = _canary?.Count;
        status.CanaryLoss = double.IsFinite(CurrentCanaryLoss) ? Math.Round(CurrentCanaryLoss, 6) : null;
        status.KnownGoodLoss = double.IsFinite(KnownGoodCanaryLoss) ? Math.Round(KnownGoodCanaryLoss, 6) : null;
        status.CanaryRefreshes = _canary is null ? null : CanaryRefreshes;
        status.Rollbacks = Rollbacks;
        status.LastRollback = LastRollback;
        status.SensorStuck = _stuck is null ? null : SensorStuck;
        status.StuckTicks = _stuck is null ? null : StuckTicks;
    }

    /// <summary>The loss above which a model counts as worse than one scoring <paramref name="loss"/>.</summary>
    /// <remarks>
    /// Relative, plus a floor: a model that has learned its canary perfectly scores near 0, and a
    /// purely relative margin would then call the next model's noise a failure.
    /// </remarks>
    private double Worse(double loss) => (loss * (1 + _options.RollbackMargin)) + MinimumLossDifference;

    private double MeanLoss(Mlp model)
    {
        double sum = 0;
        for (int i = 0; i < _canary!.Count; i++)
        {
            sum += _mode.Score(model, _canary.Frame(i), _canary.Label(i));
        }

        return sum / _canary.Count;
    }

    private void AdoptCurrent(OnlineLearner current)
    {
        _knownGood.RestoreStateFrom(current);
        _knownGoodDirty = true;
        _worseScorings = 0;
    }

    private void RollBack(long tick, OnlineLearner current)
    {
        _worseScorings = 0;
        current.RestoreStateFrom(_knownGood);
        Rollbacks++;
        LastRollback = string.Create(
            CultureInfo.InvariantCulture,
            $"tick {tick} at {_time.GetUtcNow():O}: canary loss {CurrentCanaryLoss:G4} against the known-good {KnownGoodCanaryLoss:G4} for {_options.RollbackAfterScorings} scorings in a row");
        Log(tick, $"rolled back to the known-good model: {LastRollback}");

        // The restored model is a new series for the detector on the live loss.
        _drift?.Restart();
    }

    private void Log(long tick, string message) => _log?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tick {tick}: {message}"));
}
