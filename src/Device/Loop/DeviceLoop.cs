using System.Globalization;
using System.Numerics.Tensors;
using EdgeIL.Device.Outputs;
using EdgeIL.Device.Persistence;
using EdgeIL.Device.Sources;
using EdgeIL.Device.Targets;
using EdgeIL.Learner;

namespace EdgeIL.Device.Loop;

/// <summary>
/// The device's fixed-timestep loop: each tick takes the newest frame, predicts, publishes the
/// outcome, and learns from the target if there is one, within an inference budget that adapts to the
/// time left in the tick. Between ticks it saves checkpoints, serves requests and writes the status.
/// </summary>
/// <remarks>
/// <para>
/// Timing comes from the injected <see cref="TimeProvider"/>: timestamps for measuring (on
/// <see cref="TimeProvider.System"/> these are <see cref="System.Diagnostics.Stopwatch"/> ticks) and a
/// timer for waiting, so tests drive the loop with a manual clock and no real time passes.
/// </para>
/// <para>
/// A tick allocates nothing: frame, output and target buffers are made once, the learner's steps are
/// allocation-free, and outputs write into buffers of their own. Reporting and persistence run between
/// ticks, outside the measured tick time, and file writes other than the small status file happen on
/// the persistence worker's thread.
/// </para>
/// </remarks>
public sealed class DeviceLoop : IDisposable
{
    private readonly OnlineLearner _learner;
    private readonly IFrameSource _source;
    private readonly ITargetSource? _targets;
    private readonly AnomalyDetector? _anomaly;
    private readonly ITickOutput[] _outputs;
    private readonly PersistenceWorker _persistence;
    private readonly StatusFile _statusFile;
    private readonly TextWriter? _console;
    private readonly DeviceRequests _requests;
    private readonly TimeProvider _time;
    private readonly DeviceLoopOptions _options;
    private readonly FixedTimestep _schedule;
    private readonly IterationBudget _budget;
    private readonly TickStatistics _tickTimes = new();
    private readonly PrequentialAccuracy? _accuracy;
    private readonly ManualResetEventSlim _wake = new(initialState: false);
    private readonly ITimer _timer;
    private readonly float[] _frame;
    private readonly float[] _output;
    private readonly float[] _target;
    private readonly double _periodSeconds;
    private readonly double _timestampSeconds;
    private readonly DeviceStatus _status = new();
    private long _startTimestamp;
    private long _lastFrameTimestamp;
    private long _lastStatusTimestamp;
    private long _lastPrintTimestamp;
    private long _lastCheckpointTimestamp;
    private long _learnStepsAtCheckpoint;
    private int _consecutiveFaults;
    private bool _exportPending;
    private long _loopFaults;
    private string? _lastLoopFault;

    /// <summary>Initializes a new loop. The loop owns nothing passed in except its own timer; <see cref="DeviceRuntime"/> owns the parts.</summary>
    /// <param name="learner">The learner; its model predicts and learns.</param>
    /// <param name="source">Where frames come from.</param>
    /// <param name="targets">Where classifier targets come from; null for the self-supervised autoencoder.</param>
    /// <param name="anomaly">The anomaly detector (self-supervised); null for classifiers.</param>
    /// <param name="outputs">The outputs every tick is published to.</param>
    /// <param name="budget">The inference budget and its adaptation.</param>
    /// <param name="persistence">The checkpoint and export worker.</param>
    /// <param name="statusFile">The status file.</param>
    /// <param name="console">Where status lines are printed; null for none.</param>
    /// <param name="requests">Requests from signals, buttons and standard input.</param>
    /// <param name="time">The clock.</param>
    /// <param name="options">Timing, reporting and persistence policy.</param>
    public DeviceLoop(
        OnlineLearner learner,
        IFrameSource source,
        ITargetSource? targets,
        AnomalyDetector? anomaly,
        IReadOnlyList<ITickOutput> outputs,
        IterationBudget budget,
        PersistenceWorker persistence,
        StatusFile statusFile,
        TextWriter? console,
        DeviceRequests requests,
        TimeProvider time,
        DeviceLoopOptions options)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(persistence);
        ArgumentNullException.ThrowIfNull(statusFile);
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        if ((targets is null) == (anomaly is null))
        {
            throw new ArgumentException("Give targets for a classifier or an anomaly detector for an autoencoder, not both or neither.", nameof(targets));
        }

