namespace EdgeIL.Learner.Drift;

/// <summary>The drift detectors by name, as the command line and the device configuration spell them.</summary>
public enum DriftDetectorKind
{
    /// <summary><see cref="Adwin"/>: needs no setting in the stream's units; the default.</summary>
    Adwin,

    /// <summary><see cref="PageHinkley"/>: watches for rises, with a tolerance and a threshold in the stream's units.</summary>
    PageHinkley,
}

/// <summary>
/// Which drift detector to run and its settings: one description shared by <c>edgeil replay</c> and
/// the device, so both detect the same way.
/// </summary>
/// <param name="Kind">The detector.</param>
/// <param name="Confidence">ADWIN's confidence delta, range (0, 1).</param>
/// <param name="Tolerance">Page-Hinkley's tolerance delta, in the stream's units, range &gt;= 0.</param>
/// <param name="Threshold">Page-Hinkley's threshold lambda, in the stream's units, range &gt; 0.</param>
public sealed record DriftDetectorSettings(
    DriftDetectorKind Kind = DriftDetectorKind.Adwin,
    double Confidence = 0.002,
    double Tolerance = 0.005,
    double Threshold = 50)
{
    /// <summary>Gets the names <see cref="Parse"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["adwin", "page-hinkley"];

    /// <summary>Gets the detector's name as <see cref="Parse"/> reads it.</summary>
    public string Name => Names[(int)Kind];

    /// <summary>Reads a detector's name.</summary>
    /// <param name="name">"adwin" or "page-hinkley", any case.</param>
    /// <returns>The detector.</returns>
    /// <exception cref="ArgumentException">An unknown name.</exception>
    public static DriftDetectorKind Parse(string name) => name.ToLowerInvariant() switch
    {
        "adwin" => DriftDetectorKind.Adwin,
        "page-hinkley" => DriftDetectorKind.PageHinkley,
        _ => throw new ArgumentException($"Unknown drift detector '{name}': use {string.Join(" or ", Names)}.", nameof(name)),
    };

    /// <summary>Creates a detector with these settings (argument checks are the detectors' own).</summary>
    /// <returns>A new detector.</returns>
    public IDriftDetector Create() => Kind switch
    {
        DriftDetectorKind.Adwin => new Adwin(Confidence),
        DriftDetectorKind.PageHinkley => new PageHinkley(Tolerance, Threshold),
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "Unknown drift detector."),
    };
}
