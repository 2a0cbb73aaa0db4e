using EdgeIL.Device.Outputs;
using EdgeIL.Device.Sources;

namespace EdgeIL.Device.Loop;

/// <summary>
/// The device's fixed-timestep loop: each tick takes the newest frame, lets the tick mode predict,
/// publishes the outcome, and lets the mode learn if there is something to learn, within an inference
/// budget that adapts to the time left in the tick. Between ticks the checkpoint policy and the status
/// reporter get their turn. The loop itself only schedules and counts.
/// </summary>
/// <remarks>
/// <para>
/// Timing comes from the injected <see cref="TimeProvider"/>: timestamps for measuring (on
/// <see cref="TimeProvider.System"/> these are <see cref="System.Diagnostics.Stopwatch"/> ticks) and a
/// timer for waiting, so tests drive the loop with a manual clock and no real time passes.
/// </para>
/// <para>
/// A tick allocates nothing: the frame buffer is made once, the modes' buffers likewise, the learner's
/// steps are allocation-free, and outputs write into buffers of their own. Reporting and persistence run
/// between ticks, outside the measured tick time, and file writes other than the small status file
/// happen on the persistence worker's thread.
/// </para>
/// </remarks>
public sealed class DeviceLoop : IDisposable
{
    private readonly IFrameSource _source;
    private readonly ITickOutput[] _outputs;
    private readonly DeviceRequests _requests;
    private readonly TimeProvider _time;
    private readonly FixedTimestep _schedule;
    private readonly ManualResetEventSlim _wake = new(initialState: false);
    private readonly ITimer _timer;
    private readonly float[] _frame;
    private readonly double _periodSeconds;
    private readonly double _timestampSeconds;
    private long _lastFrameTimestamp;
    private int _consecutiveFaults;
    private long _loopFaults;
    private string? _lastLoopFault;

