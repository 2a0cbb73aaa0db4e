namespace EdgeIL.Learner.Tests.Drift;

/// <summary>Streams with known change points, seeded.</summary>
internal static class DriftStreams
{
    /// <summary>Gaussian noise whose mean steps from <paramref name="before"/> to <paramref name="after"/> at observation <paramref name="changeAt"/> (1-based).</summary>
    public static double[] Step(int length, int changeAt, double before, double after, double noise, int seed)
    {
        var random = new Random(seed);
        double[] values = new double[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (i + 1 < changeAt ? before : after) + (noise * Gaussian(random));
        }

        return values;
    }

    /// <summary>0/1 errors with rate <paramref name="before"/>, then <paramref name="after"/> from observation <paramref name="changeAt"/> (1-based).</summary>
    public static double[] Bernoulli(int length, int changeAt, double before, double after, int seed)
    {
        var random = new Random(seed);
        double[] values = new double[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = random.NextDouble() < (i + 1 < changeAt ? before : after) ? 1 : 0;
        }

        return values;
    }

    /// <summary>Feeds <paramref name="values"/> and returns the observations (1-based) on which a change was reported.</summary>
    public static List<long> Detections(Learner.Drift.IDriftDetector detector, IEnumerable<double> values)
    {
        var found = new List<long>();
        foreach (double value in values)
        {
            if (detector.Add(value))
            {
                found.Add(detector.Observations);
            }
        }

        return found;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
