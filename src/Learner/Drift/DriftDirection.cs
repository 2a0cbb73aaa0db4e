namespace EdgeIL.Learner.Drift;

/// <summary>Which changes of the mean a <see cref="PageHinkley"/> test reports.</summary>
public enum DriftDirection
{
    /// <summary>Only rises (a loss getting worse): the default for a learner's loss.</summary>
    Increase,

    /// <summary>Only falls.</summary>
    Decrease,

    /// <summary>Rises and falls.</summary>
    Both,
}
