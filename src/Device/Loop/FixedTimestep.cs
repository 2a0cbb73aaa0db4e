namespace EdgeIL.Device.Loop;

/// <summary>
/// The schedule of a fixed-timestep loop, kept in <see cref="TimeProvider"/> timestamp units: an
/// accumulator of elapsed time from which each tick takes one period, and a clamp on the backlog.
/// </summary>
/// <remarks>
/// <para>
/// This is the scheme of MonoGame's <c>Game.Tick</c> without its sleeping: the caller reads the clock,
/// calls <see cref="Advance"/>, runs <see cref="DueTicks"/> ticks (each taking its period with
/// <see cref="ConsumeTick"/>) and waits <see cref="TimeUntilNextTick"/>. Ticks that fall due while the
/// loop is busy run back to back afterwards, so the tick rate holds on average.
/// </para>
/// <para>
/// The clamp: at most <c>1 + maxCatchUpTicks</c> periods may be owed at once. Time owed beyond that is
/// dropped and counted in <see cref="MissedTicks"/>; without the clamp a stall (a slow SD card, a
/// swap storm) would leave a backlog whose catch-up ticks make the next ones late too, a spiral the
/// loop would never leave.
/// </para>
/// </remarks>
public sealed class FixedTimestep
{
    private readonly long _periodTicks;
    private readonly long _maxBacklogTicks;
    private long _accumulatorTicks;
    private long _previousTimestamp;
    private bool _started;

    /// <summary>Initializes a new schedule.</summary>
    /// <param name="periodTicks">The tick period in timestamp units, range &gt;= 1.</param>
    /// <param name="maxCatchUpTicks">How many late ticks may run back to back, range &gt;= 0.</param>
    public FixedTimestep(long periodTicks, int maxCatchUpTicks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(periodTicks, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCatchUpTicks);
        _periodTicks = periodTicks;
        _maxBacklogTicks = checked(periodTicks * (1 + maxCatchUpTicks));
    }

    /// <summary>Gets the number of ticks dropped by the clamp since the start.</summary>
    public long MissedTicks { get; private set; }

    /// <summary>Gets the number of whole periods owed: ticks that are due now.</summary>
    public int DueTicks => (int)(_accumulatorTicks / _periodTicks);

    /// <summary>Starts the schedule at <paramref name="timestamp"/>, with the first tick due at once.</summary>
    /// <param name="timestamp">The current timestamp.</param>
    public void Start(long timestamp)
    {
        _previousTimestamp = timestamp;
        _accumulatorTicks = _periodTicks;
        _started = true;
    }

    /// <summary>Adds the time elapsed since the previous call to the accumulator, then applies the clamp.</summary>
    /// <param name="timestamp">The current timestamp; a clock that steps back adds nothing.</param>
    /// <returns>The number of ticks due now, <see cref="DueTicks"/>.</returns>
    public int Advance(long timestamp)
    {
        if (!_started)
        {
            throw new InvalidOperationException("Start the schedule before advancing it.");
        }

        long elapsed = Math.Max(0, timestamp - _previousTimestamp);
        _previousTimestamp = timestamp;
        _accumulatorTicks += elapsed;
        if (_accumulatorTicks > _maxBacklogTicks)
        {
            long dropped = _accumulatorTicks - _maxBacklogTicks;
            MissedTicks += dropped / _periodTicks;

            // The fraction of a period dropped with the whole ones shifts the phase of later ticks; a
            // stall that long has already broken the phase, and keeping the fraction would make the
            // first tick after it due early.
            _accumulatorTicks = _maxBacklogTicks;
        }

        return DueTicks;
    }

    /// <summary>Takes one period from the accumulator, for a tick about to run.</summary>
    /// <exception cref="InvalidOperationException">No tick is due.</exception>
    public void ConsumeTick()
    {
        if (_accumulatorTicks < _periodTicks)
        {
            throw new InvalidOperationException("No tick is due.");
        }

        _accumulatorTicks -= _periodTicks;
    }

    /// <summary>Gets the time until the next tick falls due, in timestamp units; 0 when one is due.</summary>
    public long TimeUntilNextTick => Math.Max(0, _periodTicks - _accumulatorTicks);
}
