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
            AssertAtEveryWidth(
                RowDots(w, x, b, mask: null, rows, columns), (y, level) => MatrixKernels.MultiplyAdd(w, x, b, y, level), $"{rows}x{columns}");
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
            AssertAtEveryWidth(
                ColumnSums(w, u, bias: null, rows, columns), (g, level) => MatrixKernels.MultiplyTransposed(w, u, g, level), $"{rows}x{columns}");
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void MultiplyTransposedAdd_EveryWidth_MatchesFloat64Reference(int rows)
    {
        for (int columns = 0; columns <= 256; columns++)
        {
            float[] w = TestData.Uniform(rows * columns, seed: columns);
            float[] u = ReluLike(TestData.Uniform(rows, seed: 500 + columns));
            float[] b = TestData.Uniform(columns, seed: 900 + columns);
            AssertAtEveryWidth(
                ColumnSums(w, u, b, rows, columns), (y, level) => FusedKernels.MultiplyTransposedAdd(w, u, b, y, level), $"{rows}x{columns}");
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void MultiplyActiveRows_EveryWidth_MatchesFloat64ReferenceWhereActiveAndZeroElsewhere(int rows)
    {
        for (int columns = 0; columns <= 256; columns++)
        {
            float[] w = TestData.Uniform(rows * columns, seed: columns);
            float[] x = TestData.Uniform(columns, seed: 500 + columns);

            // Negative, zero and positive entries: only the positive ones select a row, as only an
            // active ReLU unit passes its error on.
            float[] mask = TestData.Uniform(rows, seed: 900 + columns);
            mask[0] = 0f;
            AssertAtEveryWidth(
                RowDots(w, x, bias: null, mask, rows, columns), (y, level) => FusedKernels.MultiplyActiveRows(w, x, mask, y, level), $"{rows}x{columns}");
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void AddOuterProduct_IntoMatrixAndItsTranspose_MatchesFloat64AndTheTransposeStaysEqual(int rows)
    {
        foreach (int columns in new[] { 1, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 64, 65, 100 })
        {
            foreach (SimdLevel level in Enum.GetValues<SimdLevel>())
            {
                float[] w = TestData.Uniform(rows * columns, seed: columns);
                float[] transposed = TestData.Transpose(w, rows, columns);
                float[] u = ReluLike(TestData.Uniform(rows, seed: 500 + columns));
                float[] v = ReluLike(TestData.Uniform(columns, seed: 900 + columns));
                double[] expected = w.Select((x, k) => x + ((double)u[k / columns] * v[k % columns])).ToArray();

                // The transposed copy relies on every weight taking exactly this one rounding, in a block or not.
                float[] fused = w.Select((x, k) => u[k / columns] == 0f ? x : MathF.FusedMultiplyAdd(v[k % columns], u[k / columns], x)).ToArray();

                FusedKernels.AddOuterProduct(w, u, v, level);
                FusedKernels.AddOuterProduct(transposed, v, u, level);

                TestData.AssertClose(expected, w, 1e-6, $"W {rows}x{columns} at {level}");
                TestData.AssertSameBits(fused, w, $"W {rows}x{columns} at {level}, one fused multiply-add per weight");
                TestData.AssertSameBits(TestData.Transpose(w, rows, columns), transposed, $"W^T {rows}x{columns} at {level}");
            }
        }
    }

    /// <summary>Runs <paramref name="kernel"/> at every width into an output first filled with NaN, so that an unwritten element shows.</summary>
    private static void AssertAtEveryWidth(double[] expected, Action<float[], SimdLevel> kernel, string what)
    {
        float[] actual = new float[expected.Length];
        foreach (SimdLevel level in Enum.GetValues<SimdLevel>())
        {
            Array.Fill(actual, float.NaN);
            kernel(actual, level);
            TestData.AssertClose(expected, actual, 1e-5, $"{what} at {level}");
        }
    }

    /// <summary>In float64: <c>y[i] = b[i] + sum_j W[i, j] x[j]</c>, and zero for the rows whose mask is not positive.</summary>
    private static double[] RowDots(float[] w, float[] x, float[]? bias, float[]? mask, int rows, int columns)
    {
        double[] y = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            if (mask is not null && !(mask[i] > 0f))
            {
                continue;
            }

            y[i] = bias?[i] ?? 0;
            for (int j = 0; j < columns; j++)
            {
                y[i] += (double)w[(i * columns) + j] * x[j];
            }
        }

        return y;
    }

    /// <summary>In float64: <c>y[j] = b[j] + sum_i W[i, j] u[i]</c>.</summary>
    private static double[] ColumnSums(float[] w, float[] u, float[]? bias, int rows, int columns)
    {
        double[] y = new double[columns];
        for (int j = 0; j < columns; j++)
        {
            y[j] = bias?[j] ?? 0;
        }

        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                y[j] += (double)w[(i * columns) + j] * u[i];
            }
        }

        return y;
    }

    // About half the entries zero, as a ReLU layer's activities are.
    private static float[] ReluLike(float[] values) => values.Select(x => Math.Max(x, 0f)).ToArray();
}
