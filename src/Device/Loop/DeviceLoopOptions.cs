namespace EdgeIL.Device.Loop;

/// <summary>The loop's timing and fault tolerance, taken from the configuration (reporting and checkpoints have their own types).</summary>
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
