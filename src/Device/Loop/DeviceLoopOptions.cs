namespace EdgeIL.Device.Loop;

/// <summary>The loop's timing, reporting and persistence policy, taken from the configuration.</summary>
public sealed record DeviceLoopOptions
{
    /// <summary>Gets the name written into the status file.</summary>
    public string Name { get; init; } = "edgeil";

    /// <summary>Gets the target tick rate in hertz.</summary>
    public double TickHz { get; init; } = 30;

    /// <summary>Gets how many late ticks may run back to back before the backlog is dropped.</summary>
    public int MaxCatchUpTicks { get; init; } = 3;

    /// <summary>Gets how many source faults in a row end the run.</summary>
    public int ConsecutiveFaultLimit { get; init; } = 200;

    /// <summary>Gets how long a source may go without a new frame before the run ends, in seconds.</summary>
    public double FrameTimeoutSeconds { get; init; } = 10;

    /// <summary>Gets how often status.json is rewritten, in seconds.</summary>
    public double StatusEverySeconds { get; init; } = 2;

    /// <summary>Gets how often a status line is printed, in seconds; 0 never.</summary>
    public double PrintEverySeconds { get; init; } = 10;

    /// <summary>Gets how many learn steps pass between checkpoints; 0 for none by count.</summary>
    public int CheckpointEveryLearnSteps { get; init; } = 1000;

    /// <summary>Gets how many seconds pass between checkpoints; 0 for none by time.</summary>
    public double CheckpointEverySeconds { get; init; } = 300;

    /// <summary>Gets how many of the latest labelled ticks the prequential accuracy covers.</summary>
    public int PrequentialWindow { get; init; } = 500;
}

/// <summary>Why the loop ended.</summary>
public enum LoopExit
{
    /// <summary>The tick limit (<c>--max-ticks</c>) was reached.</summary>
    TickLimit,

    /// <summary>A stop was requested (a signal, "quit" on standard input).</summary>
    Stopped,

    /// <summary>A replayed source ran out of samples.</summary>
    SourceEnded,

    /// <summary>The source failed too often in a row, or stopped delivering frames.</summary>
    SourceFailed,
}