        Mlp model = learner.Model;
        if (model.InputSize != source.FeatureCount)
        {
            throw new ArgumentException($"The source gives {source.FeatureCount} features; the model takes {model.InputSize}.", nameof(source));
        }

        if (anomaly is not null && model.OutputSize != model.InputSize)
        {
            throw new ArgumentException("A self-supervised model reconstructs its input, so its output size must equal its input size.", nameof(learner));
        }

        _learner = learner;
        _source = source;
        _targets = targets;
        _anomaly = anomaly;
        _outputs = [.. outputs];
        _budget = budget;
        _persistence = persistence;
        _statusFile = statusFile;
        _console = console;
        _requests = requests;
        _time = time;
        _options = options;
        _timestampSeconds = 1.0 / time.TimestampFrequency;
        _periodSeconds = 1.0 / options.TickHz;
        _schedule = new FixedTimestep(Math.Max(1, (long)Math.Round(time.TimestampFrequency / options.TickHz)), options.MaxCatchUpTicks);
        _accuracy = targets is null ? null : new PrequentialAccuracy(options.PrequentialWindow);
        _frame = new float[model.InputSize];
        _output = new float[model.OutputSize];
        _target = new float[model.OutputSize];
        _timer = time.CreateTimer(static state => ((ManualResetEventSlim)state!).Set(), _wake, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _status.Name = options.Name;
        _status.TickHz = options.TickHz;
        _status.Algorithm = learner.Algorithm.Name();
        _status.Source = source.Description;
    }

    /// <summary>Gets the ticks run.</summary>
    public long Ticks { get; private set; }

    /// <summary>Gets the ticks whose work overran the period.</summary>
    public long Overruns { get; private set; }

    /// <summary>Gets the ticks dropped by the catch-up clamp.</summary>
    public long MissedTicks => _schedule.MissedTicks;

    /// <summary>Gets the ticks on which no new frame had arrived.</summary>
    public long NoFrameTicks { get; private set; }

    /// <summary>Gets the learn steps run.</summary>
    public long LearnSteps { get; private set; }

    /// <summary>Gets the ticks that had a target but no time to learn.</summary>
    public long SkippedLearns { get; private set; }

    /// <summary>Gets the faults counted by the loop, the source and the persistence worker.</summary>
    public long Faults => _loopFaults + _source.Faults + _persistence.Faults;

    /// <summary>Gets the inference budget and its adaptation.</summary>
    public IterationBudget Budget => _budget;

    /// <summary>Gets the prequential accuracy (classifiers); null in self-supervised mode.</summary>
    public PrequentialAccuracy? Accuracy => _accuracy;

    /// <summary>Gets the anomaly detector (self-supervised); null for classifiers.</summary>
    public AnomalyDetector? Anomaly => _anomaly;

    /// <summary>Gets the checkpoint the run resumed from, for the status file; set by the composer.</summary>
    public string? ResumedFrom { get; init; }

    /// <summary>Gets the message of the failure that ended the run, when it ended with <see cref="LoopExit.SourceFailed"/>.</summary>
    public string? FailureMessage { get; private set; }

