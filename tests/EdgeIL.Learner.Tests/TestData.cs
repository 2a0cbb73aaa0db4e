namespace EdgeIL.Learner.Tests;

/// <summary>Seeded test inputs and float32-against-float64 comparisons.</summary>
internal static class TestData
{
    /// <summary><paramref name="length"/> values from <c>U(-1, 1)</c>, the same for the same seed.</summary>
    public static float[] Uniform(int length, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        float[] values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)(2 * random.NextDouble() - 1) * scale;
        }

        return values;
    }

    /// <summary>Asserts <c>|expected - actual| &lt;= relative * max(|expected|, 1)</c> element by element.</summary>
    public static void AssertClose(double[] expected, ReadOnlySpan<float> actual, double relative, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = relative * Math.Max(Math.Abs(expected[i]), 1);
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    /// <summary>Every weight and bias of a network, flattened layer by layer.</summary>
    public static float[] Parameters(Mlp model)
    {
        var values = new List<float>();
        for (int n = 0; n < model.LayerCount; n++)
        {
            values.AddRange(model.GetWeights(n).ToArray());
            values.AddRange(model.GetBiases(n).ToArray());
        }

        return [.. values];
    }

    /// <summary>A one-hot label.</summary>
    public static float[] OneHot(int label, int classes)
    {
        float[] y = new float[classes];
        y[label] = 1f;
        return y;
    }
}
