namespace EdgeIL.Learner.Drift;

/// <summary>
/// Watches a stream of numbers (a prequential loss, a reconstruction error) for a change in its mean.
/// After a detection the detector forgets what came before the change and watches the new regime.
/// </summary>
/// <remarks>
/// Implementations are bounded (their memory does not grow with the stream) and allocate nothing per
/// <see cref="Add"/>: a device feeds them every tick for months.
/// </remarks>
public interface IDriftDetector
{
    /// <summary>Gets the detector's name as the command line and configuration spell it.</summary>
    string Name { get; }

    /// <summary>Gets the observations added over the detector's life.</summary>
    long Observations { get; }

    /// <summary>Gets the detections over the detector's life.</summary>
    long Detections { get; }

    /// <summary>Gets the latest detection, or null before the first.</summary>
    DriftDetection? LastDetection { get; }

    /// <summary>Adds the next observation.</summary>
    /// <param name="value">The observation; a non-finite value is ignored (not counted) so one bad sample cannot poison the statistics.</param>
    /// <returns>True when this observation completes a detection (then <see cref="LastDetection"/> describes it).</returns>
    bool Add(double value);

    /// <summary>Forgets everything watched so far except the life-time counters: the next observation starts a new regime.</summary>
    void Restart();
}
