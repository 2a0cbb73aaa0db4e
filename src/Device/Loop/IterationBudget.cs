namespace EdgeIL.Device.Loop;

/// <summary>
/// The inference budget in force and the rules that move it: lowered step by step when ticks overrun,
/// raised after a run of ticks with headroom, and learning skipped on a tick whose remaining time
/// would not fit even the floor.
/// </summary>
/// <remarks>
/// <para>
/// IL-prox's cost per learn step is close to linear in its inference iterations: a forward pass, then
/// T relaxation iterations of about one forward and one backward pass each, then the weight update.
/// The budget trades how well a step is relaxed for time, so it is the knob a device turns under load
/// (the learner accepts any budget up to <c>Hyperparameters.Iterations</c> without reallocating).
/// </para>
/// <para>
/// Lowering reacts to a single overrun and raising waits for <c>raiseAfterTicks</c> quiet ticks in a
/// row: the hysteresis of MonoGame's "running slowly" flag, which stops the budget from oscillating
/// around the point where ticks just fit.
/// </para>
/// <para>
/// The skip decision predicts a step's cost as <c>c (b + k)</c>: <c>c</c> a running estimate of the cost
/// of one iteration, <c>b</c> the iterations and <c>k</c> = <see cref="OverheadIterations"/> iterations'
/// worth for the forward pass and the weight update. The estimate only has to be good enough to tell
/// "fits" from "clearly does not"; overruns it lets through lower the budget anyway. It falls fast and
/// rises slowly, and one sample can at most quadruple it: a slow step is usually a passing disturbance
/// (a preemption, a page fault, the first call of a method), while a fast one proves what the board can
/// do. Because only a step that runs can correct the estimate, a run of <see cref="ProbeAfterSkips"/>
/// skips is followed by one step at the floor whenever any time remains, so a single bad measurement
/// cannot stop learning for good.
/// </para>
/// </remarks>
public sealed class IterationBudget
{
    /// <summary>The cost of a step's forward pass and weight update, in iterations' worth (see remarks).</summary>
    public const double OverheadIterations = 2;

    /// <summary>Skips in a row after which one step at the floor is tried, to measure the cost afresh.</summary>
    public const int ProbeAfterSkips = 16;

    // A slower sample moves the estimate by this share: slow enough that one preempted step does not
    // trigger skips, fast enough to follow a thermal throttle within a few dozen steps.
    private const double RisingSmoothing = 0.1;

    // A faster sample moves it by this share.
    private const double FallingSmoothing = 0.5;

    private const double LargestRise = 4;

    private readonly int _step;
    private readonly int _raiseAfterTicks;
    private readonly double _headroomFraction;
    private double _secondsPerIteration = double.NaN;
    private int _headroomRun;
    private int _skipRun;

