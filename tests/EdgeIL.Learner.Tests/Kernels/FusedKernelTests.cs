using EdgeIL.Learner.Kernels;

namespace EdgeIL.Learner.Tests.Kernels;

/// <summary>
/// Every kernel body against a float64 reference, for every length 0..256 so that every vector
/// width and every tail length runs, on every machine: the vector bodies work (in software) even
/// where the hardware does not accelerate them.
/// </summary>
public class FusedKernelTests
{
    [Theory]
    [MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void Dot_EveryLength_MatchesFloat64Reference(SimdLevel level)
    {
        for (int length = 0; length <= 256; length++)
        {
            float[] x = TestData.Uniform(length, seed: length);
            float[] y = TestData.Uniform(length, seed: 1000 + length);
            double expected = 0, scale = 0;
            for (int j = 0; j < length; j++)
            {
                expected += (double)x[j] * y[j];
                scale += Math.Abs((double)x[j] * y[j]);
            }

            float actual = FusedKernels.Dot(x, y, level);
            Assert.True(Math.Abs(actual - expected) <= 1e-6 * Math.Max(scale, 1), $"length {length}: {actual} vs {expected}");
        }
    }

    [Theory]
    [MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void AddScaled_EveryLength_MatchesFloat64Reference(SimdLevel level)
    {
        for (int length = 0; length <= 256; length++)
        {
            float[] x = TestData.Uniform(length, seed: length);
            float[] y = TestData.Uniform(length, seed: 1000 + length);
            double[] expected = y.Select((v, j) => v + (-0.37 * x[j])).ToArray();
            FusedKernels.AddScaled(x, -0.37f, y, level);
            TestData.AssertClose(expected, y, 1e-6, $"length {length}");
        }
    }

    [Theory]
    [MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void UpdateActivities_EveryLength_MatchesFloat64Reference(SimdLevel level)
    {
        const float gammaBottom = 0.02f, gammaTop = 0.015f, gammaDecay = 0.001f;
        for (int length = 0; length <= 256; length++)
        {
            float[] v = TestData.Uniform(length, seed: length);
            float[] g = TestData.Uniform(length, seed: 1000 + length);
            float[] e = TestData.Uniform(length, seed: 2000 + length);
            float[] a = new float[length];
            double[] expectedV = new double[length];
            for (int j = 0; j < length; j++)
            {
                double bottomUp = v[j] > 0 ? g[j] : 0;
                expectedV[j] = v[j] + gammaBottom * bottomUp - gammaTop * e[j] - gammaDecay * v[j];
            }

            FusedKernels.UpdateActivities(v, g, e, a, gammaBottom, gammaTop, gammaDecay, level);
            TestData.AssertClose(expectedV, v, 1e-6, $"v, length {length}");
            TestData.AssertClose(expectedV.Select(x => Math.Max(x, 0)).ToArray(), a, 1e-6, $"a, length {length}");
        }
    }

    [Theory]
    [MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void AdamStep_EveryLength_MatchesFloat64Reference(SimdLevel level)
    {
        const double beta1 = 0.9, beta2 = 0.999, stepSize = 0.01, correction = 3.1, epsilon = 1e-8;
        for (int length = 0; length <= 256; length++)
        {
            float[] w = TestData.Uniform(length, seed: length);
            float[] m = TestData.Uniform(length, seed: 1000 + length);
            float[] s = TestData.Uniform(length, seed: 2000 + length).Select(Math.Abs).ToArray();
            float[] direction = TestData.Uniform(length, seed: 3000 + length);
            const float gradientScale = -0.7f;
            double[] expectedW = new double[length], expectedM = new double[length], expectedS = new double[length];
            double expectedSquares = 0;
            for (int j = 0; j < length; j++)
            {
                double grad = gradientScale * direction[j];
                expectedM[j] = beta1 * m[j] + (1 - beta1) * grad;
                expectedS[j] = beta2 * s[j] + (1 - beta2) * grad * grad;
                double change = -stepSize * expectedM[j] / (Math.Sqrt(expectedS[j]) * correction + epsilon);
                expectedW[j] = w[j] + change;
                expectedSquares += change * change;
            }

            float squares = FusedKernels.AdamStep(w, m, s, gradientScale, direction, (float)beta1, (float)beta2, (float)stepSize, (float)correction, (float)epsilon, level);
            TestData.AssertClose(expectedW, w, 1e-5, $"w, length {length}");
            TestData.AssertClose(expectedM, m, 1e-5, $"m, length {length}");
            TestData.AssertClose(expectedS, s, 1e-5, $"s, length {length}");
            Assert.True(Math.Abs(squares - expectedSquares) <= 1e-4 * Math.Max(expectedSquares, 1e-12), $"squares, length {length}");
        }
    }

    [Theory]
    [MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void PredictAndPropagate_EveryWidth_MatchesFloat64Reference(SimdLevel level)
    {
        foreach (int rows in new[] { 1, 3, 4, 7 })
        {
            for (int columns = 0; columns <= 256; columns++)
            {
                float[] w = TestData.Uniform(rows * columns, seed: columns);
                float[] a = TestData.Uniform(columns, seed: 1000 + columns);
                float[] b = TestData.Uniform(rows, seed: 2000 + columns);
                float[] v = TestData.Uniform(rows, seed: 3000 + columns);
                float[] p = new float[rows], e = new float[rows], g = TestData.Uniform(columns, seed: 9);
                double[] expectedP = new double[rows], expectedE = new double[rows], expectedG = new double[columns];
                for (int i = 0; i < rows; i++)
                {
                    expectedP[i] = b[i];
                    for (int j = 0; j < columns; j++)
                    {
                        expectedP[i] += (double)w[i * columns + j] * a[j];
                    }

                    expectedE[i] = v[i] - expectedP[i];
                    for (int j = 0; j < columns; j++)
                    {
                        expectedG[j] += w[i * columns + j] * expectedE[i];
                    }
                }

                FusedKernels.PredictAndPropagate(w, a, b, v, p, e, g, level);
                string what = $"{rows}x{columns}";
                TestData.AssertClose(expectedP, p, 1e-5, "p " + what);
                TestData.AssertClose(expectedE, e, 1e-5, "e " + what);
                TestData.AssertClose(expectedG, g, 1e-5, "g " + what);
            }
        }
    }

    [Theory]
    [MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void PredictAndPropagate_OddShapes_MatchesFloat64Reference(SimdLevel level)
    {
        // Rows 1..9 cover whole blocks of four rows and every remainder; columns up to 70 cover every
        // tail behind one and two vectors of every width, including 16-float vectors.
        for (int rows = 1; rows <= 9; rows++)
        {
            for (int columns = 0; columns <= 70; columns++)
            {
                float[] w = TestData.Uniform(rows * columns, seed: (rows * 100) + columns);
                float[] a = TestData.Uniform(columns, seed: 1000 + columns);
                float[] b = TestData.Uniform(rows, seed: 2000 + rows);
                float[] v = TestData.Uniform(rows, seed: 3000 + rows);
                AssertPredictAndPropagate(w, a, b, v, level, $"{rows}x{columns}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void PredictAndPropagate_ExactlyZeroErrors_MatchesFloat64Reference(SimdLevel level)
    {
        // Targets equal to the predictions give errors of exactly zero: a whole block of them, one in
        // a block, and a leftover row, so the skipped and the partly skipped paths both run.
        const int rows = 9, columns = 37;
        int[] zeros = [0, 1, 2, 3, 5, 8];
        float[] w = TestData.Uniform(rows * columns, seed: 11);
        float[] a = TestData.Uniform(columns, seed: 12);
        float[] b = TestData.Uniform(rows, seed: 13);
        float[] v = TestData.Uniform(rows, seed: 14);
        float[] p = new float[rows];
        FusedKernels.PredictAndPropagate(w, a, b, v, p, new float[rows], new float[columns], level);
        foreach (int i in zeros)
        {
            v[i] = p[i];
        }

        float[] e = AssertPredictAndPropagate(w, a, b, v, level, "zero errors");
        Assert.All(zeros, i => Assert.Equal(0f, e[i]));
        Assert.DoesNotContain(0f, e.Where((_, i) => !zeros.Contains(i)));
    }

    [Theory]
    [MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void PredictAndPropagate_LayerShape_MatchesFloat64Reference(SimdLevel level)
    {
        // The 500-unit hidden layer of the larger MNIST network, fed an activity with MNIST's four
        // fifths of zeros (784 columns, as from the input).
        const int rows = 500, columns = 784;
        float[] w = TestData.Uniform(rows * columns, seed: 1);
        float[] a = MnistLikeActivity(columns, seed: 5);
        float[] b = TestData.Uniform(rows, seed: 2);
        float[] v = TestData.Uniform(rows, seed: 3);
        AssertPredictAndPropagate(w, a, b, v, level, $"{rows}x{columns}");
    }

    [Theory]
    [MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void MultiplyAdd_LayerShape_MatchesFloat64Reference(SimdLevel level)
    {
        // A first layer of the MNIST networks, with the input's four fifths of zeros.
        const int rows = 23, columns = 784;
        float[] w = TestData.Uniform(rows * columns, seed: 1);
        float[] x = MnistLikeActivity(columns, seed: 5);
        float[] b = TestData.Uniform(rows, seed: 2);
        float[] y = new float[rows];
        double[] expected = Enumerable.Range(0, rows)
            .Select(i => b[i] + Enumerable.Range(0, columns).Sum(j => (double)w[(i * columns) + j] * x[j]))
            .ToArray();

        FusedKernels.MultiplyAdd(w, x, b, y, level);
        TestData.AssertClose(expected, y, 1e-5, $"{rows}x{columns}");
    }

    [Theory]
    [MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void MultiplyTransposed_OddShapes_MatchesFloat64Reference(SimdLevel level)
    {
        // Rows 1..9 with every third, fifth or no u[i] zero: groups of four rows that are and are not
        // consecutive, and every number of rows left over; columns up to 70 cover every tail.
        for (int rows = 1; rows <= 9; rows++)
        {
            foreach (int zeroEvery in new[] { 0, 3, 5 })
            {
                for (int columns = 0; columns <= 70; columns++)
                {
                    float[] w = TestData.Uniform(rows * columns, seed: (rows * 100) + columns);
                    float[] u = TestData.Uniform(rows, seed: 2000 + rows);
                    for (int i = 0; zeroEvery > 0 && i < rows; i += zeroEvery)
                    {
                        u[i] = 0f;
                    }

                    AssertMultiplyTransposed(w, u, columns, level, $"{rows}x{columns}, every {zeroEvery} zero");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void MultiplyTransposed_LayerShape_MatchesFloat64Reference(SimdLevel level)
    {
        // Backprop through a 500-unit layer of the larger MNIST network: about half the units are off,
        // and their errors are exactly zero.
        const int rows = 500, columns = 784;
        var random = new Random(6);
        float[] w = TestData.Uniform(rows * columns, seed: 1);
        float[] u = Enumerable.Range(0, rows).Select(_ => random.NextDouble() < 0.5 ? 0f : (float)(random.NextDouble() - 0.5)).ToArray();
        AssertMultiplyTransposed(w, u, columns, level, $"{rows}x{columns}");
    }

    [Fact]
    public void Choose_Override_NeverWiderThanHardware()
    {
        Assert.Equal(SimdLevel.Scalar, SimdSelection.Choose("scalar"));
        Assert.True(SimdSelection.Choose("vector256") <= SimdSelection.Accelerated);
        Assert.True(SimdSelection.Choose("vector512") <= SimdSelection.Supported);
        Assert.True(SimdSelection.Accelerated <= SimdSelection.Supported);
        Assert.Equal(SimdSelection.Accelerated, SimdSelection.Choose(null));
        Assert.Throws<InvalidOperationException>(() => SimdSelection.Choose("avx512"));
    }

    /// <summary>An input layer's activity as MNIST gives it: four fifths zeros, the rest in [0, 1).</summary>
    private static float[] MnistLikeActivity(int columns, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, columns).Select(_ => random.NextDouble() < 0.8 ? 0f : (float)random.NextDouble())];
    }

    /// <summary>
    /// Runs <see cref="FusedKernels.PredictAndPropagate"/> over outputs that start as garbage and checks
    /// every output against float64, each within 1e-6 of the sum of the magnitudes of its terms; returns
    /// the errors.
    /// </summary>
    private static float[] AssertPredictAndPropagate(float[] w, float[] a, float[] b, float[] v, SimdLevel level, string what)
    {
        int rows = b.Length, columns = a.Length;
        double[] expectedP = new double[rows], expectedE = new double[rows], scaleP = new double[rows];
        double[] expectedG = new double[columns], scaleG = new double[columns];
        for (int i = 0; i < rows; i++)
        {
            expectedP[i] = b[i];
            scaleP[i] = Math.Abs(b[i]);
            for (int j = 0; j < columns; j++)
            {
                expectedP[i] += (double)w[(i * columns) + j] * a[j];
                scaleP[i] += Math.Abs((double)w[(i * columns) + j] * a[j]);
            }

            expectedE[i] = v[i] - expectedP[i];
        }

        // g is built from the kernel's own errors, so that it is checked on its own account and a
        // slightly different error (checked above) does not move it.
        float[] p = Enumerable.Repeat(float.NaN, rows).ToArray();
        float[] e = Enumerable.Repeat(float.NaN, rows).ToArray();
        float[] g = Enumerable.Repeat(float.NaN, columns).ToArray();
        FusedKernels.PredictAndPropagate(w, a, b, v, p, e, g, level);
        for (int i = 0; i < rows; i++)
        {
            double tolerance = 1e-6 * Math.Max(scaleP[i] + Math.Abs(v[i]), 1);
            Assert.True(Math.Abs(p[i] - expectedP[i]) <= tolerance, $"{what}, p[{i}]: {p[i]} vs {expectedP[i]}");
            Assert.True(Math.Abs(e[i] - expectedE[i]) <= tolerance, $"{what}, e[{i}]: {e[i]} vs {expectedE[i]}");
            for (int j = 0; j < columns; j++)
            {
                expectedG[j] += (double)w[(i * columns) + j] * e[i];
                scaleG[j] += Math.Abs((double)w[(i * columns) + j] * e[i]);
            }
        }

        for (int j = 0; j < columns; j++)
        {
            Assert.True(Math.Abs(g[j] - expectedG[j]) <= 1e-6 * Math.Max(scaleG[j], 1), $"{what}, g[{j}]: {g[j]} vs {expectedG[j]}");
        }

        return e;
    }

    /// <summary>
    /// Runs <see cref="FusedKernels.MultiplyTransposed"/> into an output that starts as garbage and checks
    /// every element against float64, within 1e-6 of the sum of the magnitudes of its terms.
    /// </summary>
    private static void AssertMultiplyTransposed(float[] w, float[] u, int columns, SimdLevel level, string what)
    {
        double[] expected = new double[columns], scale = new double[columns];
        for (int i = 0; i < u.Length; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                expected[j] += (double)w[(i * columns) + j] * u[i];
                scale[j] += Math.Abs((double)w[(i * columns) + j] * u[i]);
            }
        }

        float[] g = Enumerable.Repeat(float.NaN, columns).ToArray();
        FusedKernels.MultiplyTransposed(w, u, g, level);
        for (int j = 0; j < columns; j++)
        {
            Assert.True(Math.Abs(g[j] - expected[j]) <= 1e-6 * Math.Max(scale[j], 1), $"{what}, g[{j}]: {g[j]} vs {expected[j]}");
        }
    }
}
