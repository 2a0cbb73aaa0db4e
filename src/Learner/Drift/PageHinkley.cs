namespace EdgeIL.Learner.Drift;

/// <summary>
/// The Page-Hinkley test (E. S. Page, "Continuous inspection schemes", Biometrika 41, 1954; in the form
/// used for concept drift by Gama et al., "A survey on concept drift adaptation", ACM Computing Surveys
/// 46(4), 2014): a cumulative sum of each observation's excess over the running mean, less a tolerance
/// <c>delta</c>, that signals when it has climbed more than <c>lambda</c> above its lowest value.
/// </summary>
/// <remarks>
/// <para>
/// For a rise: <c>m_t = alpha * m_(t-1) + (x_t - mean_t - delta)</c>, <c>M_t = min(M_(t-1), m_t)</c>, and
/// a change when <c>m_t - M_t &gt; lambda</c>. A fall mirrors it. <c>delta</c> is the size of change
/// tolerated, <c>lambda</c> trades delay for false alarms, both in the stream's own units. <c>alpha</c>
/// below 1 lets the sum forget the distant past, at a price: the sum then fluctuates about its
/// equilibrium with a standard deviation of <c>sigma / sqrt(1 - alpha^2)</c> for a stream of standard
/// deviation sigma (7 sigma at alpha 0.9999), so <c>lambda</c> must sit well above that or a
/// stationary stream raises alarms. The default is Page's test, alpha 1. The last minimum of <c>m_t</c> is where the change most likely began: the
/// detection reports the means before and after it.
/// </para>
/// <para>Memory is a few numbers; <see cref="Add"/> allocates nothing.</para>
/// </remarks>
public sealed class PageHinkley : IDriftDetector
{
    private readonly DriftDirection _direction;
    private readonly double _delta;
    private readonly double _lambda;
    private readonly double _alpha;
    private readonly int _minimumObservations;
    private readonly OneSided _rise = new();
    private readonly OneSided _fall = new();
    private long _count;
    private double _mean;
    private double _sum;

    /// <summary>Initializes a new test.</summary>
    /// <param name="delta">The change tolerated (delta), in the stream's units, range delta &gt;= 0.</param>
    /// <param name="lambda">The detection threshold (lambda), in the stream's units, range lambda &gt; 0.</param>
    /// <param name="alpha">The forgetting factor of the cumulative sum (alpha), range 0 &lt; alpha &lt;= 1; 1 forgets nothing.</param>
    /// <param name="minimumObservations">Observations after a restart before a change can be reported, range &gt;= 1.</param>
    /// <param name="direction">Which changes to report.</param>
    public PageHinkley(double delta = 0.005, double lambda = 50, double alpha = 1, int minimumObservations = 30, DriftDirection direction = DriftDirection.Increase)
    {
        if (!(delta >= 0) || double.IsInfinity(delta))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "The tolerance delta must be finite and at least 0.");
        }

        if (!(lambda > 0) || double.IsInfinity(lambda))
        {
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "The threshold lambda must be finite and above 0.");
        }

        if (!(alpha > 0 && alpha <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "The forgetting factor alpha must be in (0, 1].");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(minimumObservations, 1);
        if (!Enum.IsDefined(direction))
        {
            throw new ArgumentOutOfRangeException(nameof(direction), direction, "Unknown direction.");
        }

        _delta = delta;
        _lambda = lambda;
        _alpha = alpha;
        _minimumObservations = minimumObservations;
        _direction = direction;
    }

    /// <inheritdoc/>
    public string Name => "page-hinkley";

    /// <inheritdoc/>
    public long Observations { get; private set; }

    /// <inheritdoc/>
    public long Detections { get; private set; }

    /// <inheritdoc/>
    public DriftDetection? LastDetection { get; private set; }

    /// <inheritdoc/>
    public bool Add(double value)
    {
        if (!double.IsFinite(value))
        {
            return false;
        }

        Observations++;
        _count++;
        _sum += value;
        _mean += (value - _mean) / _count;
        double deviation = value - _mean;
        _rise.Add(_alpha, deviation - _delta, _count, _sum);
        _fall.Add(_alpha, -(deviation + _delta), _count, _sum);
        if (_count < _minimumObservations)
        {
            return false;
        }

        OneSided? fired = null;
        if (_direction != DriftDirection.Decrease && _rise.Excess > _lambda)
        {
            fired = _rise;
        }
        else if (_direction != DriftDirection.Increase && _fall.Excess > _lambda)
        {
            fired = _fall;
        }

        if (fired is null)
        {
            return false;
        }

        long changeAt = fired.MinimumCount;
        double before = changeAt == 0 ? _mean : fired.SumAtMinimum / changeAt;
        double after = _count == changeAt ? value : (_sum - fired.SumAtMinimum) / (_count - changeAt);
        long start = Observations - _count;
        LastDetection = new DriftDetection(Observations, start + changeAt + 1, before, after);
        Detections++;
        Restart();
        return true;
    }

    /// <inheritdoc/>
    public void Restart()
    {
        _count = 0;
        _mean = 0;
        _sum = 0;
        _rise.Clear();
        _fall.Clear();
    }

    /// <summary>One side's cumulative sum, its minimum, and where the minimum was reached.</summary>
    private sealed class OneSided
    {
        public double Sum { get; private set; }

        public double Minimum { get; private set; }

        /// <summary>Gets the observations (since the restart) up to and including the minimum; 0 when the minimum is the start.</summary>
        public long MinimumCount { get; private set; }

        /// <summary>Gets the sum of the observations up to the minimum.</summary>
        public double SumAtMinimum { get; private set; }

        public double Excess => Sum - Minimum;

        public void Add(double alpha, double increment, long count, double streamSum)
        {
            Sum = (alpha * Sum) + increment;
            if (Sum < Minimum)
            {
                Minimum = Sum;
                MinimumCount = count;
                SumAtMinimum = streamSum;
            }
        }

        public void Clear()
        {
            Sum = Minimum = SumAtMinimum = 0;
            MinimumCount = 0;
        }
    }
}
