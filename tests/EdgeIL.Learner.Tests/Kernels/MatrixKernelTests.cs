using EdgeIL.Learner.Kernels;

namespace EdgeIL.Learner.Tests.Kernels;

public class MatrixKernelTests
{
    // Every remainder after the blocked kernels' groups of four rows, at one and at several groups.
    public static TheoryData<int> Rows => [1, 2, 3, 4, 6, 7, 8, 31];

    [Theory]
    [MemberData(nameof(Rows))]
    public void MultiplyAdd_EveryWidth_MatchesFloat64Reference(int rows)
    {
        for (int columns = 0; columns <= 256; columns++)
        {
            float[] w = TestData.Uniform(rows * columns, seed: columns);
            float[] x = TestData.Uniform(columns, seed: 500 + columns);
            float[] b = TestData.Uniform(rows, seed: 900 + columns);
            float[] y = new float[rows];
            double[] expected = new double[rows];
            for (int i = 0; i < rows; i++)
            {
                expected[i] = b[i];
                for (int j = 0; j < columns; j++)
                {
                    expected[i] += (double)w[i * columns + j] * x[j];
                }
            }

            foreach (SimdLevel level in Enum.GetValues<SimdLevel>())
            {
                Array.Fill(y, float.NaN);
                MatrixKernels.MultiplyAdd(w, x, b, y, level);
                TestData.AssertClose(expected, y, 1e-5, $"{rows}x{columns} at {level}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void MultiplyTransposed_EveryWidth_MatchesFloat64Reference(int rows)
    {
        for (int columns = 0; columns <= 256; columns++)
        {
            float[] w = TestData.Uniform(rows * columns, seed: columns);
            float[] u = TestData.Uniform(rows, seed: 500 + columns);
            u[0] = 0f;
            float[] g = new float[columns];
            double[] expected = new double[columns];
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < columns; j++)
                {
                    expected[j] += (double)w[i * columns + j] * u[i];
                }
            }

            foreach (SimdLevel level in Enum.GetValues<SimdLevel>())
            {
                Array.Fill(g, float.NaN);
                MatrixKernels.MultiplyTransposed(w, u, g, level);
                TestData.AssertClose(expected, g, 1e-5, $"{rows}x{columns} at {level}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void AddScaledOuterProduct_EveryWidth_MatchesFloat64Reference(int rows)
    {
        for (int columns = 0; columns <= 256; columns++)
        {
            float[] w = TestData.Uniform(rows * columns, seed: columns);
            float[] b = TestData.Uniform(rows, seed: 300 + columns);
            float[] u = TestData.Uniform(rows, seed: 500 + columns);
            float[] v = TestData.Uniform(columns, seed: 900 + columns);
            double[] expectedW = w.Select((x, k) => x + 0.3 * u[k / Math.Max(columns, 1)] * v[k % Math.Max(columns, 1)]).ToArray();
            double[] expectedB = b.Select((x, i) => x + 0.3 * u[i]).ToArray();
            MatrixKernels.AddScaledOuterProduct(w, b, 0.3f, u, v);
            TestData.AssertClose(expectedW, w, 1e-6, $"W {rows}x{columns}");
            TestData.AssertClose(expectedB, b, 1e-6, $"b {rows}x{columns}");
        }
    }
}
