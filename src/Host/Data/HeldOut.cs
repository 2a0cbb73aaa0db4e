using EdgeIL.Device.Streams;

namespace EdgeIL.Host.Data;

/// <summary>
/// How many rows at the end of a sensor log or recording are held out for testing: the share
/// <c>--test-fraction</c> asks for, but at most <see cref="MaxRows"/>.
/// </summary>
/// <remarks>
/// The cap keeps an evaluation's cost bounded: every held-out row is predicted at each evaluation
/// (by default every 1,000 samples), so a fifth of a 2,000,000-row log would cost 400 predictions
/// per sample learned and stall the run. Ten thousand rows are as many as MNIST's test set; at 90 %
/// accuracy their binomial standard error is 0.3 points.
/// </remarks>
public static class HeldOut
{
    /// <summary>The most rows held out.</summary>
    public const int MaxRows = 10_000;

    /// <summary>The number of rows to hold out of <paramref name="count"/>.</summary>
    /// <param name="path">The file, for messages.</param>
    /// <param name="count">The rows in it.</param>
    /// <param name="fraction">The share to hold out, range 0 &lt; f &lt; 1.</param>
    /// <param name="what">What a row is, for messages ("rows", "labelled frames").</param>
    /// <returns>At least 1 and fewer than <paramref name="count"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="fraction"/> is out of range.</exception>
    /// <exception cref="DataFormatException">The file is too short to hold anything out.</exception>
    public static int Count(string path, int count, double fraction, string what)
    {
        if (fraction is not (> 0 and < 1))
        {
            throw new ArgumentException($"--test-fraction {fraction}: must be between 0 and 1 (exclusive).");
        }

        int held = (int)Math.Min(MaxRows, Math.Round(count * fraction));
        return held >= 1 && held < count
            ? held
            : throw new DataFormatException($"{path}: {count} {what} are too few to hold out {fraction:P0} for testing.");
    }
}
