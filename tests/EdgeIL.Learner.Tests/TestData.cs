using System.Runtime.InteropServices;
using EdgeIL.Learner.Kernels;

namespace EdgeIL.Learner.Tests;

/// <summary>Seeded test inputs and float32-against-float64 comparisons.</summary>
internal static class TestData
{
    /// <summary>Every vector width, for theories that must hold at each.</summary>
    public static TheoryData<SimdLevel> Levels => [.. Enum.GetValues<SimdLevel>()];

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

    /// <summary>
    /// Asserts the same bits, element by element: float equality would take -0 for +0 and one NaN for another,
    /// which a claim of identical results must not.
    /// </summary>
    public static void AssertSameBits(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        ReadOnlySpan<int> e = MemoryMarshal.Cast<float, int>(expected), a = MemoryMarshal.Cast<float, int>(actual);
        for (int i = 0; i < e.Length; i++)
        {
            Assert.True(e[i] == a[i], $"{what}[{i}]: expected {expected[i]:R} (0x{e[i]:X8}), got {actual[i]:R} (0x{a[i]:X8})");
        }
    }

    /// <summary>The transpose of a <paramref name="rows"/> x <paramref name="columns"/> row-major matrix.</summary>
    public static float[] Transpose(ReadOnlySpan<float> matrix, int rows, int columns)
    {
        float[] result = new float[matrix.Length];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                result[(j * rows) + i] = matrix[(i * columns) + j];
            }
        }

        return result;
    }

    /// <summary>
    /// The fewest bytes this thread allocated in any of <paramref name="windows"/> runs of <paramref name="run"/>:
    /// an allocation of the code under test shows in every window, while a one-off of the runtime's does not.
    /// One CI run on a loaded machine saw 2,616 bytes (il-sgd) in a single window that five reruns did not
    /// reproduce, and a million-sample drift-detector run once saw some too; a one-off must not hide behind a
    /// retry of the whole test, so the windows are measured here.
    /// </summary>
    public static long FewestBytesAllocated(int windows, Action run)
    {
        long fewest = long.MaxValue;
        for (int window = 0; window < windows; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            run();
            fewest = Math.Min(fewest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return fewest;
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

    /// <summary>A label of the kind <paramref name="head"/> learns: one-hot, probabilities in [0, 1], or values in [-2, 2].</summary>
    public static float[] RandomTarget(OutputHead head, int length, Random random)
    {
        float[] target = new float[length];
        switch (head)
        {
            case OutputHead.Softmax:
                target[random.Next(length)] = 1f;
                break;
            case OutputHead.Sigmoid:
                for (int i = 0; i < length; i++)
                {
                    target[i] = (float)random.NextDouble();
                }

                break;
            default:
                for (int i = 0; i < length; i++)
                {
                    target[i] = (float)(4 * random.NextDouble() - 2);
                }

                break;
        }

        return target;
    }

    /// <summary>A one-hot label.</summary>
    public static float[] OneHot(int label, int classes)
    {
        float[] y = new float[classes];
        y[label] = 1f;
        return y;
    }

    /// <summary>Every pairing of the given rules with every vector width, for theories that must hold at each.</summary>
    public static TheoryData<LearningAlgorithm, SimdLevel> AtEveryWidth(params LearningAlgorithm[] algorithms)
    {
        var data = new TheoryData<LearningAlgorithm, SimdLevel>();
        foreach (LearningAlgorithm algorithm in algorithms)
        {
            foreach (SimdLevel level in Enum.GetValues<SimdLevel>())
            {
                data.Add(algorithm, level);
            }
        }

        return data;
    }
}
