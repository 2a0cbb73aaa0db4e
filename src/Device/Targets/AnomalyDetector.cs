namespace EdgeIL.Device.Targets;

/// <summary>
/// Flags reconstruction errors that leave their recent range: a score is anomalous when it lies more
/// than <c>k</c> standard deviations above an exponentially weighted mean of recent scores.
/// </summary>
/// <remarks>
/// <para>
/// The mean and variance are exponentially weighted (West's incremental form), so "recent" means about
/// <c>1 / smoothing</c> scores and the detector follows slow drift (temperature, wear) while a sudden
/// change stands out. Anomalous scores still update the statistics, but only by a tenth of the usual
/// weight: a persistent new condition becomes normal after a while instead of lighting the LED forever,
/// while one spike barely moves the range.
/// </para>
/// </remarks>
public sealed class AnomalyDetector
{
    private readonly double _threshold;
    private readonly double _smoothing;
    private readonly int _warmup;
    private double _mean;
    private double _variance;

    /// <summary>Initializes a new detector.</summary>
    /// <param name="thresholdDeviations">k, range &gt; 0.</param>
    /// <param name="smoothing">The weight of a new score, range (0, 1).</param>
    /// <param name="warmupScores">Scores to see before any is flagged, range &gt;= 0.</param>
    public AnomalyDetector(double thresholdDeviations, double smoothing, int warmupScores)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(thresholdDeviations);
        if (!(smoothing is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(smoothing), smoothing, "The smoothing must be in (0, 1).");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(warmupScores);
        _threshold = thresholdDeviations;
        _smoothing = smoothing;
        _warmup = warmupScores;
    }

    /// <summary>Gets the number of scores seen.</summary>
    public long Count { get; private set; }

    /// <summary>Gets the recent mean score.</summary>
    public double Mean => _mean;

    /// <summary>Gets the recent standard deviation of the score.</summary>
    public double StandardDeviation => Math.Sqrt(_variance);

    /// <summary>Gets the latest score.</summary>
    public double LastScore { get; private set; } = double.NaN;

    /// <summary>Gets a value indicating whether the latest score was anomalous.</summary>
    public bool IsAnomalous { get; private set; }

    /// <summary>Gets the number of anomalous scores since the start.</summary>
    public long Anomalies { get; private set; }

    /// <summary>Scores one reconstruction error.</summary>
    /// <param name="score">The error; a non-finite score is flagged and leaves the statistics alone.</param>
    /// <returns>True when the score is anomalous.</returns>
    public bool Observe(double score)
    {
        LastScore = score;
        if (!double.IsFinite(score))
        {
            IsAnomalous = true;
            Anomalies++;
            return true;
        }

        Count++;
        if (Count == 1)
        {
            _mean = score;
            _variance = 0;
            IsAnomalous = false;
            return false;
        }

        // A floor on the deviation keeps a perfectly steady signal from flagging the first tiny wobble.
        double deviation = Math.Max(Math.Sqrt(_variance), 1e-6 * Math.Max(1, Math.Abs(_mean)));
        IsAnomalous = Count > _warmup && score > _mean + _threshold * deviation;
        double weight = IsAnomalous ? _smoothing / 10 : _smoothing;
        double delta = score - _mean;
        _mean += weight * delta;
        _variance = (1 - weight) * (_variance + weight * delta * delta);
        if (IsAnomalous)
        {
            Anomalies++;
        }

        return IsAnomalous;
    }
}