    /// <summary>Runs ticks at the tick rate until a stop is requested, the tick limit is reached, or the source ends or fails.</summary>
    /// <param name="maxTicks">The number of ticks after which to stop; null for no limit.</param>
    /// <returns>Why the loop ended.</returns>
    public LoopExit Run(long? maxTicks = null)
    {
        _source.Start();
        _targets?.Start();
        long now = _time.GetTimestamp();
        _startTimestamp = _lastFrameTimestamp = _lastStatusTimestamp = _lastPrintTimestamp = _lastCheckpointTimestamp = now;
        _schedule.Start(now);
        using CancellationTokenRegistration wakeOnStop = _requests.StopToken.Register(static state => ((ManualResetEventSlim)state!).Set(), _wake);
        LoopExit exit;
        while (true)
        {
            if (_requests.StopRequested)
            {
                exit = LoopExit.Stopped;
                break;
            }

            if (maxTicks is { } limit && Ticks >= limit)
            {
                exit = LoopExit.TickLimit;
                break;
            }

            int due = _schedule.Advance(_time.GetTimestamp());
            if (due == 0)
            {
                Wait(_schedule.TimeUntilNextTick);
                continue;
            }

            LoopExit? ended = null;
            for (int i = 0; i < due && ended is null; i++)
            {
                if (maxTicks is { } cap && Ticks >= cap)
                {
                    break;
                }

                _schedule.ConsumeTick();
                ended = RunTick();
            }

            if (ended is { } reason)
            {
                exit = reason;
                break;
            }

            Housekeeping(_time.GetTimestamp());
        }

        Finish(exit);
        return exit;
    }

    /// <summary>Runs one tick now: read, predict, publish, learn. <see cref="Run"/> calls it on schedule.</summary>
    /// <returns>Null to go on; otherwise why the loop must end.</returns>
    public LoopExit? RunTick()
    {
        long tickStart = _time.GetTimestamp();
        long tick = Ticks++;
        FrameRead read;
        int frameLabel;
        try
        {
            read = _source.TryReadLatest(_frame, out frameLabel);
        }
        catch (Exception exception) when (exception is IOException or InvalidOperationException or TimeoutException)
        {
            LoopFault($"{_source.Description}: {exception.Message}");
            EndTick(tickStart, LearnOutcome.NothingToLearn);
            return ++_consecutiveFaults >= _options.ConsecutiveFaultLimit
                ? Fail($"{_consecutiveFaults} source faults in a row; the last: {exception.Message}")
                : null;
        }

        if (read == FrameRead.Ended)
        {
            Ticks--;
            return LoopExit.SourceEnded;
        }

        if (read == FrameRead.NoNewFrame)
        {
            NoFrameTicks++;
            EndTick(tickStart, LearnOutcome.NothingToLearn);
            double silentSeconds = (tickStart - _lastFrameTimestamp) * _timestampSeconds;
            return silentSeconds > _options.FrameTimeoutSeconds
                ? Fail($"no frame from {_source.Description} for {silentSeconds:F1} s{(_source.LastFault is { } fault ? $"; last fault: {fault}" : string.Empty)}")
                : null;
        }

        _lastFrameTimestamp = tickStart;
        _consecutiveFaults = 0;
        Mlp model = _learner.Model;
        TickOutcome outcome;
        int label = -1;
        if (_anomaly is null)
        {
            model.Predict(_frame, _output);
            int predicted = TensorPrimitives.IndexOfMax(_output);
            label = _targets!.CurrentLabel(frameLabel);
            if ((uint)label >= (uint)model.OutputSize)
            {
                label = -1;
            }

            if (label >= 0)
            {
                _accuracy!.Add(predicted == label);
            }

            outcome = new TickOutcome(tick, predicted, _output[predicted], label, float.NaN, false);
        }
        else
        {
            // The autoencoder's target is the input as the network sees it (after the input stage);
            // a sigmoid head can only reach 0..1, so its target is clamped there.
            model.Input.Apply(_frame, _target);
            if (model.Head == OutputHead.Sigmoid)
            {
                TensorPrimitives.Clamp(_target, 0f, 1f, _target);
            }

            model.Predict(_frame, _output);
            float score = MeanSquaredError(_output, _target);
            bool anomalous = _anomaly.Observe(score);
            outcome = new TickOutcome(tick, -1, float.NaN, -1, score, anomalous);
        }

        Publish(outcome);

        LearnOutcome learned = LearnOutcome.NothingToLearn;
        if (_anomaly is not null || label >= 0)
        {
            double remaining = _periodSeconds - ((_time.GetTimestamp() - tickStart) * _timestampSeconds);
            int iterations = _budget.Plan(remaining);
            if (iterations < 0)
            {
                SkippedLearns++;
                learned = LearnOutcome.Skipped;
            }
            else
            {
                long learnStart = _time.GetTimestamp();
                LearnResult result = _anomaly is null
                    ? _learner.LearnClass(_frame, label, iterations)
                    : _learner.Learn(_frame, _target, iterations);
                _budget.ObserveLearn(result.Iterations, (_time.GetTimestamp() - learnStart) * _timestampSeconds);
                LearnSteps++;
                learned = LearnOutcome.Learned;
                if (!result.Applied)
                {
                    LoopFault($"learn step refused ({result.Status}): the sample or the step was not finite; check the input scaling");
                }
            }
        }

        EndTick(tickStart, learned);
        return null;
    }