    /// <summary>Initializes a new budget at its ceiling.</summary>
    /// <param name="ceiling">The full budget T, range &gt;= 0 (0 for the backprop rules, which have no inference).</param>
    /// <param name="floor">The lowest budget, range 0..<paramref name="ceiling"/>.</param>
    /// <param name="step">Iterations per lowering or raising step, range &gt;= 1.</param>
    /// <param name="raiseAfterTicks">Learning ticks with headroom in a row that raise the budget a step, range &gt;= 1.</param>
    /// <param name="headroomFraction">Share of the period under which a tick has headroom, range (0, 1).</param>
    public IterationBudget(int ceiling, int floor, int step, int raiseAfterTicks, double headroomFraction)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ceiling);
        ArgumentOutOfRangeException.ThrowIfNegative(floor);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(floor, ceiling);
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(raiseAfterTicks, 1);
        if (!(headroomFraction is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(headroomFraction), headroomFraction, "The headroom fraction must be in (0, 1).");
        }

        Ceiling = ceiling;
        Floor = floor;
        Current = ceiling;
        _step = step;
        _raiseAfterTicks = raiseAfterTicks;
        _headroomFraction = headroomFraction;
    }

    /// <summary>Gets the full budget.</summary>
    public int Ceiling { get; }

    /// <summary>Gets the lowest budget.</summary>
    public int Floor { get; }

    /// <summary>Gets the budget in force.</summary>
    public int Current { get; private set; }

    /// <summary>Gets the estimated cost of one inference iteration in seconds; NaN before the first learn step.</summary>
    public double SecondsPerIteration => _secondsPerIteration;

    /// <summary>Gets the number of times the budget was lowered.</summary>
    public long Lowerings { get; private set; }

    /// <summary>Gets the number of times the budget was raised.</summary>
    public long Raisings { get; private set; }

    /// <summary>Predicts what a learn step of <paramref name="iterations"/> iterations costs.</summary>
    /// <param name="iterations">The inference iterations.</param>
    /// <returns>The predicted seconds; 0 before the first step has been measured.</returns>
    public double EstimateSeconds(int iterations) =>
        double.IsNaN(_secondsPerIteration) ? 0 : _secondsPerIteration * (iterations + OverheadIterations);

    /// <summary>Decides this tick's learn step.</summary>
    /// <param name="remainingSeconds">Time left in the tick's period; negative when the tick has already overrun.</param>
    /// <returns>
    /// The iterations to learn with: the budget in force, or the floor for a probe after
    /// <see cref="ProbeAfterSkips"/> skips; -1 to skip learning on this tick.
    /// </returns>
    public int Plan(double remainingSeconds)
    {
        if (remainingSeconds <= 0)
        {
            _skipRun++;
            return -1;
        }

        if (EstimateSeconds(Floor) <= remainingSeconds)
        {
            _skipRun = 0;
            return Current;
        }

        if (++_skipRun > ProbeAfterSkips)
        {
            _skipRun = 0;
            return Floor;
        }

        return -1;
    }

    /// <summary>Feeds the measured cost of a learn step into the estimate.</summary>
    /// <param name="iterations">The iterations the step ran.</param>
    /// <param name="seconds">The step's measured time.</param>
    public void ObserveLearn(int iterations, double seconds)
    {
        if (!(seconds >= 0) || iterations < 0)
        {
            return;
        }

        double sample = seconds / (iterations + OverheadIterations);
        if (double.IsNaN(_secondsPerIteration))
        {
            _secondsPerIteration = sample;
        }
        else if (sample < _secondsPerIteration)
        {
            _secondsPerIteration += FallingSmoothing * (sample - _secondsPerIteration);
        }
        else
        {
            _secondsPerIteration += RisingSmoothing * (Math.Min(sample, LargestRise * _secondsPerIteration) - _secondsPerIteration);
        }
    }

    /// <summary>Moves the budget after a tick.</summary>
    /// <param name="tickSeconds">The tick's time from its start to the end of its work.</param>
    /// <param name="periodSeconds">The tick period.</param>
    /// <param name="outcome">Whether the tick learned, skipped learning, or had nothing to learn.</param>
    public void ObserveTick(double tickSeconds, double periodSeconds, LearnOutcome outcome)
    {
        if (tickSeconds > periodSeconds)
        {
            _headroomRun = 0;
            if (Current > Floor)
            {
                Current = Math.Max(Floor, Current - _step);
                Lowerings++;
            }

            return;
        }

        switch (outcome)
        {
            case LearnOutcome.Learned when tickSeconds <= _headroomFraction * periodSeconds:
                // Only a tick that learned shows that the budget in force fits: a skipped or unlabelled
                // tick is short because it did not learn.
                if (++_headroomRun >= _raiseAfterTicks)
                {
                    _headroomRun = 0;
                    if (Current < Ceiling)
                    {
                        Current = Math.Min(Ceiling, Current + _step);
                        Raisings++;
                    }
                }

                break;
            case LearnOutcome.Learned:
            case LearnOutcome.Skipped:
                _headroomRun = 0;
                break;
            case LearnOutcome.NothingToLearn:
                break;
        }
    }
}

/// <summary>What a tick did about learning.</summary>
public enum LearnOutcome
{
    /// <summary>There was no target (no button held, no label), so there was nothing to learn.</summary>
    NothingToLearn,

    /// <summary>The tick ran a learn step.</summary>
    Learned,

    /// <summary>The tick had a target but no time to learn from it.</summary>
    Skipped,
}
