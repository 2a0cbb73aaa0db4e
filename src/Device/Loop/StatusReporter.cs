using System.Globalization;
using EdgeIL.Device.Outputs;
using EdgeIL.Learner;

namespace EdgeIL.Device.Loop;

/// <summary>
/// Reports the loop's state: <c>status.json</c> every few seconds (and at the end), and a status line
/// on the console every few more. It reads the loop's counters and writes nothing else.
/// </summary>
public sealed class StatusReporter
{
    private readonly StatusFile _file;
    private readonly TextWriter? _console;
    private readonly TimeProvider _time;
    private readonly double _statusEverySeconds;
    private readonly double _printEverySeconds;
    private readonly DeviceStatus _status = new();
    private long _startTimestamp;
    private long _lastStatusTimestamp;
    private long _lastPrintTimestamp;

    /// <summary>Initializes a new reporter.</summary>
    /// <param name="file">The status file.</param>
    /// <param name="console">Where status lines are printed; null for none.</param>
    /// <param name="time">The clock.</param>
    /// <param name="statusEverySeconds">Seconds between status file writes, range &gt; 0.</param>
    /// <param name="printEverySeconds">Seconds between printed lines; 0 for none.</param>
    public StatusReporter(StatusFile file, TextWriter? console, TimeProvider time, double statusEverySeconds = 2, double printEverySeconds = 10)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(statusEverySeconds);
        ArgumentOutOfRangeException.ThrowIfNegative(printEverySeconds);
        _file = file;
        _console = console;
        _time = time;
        _statusEverySeconds = statusEverySeconds;
        _printEverySeconds = printEverySeconds;
    }

    /// <summary>Starts the clocks of the periodic reports and of the uptime.</summary>
    /// <param name="now">The loop's start timestamp.</param>
    public void Start(long now) => _startTimestamp = _lastStatusTimestamp = _lastPrintTimestamp = now;

    /// <summary>Between ticks: writes the status file and prints a line when each is due.</summary>
    /// <param name="loop">The loop to report on.</param>
    /// <param name="now">The current timestamp.</param>
    public void Between(DeviceLoop loop, long now)
    {
        if ((now - _lastStatusTimestamp) / (double)_time.TimestampFrequency >= _statusEverySeconds)
        {
            _lastStatusTimestamp = now;
            Write(loop, "running");
        }

        if (_console is not null && _printEverySeconds > 0 && (now - _lastPrintTimestamp) / (double)_time.TimestampFrequency >= _printEverySeconds)
        {
            _lastPrintTimestamp = now;
            Print(loop);
        }
    }

    /// <summary>At the end of the run: the final status, the last line and why the loop ended.</summary>
    /// <param name="loop">The loop to report on.</param>
    /// <param name="exit">Why it ended.</param>
    /// <param name="reason">Why it ended, in words.</param>
    public void Finish(DeviceLoop loop, LoopExit exit, string reason)
    {
        Write(loop, exit == LoopExit.SourceFailed ? "failed" : "stopped");
        if (_console is not null)
        {
            Print(loop);
            _console.WriteLine($"stopped: {reason}");
            _console.Flush();
        }
    }

    /// <summary>Writes status.json now; a failed write is counted as a loop fault.</summary>
    /// <param name="loop">The loop to report on.</param>
    /// <param name="state">The state to report: "running", "stopped" or "failed".</param>
    public void Write(DeviceLoop loop, string state)
    {
        Fill(loop, state);
        try
        {
            _file.Write(_status);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            loop.RecordFault($"status file: {exception.Message}");
        }
    }

    /// <summary>Gets the status as it would be written now.</summary>
    /// <param name="loop">The loop to report on.</param>
    /// <returns>The reporter's own status object, refreshed; not a copy, so the next write changes it.</returns>
    public DeviceStatus Snapshot(DeviceLoop loop)
    {
        Fill(loop, "running");
        return _status;
    }

    private void Fill(DeviceLoop loop, string state)
    {
        TickStatistics tickTimes = loop.TickTimes;
        tickTimes.GetPercentiles(out double p50, out double p99);
        IterationBudget budget = loop.Budget;
        OnlineLearner learner = loop.Mode.Learner;
        _status.Name = loop.Options.Name;
        _status.TickHz = loop.Options.TickHz;
        _status.Algorithm = learner.Algorithm.Name();
        _status.Source = loop.Source.Description;
        _status.State = state;
        _status.UpdatedUtc = _time.GetUtcNow();
        _status.UptimeSeconds = Math.Round((_time.GetTimestamp() - _startTimestamp) / (double)_time.TimestampFrequency, 3);
        _status.Ticks = loop.Ticks;
        _status.Overruns = loop.Overruns;
        _status.MissedTicks = loop.MissedTicks;
        _status.NoFrameTicks = loop.NoFrameTicks;
        _status.TickMsP50 = Math.Round(p50 * 1000, 4);
        _status.TickMsP99 = Math.Round(p99 * 1000, 4);
        _status.TickMsMax = Math.Round(tickTimes.MaxSeconds * 1000, 4);
        _status.Gen2Collections = GC.CollectionCount(2);
        _status.AllocatedBytes = GC.GetTotalAllocatedBytes();
        _status.LearnSteps = loop.LearnSteps;
        _status.SkippedLearns = loop.SkippedLearns;
        _status.BudgetIterations = budget.Current;
        _status.BudgetCeiling = budget.Ceiling;
        _status.BudgetFloor = budget.Floor;
        _status.SamplesSeen = learner.SamplesSeen;
        loop.Mode.Report(_status);
        _status.Faults = loop.Faults;
        _status.LastFault = loop.LastFault;
        _status.ResumedFrom = loop.ResumedFrom;
        _status.CheckpointsSaved = loop.Checkpoints.Persistence.CheckpointsSaved;
        _status.LastCheckpoint = loop.Checkpoints.Persistence.LastCheckpoint;
        _status.OnnxExports = loop.Checkpoints.Persistence.Exports;
        loop.Safety?.Report(_status);
    }

    private void Print(DeviceLoop loop)
    {
        TickStatistics tickTimes = loop.TickTimes;
        tickTimes.GetPercentiles(out double p50, out double p99);
        IterationBudget budget = loop.Budget;
        _console!.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"tick {loop.Ticks}  {loop.Mode.Summary()}  budget {budget.Current} [{budget.Floor}..{budget.Ceiling}]  tick ms p50 {p50 * 1000:F2} p99 {p99 * 1000:F2} max {tickTimes.MaxSeconds * 1000:F2}  overruns {loop.Overruns}  missed {loop.MissedTicks}  learned {loop.LearnSteps}  skipped {loop.SkippedLearns}  samples {loop.Mode.Learner.SamplesSeen}  faults {loop.Faults}"));
    }
}