    /// <summary>Writes status.json now.</summary>
    /// <param name="state">The state to report: "running", "stopped" or "failed".</param>
    public void WriteStatus(string state = "running")
    {
        FillStatus(state);
        try
        {
            _statusFile.Write(_status);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            LoopFault($"status file: {exception.Message}");
        }
    }

    /// <summary>Gets the status as it would be written now.</summary>
    /// <returns>The loop's own status object, refreshed; not a copy, so the next status write changes it.</returns>
    public DeviceStatus SnapshotStatus()
    {
        FillStatus("running");
        return _status;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _timer.Dispose();
        _wake.Dispose();
    }

    private static float MeanSquaredError(ReadOnlySpan<float> output, ReadOnlySpan<float> target)
    {
        double sum = 0;
        for (int i = 0; i < output.Length; i++)
        {
            double difference = output[i] - target[i];
            sum += difference * difference;
        }

        return (float)(sum / output.Length);
    }

    private void Publish(in TickOutcome outcome)
    {
        foreach (ITickOutput output in _outputs)
        {
            try
            {
                output.Publish(outcome, _frame);
            }
            catch (Exception exception) when (exception is IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                // A failed LED write or a full card must not stop the learning.
                LoopFault($"output: {exception.Message}");
            }
        }
    }

    private void EndTick(long tickStart, LearnOutcome learned)
    {
        double seconds = (_time.GetTimestamp() - tickStart) * _timestampSeconds;
        _tickTimes.Record(seconds);
        if (seconds > _periodSeconds)
        {
            Overruns++;
        }

        _budget.ObserveTick(seconds, _periodSeconds, learned);
    }

    private LoopExit Fail(string message)
    {
        FailureMessage = message;
        LoopFault(message);
        return LoopExit.SourceFailed;
    }

    private void LoopFault(string message)
    {
        _loopFaults++;
        _lastLoopFault = message;
    }

    private void Wait(long timestampTicks)
    {
        var delay = TimeSpan.FromSeconds(timestampTicks * _timestampSeconds);
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        _wake.Reset();
        if (_requests.StopRequested)
        {
            return;
        }

        _timer.Change(delay, Timeout.InfiniteTimeSpan);
        _wake.Wait();
    }

