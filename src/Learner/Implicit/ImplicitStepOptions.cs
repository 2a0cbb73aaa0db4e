namespace EdgeIL.Learner.Implicit;

/// <summary>Settings of <see cref="ImplicitStep.Solve"/>; the defaults suit networks of up to a few hundred activities.</summary>
public sealed record ImplicitStepOptions
{
    /// <summary>The settings used when none are given.</summary>
    public static ImplicitStepOptions Default { get; } = new();

    /// <summary>
    /// Only the local minimum reached from the old weights' own activities: no other start and no
    /// search. This is the implicit step in the basin the network is in, which a learner that
    /// relaxes activities from the feed-forward pass can at best find; it need not be the global one.
    /// </summary>
    public static ImplicitStepOptions LocalOnly { get; } = new()
    {
        RandomStarts = 0,
        PatternStartLimit = 0,
        FlipRounds = 0,
        StartFromExplicitStep = false,
        StartFromInferenceLearning = false,
    };

    /// <summary>Newton iterations allowed from each start, range &gt;= 1.</summary>
    public int MaxIterations { get; init; } = 200;

    /// <summary>
    /// Stationarity tolerance, range &gt; 0: a start has converged when no one-sided derivative of the
    /// activity objective points downhill by more than this times the largest term of the derivative.
    /// </summary>
    public double Tolerance { get; init; } = 1e-12;

    /// <summary>
    /// Starts drawn at random around the feed-forward activities, in addition to the fixed ones,
    /// range &gt;= 0. The problem is not convex; more starts make missing the global minimiser less likely.
    /// </summary>
    public int RandomStarts { get; init; } = 4;

    /// <summary>
    /// The most hidden units for which every on/off pattern of them gets its own start (2^count
    /// starts), range 0..30; larger networks rely on the other starts and the flip search.
    /// </summary>
    public int PatternStartLimit { get; init; } = 10;

    /// <summary>
    /// Rounds of the search around the best minimum, range &gt;= 0: each round restarts once per hidden
    /// unit (and pair of units, see <see cref="FlipPairs"/>) with it switched to the other side of its kink, and the search stops after a
    /// round that finds nothing lower.
    /// </summary>
    public int FlipRounds { get; init; } = 3;

    /// <summary>
    /// Whether the search around the best minimum also switches every pair of hidden units (a
    /// quadratic number of restarts): on by default, because neighbouring minima often differ in
    /// one unit of each of two layers.
    /// </summary>
    public bool FlipPairs { get; init; } = true;

    /// <summary>Seed of the random starts.</summary>
    public int Seed { get; init; } = 20240601;

    /// <summary>Whether to also start from the activities of the explicit step <c>theta_old - alpha grad L</c>.</summary>
    public bool StartFromExplicitStep { get; init; } = true;

    /// <summary>Whether to also start from the activities one IL-prox step (eps = 0) reaches.</summary>
    public bool StartFromInferenceLearning { get; init; } = true;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first setting out of its range.</summary>
    public void Validate()
    {
        if (MaxIterations < 1)
        {
            throw new ArgumentException($"{nameof(MaxIterations)} = {MaxIterations} must be >= 1.", nameof(MaxIterations));
        }

        if (!(Tolerance > 0) || !double.IsFinite(Tolerance))
        {
            throw new ArgumentException($"{nameof(Tolerance)} = {Tolerance} must be finite and > 0.", nameof(Tolerance));
        }

        if (PatternStartLimit is < 0 or > 30)
        {
            throw new ArgumentException($"{nameof(PatternStartLimit)} = {PatternStartLimit} must be in 0..30.", nameof(PatternStartLimit));
        }

        if (FlipRounds < 0)
        {
            throw new ArgumentException($"{nameof(FlipRounds)} = {FlipRounds} must be >= 0.", nameof(FlipRounds));
        }

        if (RandomStarts < 0)
        {
            throw new ArgumentException($"{nameof(RandomStarts)} = {RandomStarts} must be >= 0.", nameof(RandomStarts));
        }
    }
}