    /// <summary>Initializes a new loop. The loop owns nothing passed in except its own timer; <see cref="DeviceRuntime"/> owns the parts.</summary>
    /// <param name="mode">What a tick does with a frame: the classifier or the autoencoder.</param>
    /// <param name="source">Where frames come from.</param>
    /// <param name="outputs">The outputs every tick is published to.</param>
    /// <param name="budget">The inference budget and its adaptation.</param>
    /// <param name="checkpoints">When to save and export.</param>
    /// <param name="status">The status file and console reporting.</param>
    /// <param name="requests">Requests from signals, buttons and standard input.</param>
    /// <param name="time">The clock.</param>
    /// <param name="options">Timing and fault tolerance.</param>
    public DeviceLoop(
        TickMode mode,
        IFrameSource source,
        IReadOnlyList<ITickOutput> outputs,
        IterationBudget budget,
        CheckpointPolicy checkpoints,
        StatusReporter status,
        DeviceRequests requests,
        TimeProvider time,
        DeviceLoopOptions options)
    {
        ArgumentNullException.ThrowIfNull(mode);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(budget);
        ArgumentNullException.ThrowIfNull(checkpoints);
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        if (mode.Learner.Model.InputSize != source.FeatureCount)
        {
            throw new ArgumentException($"The source gives {source.FeatureCount} features; the model takes {mode.Learner.Model.InputSize}.", nameof(source));
        }

        Mode = mode;
        _source = source;
        _outputs = [.. outputs];
        Budget = budget;
        Checkpoints = checkpoints;
        Status = status;
        _requests = requests;
        _time = time;
        Options = options;
        _periodSeconds = 1.0 / options.TickHz;
        _timestampSeconds = 1.0 / time.TimestampFrequency;
        _schedule = new FixedTimestep(Math.Max(1, (long)Math.Round(time.TimestampFrequency / options.TickHz)), options.MaxCatchUpTicks);
        _frame = new float[source.FeatureCount];
        _timer = time.CreateTimer(static state => ((ManualResetEventSlim)state!).Set(), _wake, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Gets what a tick does with a frame.</summary>
    public TickMode Mode { get; }

    /// <summary>Gets the frame source.</summary>
    public IFrameSource Source => _source;

    /// <summary>Gets the inference budget and its adaptation.</summary>
    public IterationBudget Budget { get; }

    /// <summary>Gets the checkpoint policy.</summary>
    public CheckpointPolicy Checkpoints { get; }

    /// <summary>Gets the status reporter.</summary>
    public StatusReporter Status { get; }

    /// <summary>Gets the timing and fault tolerance settings.</summary>
    public DeviceLoopOptions Options { get; }

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
    public long Faults => _loopFaults + _source.Faults + Checkpoints.Persistence.Faults;

    /// <summary>Gets the latest fault of the loop, else of the source, else of the persistence worker; null for none.</summary>
    public string? LastFault => _lastLoopFault ?? _source.LastFault ?? Checkpoints.Persistence.LastFault;

    /// <summary>Gets the safety net (drift, canary, rollback, stuck sensor); null when it is off. Set by the composer.</summary>
    public Safety.SafetyNet? Safety { get; init; }

    /// <summary>Gets the checkpoint the run resumed from, for the status file; set by the composer.</summary>
    public string? ResumedFrom { get; init; }

    /// <summary>Gets the message of the failure that ended the run, when it ended with <see cref="LoopExit.SourceFailed"/>.</summary>
    public string? FailureMessage { get; private set; }

    /// <summary>Gets the tick durations, for the status.</summary>
    internal TickStatistics TickTimes { get; } = new();

    /// <summary>Runs ticks at the tick rate until a stop is requested, the tick limit is reached, or the source ends or fails.</summary>
    /// <param name="maxTicks">The number of ticks after which to stop; null for no limit.</param>
    /// <returns>Why the loop ended.</returns>
    public LoopExit Run(long? maxTicks = null)
    {
        _source.Start();
        Mode.Start();
        long now = _time.GetTimestamp();
        _lastFrameTimestamp = now;
        _schedule.Start(now);
        Checkpoints.Start(now);
        Status.Start(now);
        using CancellationTokenRegistration wakeOnStop = _requests.StopToken.Register(static state => ((ManualResetEventSlim)state!).Set(), _wake);
        LoopExit exit = RunUntilEnd(maxTicks);
        Checkpoints.Finish(Mode.Learner, LearnSteps, resumed: ResumedFrom is not null, Safety);
        Status.Finish(this, exit, Describe(exit));
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
            RecordFault($"{_source.Description}: {exception.Message}");
            EndTick(tickStart, LearnOutcome.NothingToLearn);
            return ++_consecutiveFaults >= Options.ConsecutiveFaultLimit
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
            double silentSeconds = Seconds(_lastFrameTimestamp, tickStart);
            return silentSeconds > Options.FrameTimeoutSeconds
                ? Fail($"no frame from {_source.Description} for {silentSeconds:F1} s{(_source.LastFault is { } fault ? $"; last fault: {fault}" : string.Empty)}")
                : null;
        }

        _lastFrameTimestamp = tickStart;
        _consecutiveFaults = 0;
        TickOutcome outcome = Mode.Predict(tick, _frame, frameLabel, out bool learn);
        if (Safety is { } safety)
        {
            learn = safety.OnFrame(tick, _frame, learn, ref outcome);
        }

        Publish(outcome);
        EndTick(tickStart, learn ? Learn(tickStart) : LearnOutcome.NothingToLearn);
        return null;
    }

    /// <summary>Writes status.json now.</summary>
    /// <param name="state">The state to report: "running", "stopped" or "failed".</param>
    public void WriteStatus(string state = "running") => Status.Write(this, state);

    /// <summary>Gets the status as it would be written now.</summary>
    /// <returns>The reporter's own status object, refreshed; not a copy, so the next status write changes it.</returns>
    public DeviceStatus SnapshotStatus() => Status.Snapshot(this);

    /// <inheritdoc/>
    public void Dispose()
    {
        _timer.Dispose();
        _wake.Dispose();
    }

    /// <summary>Counts a fault that the loop survives, and keeps its message for the status.</summary>
    /// <param name="message">What went wrong.</param>
    internal void RecordFault(string message)
    {
        _loopFaults++;
        _lastLoopFault = message;
    }

    private LoopExit RunUntilEnd(long? maxTicks)
    {
        while (true)
        {
            if (_requests.StopRequested)
            {
                return LoopExit.Stopped;
            }

            if (maxTicks is { } limit && Ticks >= limit)
            {
                return LoopExit.TickLimit;
            }

            int due = _schedule.Advance(_time.GetTimestamp());
            if (due == 0)
            {
                Wait(_schedule.TimeUntilNextTick);
                continue;
            }

            for (int i = 0; i < due; i++)
            {
                if (maxTicks is { } cap && Ticks >= cap)
                {
                    break;
                }

                _schedule.ConsumeTick();
                if (RunTick() is { } ended)
                {
                    return ended;
                }
            }

            Safety?.Between(Ticks);
            long now = _time.GetTimestamp();
            Checkpoints.Between(Mode.Learner, LearnSteps, now, Safety);
            Status.Between(this, now);
        }
    }

    private LearnOutcome Learn(long tickStart)
    {
        double remaining = _periodSeconds - Seconds(tickStart, _time.GetTimestamp());
        int iterations = Budget.Plan(remaining);
        if (iterations < 0)
        {
            SkippedLearns++;
            return LearnOutcome.Skipped;
        }

        long learnStart = _time.GetTimestamp();
        var result = Mode.Learn(_frame, iterations);
        Budget.ObserveLearn(result.Iterations, Seconds(learnStart, _time.GetTimestamp()));
        LearnSteps++;
        if (!result.Applied)
        {
            RecordFault($"learn step refused ({result.Status}): the sample or the step was not finite; check the input scaling");
        }

        return LearnOutcome.Learned;
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
                RecordFault($"output: {exception.Message}");
            }
        }
    }

    private void EndTick(long tickStart, LearnOutcome learned)
    {
        double seconds = Seconds(tickStart, _time.GetTimestamp());
        TickTimes.Record(seconds);
        if (seconds > _periodSeconds)
        {
            Overruns++;
        }

        Budget.ObserveTick(seconds, _periodSeconds, learned);
    }

    private LoopExit Fail(string message)
    {
        FailureMessage = message;
        RecordFault(message);
        return LoopExit.SourceFailed;
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

    private double Seconds(long fromTimestamp, long toTimestamp) => (toTimestamp - fromTimestamp) * _timestampSeconds;

    private string Describe(LoopExit exit) => exit switch
    {
        LoopExit.TickLimit => $"tick limit reached after {Ticks} ticks",
        LoopExit.Stopped => _requests.StopReason ?? "stop requested",
        LoopExit.SourceEnded => "the replayed source ended",
        LoopExit.SourceFailed => FailureMessage ?? "the source failed",
        _ => exit.ToString(),
    };
}