    private void Housekeeping(long now)
    {
        bool export = _requests.TakeExport() || _exportPending;
        bool checkpointRequested = _requests.TakeCheckpoint();
        long learnedSince = LearnSteps - _learnStepsAtCheckpoint;
        bool checkpointDue = learnedSince > 0 && (
            (_options.CheckpointEveryLearnSteps > 0 && learnedSince >= _options.CheckpointEveryLearnSteps)
            || (_options.CheckpointEverySeconds > 0 && (now - _lastCheckpointTimestamp) * _timestampSeconds >= _options.CheckpointEverySeconds));
        bool checkpoint = checkpointRequested || checkpointDue;
        if (checkpoint || export)
        {
            if (_persistence.TrySubmit(_learner, checkpoint, export))
            {
                if (checkpoint)
                {
                    _learnStepsAtCheckpoint = LearnSteps;
                    _lastCheckpointTimestamp = now;
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

        if ((now - _lastStatusTimestamp) * _timestampSeconds >= _options.StatusEverySeconds)
        {
            _lastStatusTimestamp = now;
            WriteStatus();
        }

        if (_console is not null && _options.PrintEverySeconds > 0
            && (now - _lastPrintTimestamp) * _timestampSeconds >= _options.PrintEverySeconds)
        {
            _lastPrintTimestamp = now;
            PrintStatus();
        }
    }

    private void Finish(LoopExit exit)
    {
        if (LearnSteps > _learnStepsAtCheckpoint || _persistence.CheckpointsSaved == 0 && ResumedFrom is null)
        {
            _persistence.SaveNow(_learner, export: _exportPending);
            _learnStepsAtCheckpoint = LearnSteps;
        }
        else
        {
            _persistence.WaitIdle(TimeSpan.FromMinutes(1));
        }

        string state = exit == LoopExit.SourceFailed ? "failed" : "stopped";
        WriteStatus(state);
        if (_console is not null)
        {
            PrintStatus();
            _console.WriteLine($"stopped: {Describe(exit)}");
            _console.Flush();
        }
    }

    private string Describe(LoopExit exit) => exit switch
    {
        LoopExit.TickLimit => $"tick limit reached after {Ticks} ticks",
        LoopExit.Stopped => _requests.StopReason ?? "stop requested",
        LoopExit.SourceEnded => "the replayed source ended",
        LoopExit.SourceFailed => FailureMessage ?? "the source failed",
        _ => exit.ToString(),
    };

    private void FillStatus(string state)
    {
        _tickTimes.GetPercentiles(out double p50, out double p99);
        long now = _time.GetTimestamp();
        _status.State = state;
        _status.UpdatedUtc = _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        _status.UptimeSeconds = Math.Round((now - _startTimestamp) * _timestampSeconds, 3);
        _status.Ticks = Ticks;
        _status.Overruns = Overruns;
        _status.MissedTicks = MissedTicks;
        _status.NoFrameTicks = NoFrameTicks;
        _status.TickMsP50 = Math.Round(p50 * 1000, 4);
        _status.TickMsP99 = Math.Round(p99 * 1000, 4);
        _status.TickMsMax = Math.Round(_tickTimes.MaxSeconds * 1000, 4);
        _status.LearnSteps = LearnSteps;
        _status.SkippedLearns = SkippedLearns;
        _status.BudgetIterations = _budget.Current;
        _status.BudgetCeiling = _budget.Ceiling;
        _status.BudgetFloor = _budget.Floor;
        _status.SamplesSeen = _learner.SamplesSeen;
        if (_accuracy is not null)
        {
            _status.PrequentialAccuracy = double.IsNaN(_accuracy.Accuracy) ? null : Math.Round(_accuracy.Accuracy, 4);
            _status.PrequentialCount = _accuracy.Count;
        }

        if (_anomaly is not null)
        {
            _status.AnomalyScore = double.IsFinite(_anomaly.LastScore) ? _anomaly.LastScore : null;
            _status.AnomalyMean = _anomaly.Count > 0 ? _anomaly.Mean : null;
            _status.Anomalies = _anomaly.Anomalies;
        }

        _status.Faults = Faults;
        _status.LastFault = _lastLoopFault ?? _source.LastFault ?? _persistence.LastFault;
        _status.ResumedFrom = ResumedFrom;
        _status.CheckpointsSaved = _persistence.CheckpointsSaved;
        _status.LastCheckpoint = _persistence.LastCheckpoint;
        _status.OnnxExports = _persistence.Exports;
    }

    private void PrintStatus()
    {
        _tickTimes.GetPercentiles(out double p50, out double p99);
        string quality = _accuracy is not null
            ? $"accuracy {(_accuracy.Count == 0 ? "-" : _accuracy.Accuracy.ToString("F3", CultureInfo.InvariantCulture))} over {_accuracy.Count}"
            : $"anomaly score {_anomaly!.LastScore.ToString("G4", CultureInfo.InvariantCulture)} (mean {_anomaly.Mean.ToString("G4", CultureInfo.InvariantCulture)}, {_anomaly.Anomalies} anomalies)";
        _console!.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"tick {Ticks}  {quality}  budget {_budget.Current} [{_budget.Floor}..{_budget.Ceiling}]  tick ms p50 {p50 * 1000:F2} p99 {p99 * 1000:F2} max {_tickTimes.MaxSeconds * 1000:F2}  overruns {Overruns}  missed {MissedTicks}  learned {LearnSteps}  skipped {SkippedLearns}  samples {_learner.SamplesSeen}  faults {Faults}"));
    }
}
