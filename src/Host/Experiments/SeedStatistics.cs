using System.Globalization;

namespace EdgeIL.Host.Experiments;

/// <summary>Mean and sample standard deviation of one measurement over seeds.</summary>
/// <param name="Mean">The mean over the finite values.</param>
/// <param name="StandardDeviation">The sample standard deviation (n - 1); 0 for one seed.</param>
/// <param name="Count">The number of finite values.</param>
public readonly record struct SeedStatistics(double Mean, double StandardDeviation, int Count)
{
    /// <summary>Summarises <paramref name="values"/>, ignoring NaN (unmeasured) ones.</summary>
    public static SeedStatistics Of(IEnumerable<double> values)
    {
        double[] finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length == 0)
        {
            return new SeedStatistics(double.NaN, double.NaN, 0);
        }

        double mean = finite.Average();
        double variance = finite.Length > 1 ? finite.Sum(v => (v - mean) * (v - mean)) / (finite.Length - 1) : 0;
        return new SeedStatistics(mean, Math.Sqrt(variance), finite.Length);
    }

    /// <summary>
    /// "mean (±std)" as the paper's tables print it; the mean alone for a single value (one seed, or
    /// a number quoted from the paper), where a spread of 0 would claim what was not measured; a
    /// dash when nothing was measured.
    /// </summary>
    public string Format(string format) => Count switch
    {
        0 => "–",
        1 => Mean.ToString(format, CultureInfo.InvariantCulture),
        _ => string.Create(CultureInfo.InvariantCulture, $"{Mean.ToString(format, CultureInfo.InvariantCulture)} (±{StandardDeviation.ToString(format, CultureInfo.InvariantCulture)})"),
    };
}
