namespace EdgeIL.Learner.Drift;

/// <summary>
/// A change a <see cref="IDriftDetector"/> found in the stream it watches: where the detector places
/// the change, and the stream's mean on either side of it.
/// </summary>
/// <param name="Observation">The observation (counting from 1 over the detector's whole life) on which the change was detected.</param>
/// <param name="ChangePoint">The observation at which the detector estimates the change began, at or before <paramref name="Observation"/>.</param>
/// <param name="MeanBefore">The stream's mean before the change point.</param>
/// <param name="MeanAfter">The stream's mean from the change point to the detection.</param>
public readonly record struct DriftDetection(long Observation, long ChangePoint, double MeanBefore, double MeanAfter)
{
    /// <summary>Gets the size of the change, <c>MeanAfter - MeanBefore</c>: positive when the values rose (a loss got worse).</summary>
    public double Size => MeanAfter - MeanBefore;

    /// <summary>Gets how many observations the detection came after the estimated change point.</summary>
    public long Delay => Observation - ChangePoint;
}
