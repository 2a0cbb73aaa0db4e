using EdgeIL.Learner.Kernels;

namespace EdgeIL.Learner.Tests.Kernels;

/// <summary>
/// The mini-batch kernels against float64 references, at every level on every machine, over shapes that
/// leave every remainder: rows short of a block of four, samples short of a block of two or four, columns
/// short of one and of two vectors at every width up to 512 bits, weight panels past the row chunk, and
/// batches of 784 inputs large enough to be cut into sample tiles.
/// </summary>
public class BatchKernelTests
{
    private static readonly int[] s_rows = [1, 2, 3, 4, 5, 7, 8, 9];
    private static readonly int[] s_batches = [1, 2, 3, 4, 5, 6, 7, 9];

    // Up to two 512-bit vectors and one more, and every tail after them.
    private const int MaximumColumns = 49;

    [Theory]
    [MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void MultiplyAdd_EveryRemainder_MatchesFloat64Reference(SimdLevel level)
    {
        foreach ((int rows, int batch, int columns) in Shapes())
        {
            AssertMultiplyAdd(rows, batch, columns, level);
        }
    }

    [Theory]
    [MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void MultiplyAdd_BatchesCutIntoSampleTiles_MatchesFloat64Reference(SimdLevel level)
    {
        // 784 inputs make tiles of at most 83 samples: 100 is cut into two of 50, 101 into 52 and 49.
        AssertMultiplyAdd(rows: 6, batch: 100, columns: 784, level);
        AssertMultiplyAdd(rows: 5, batch: 101, columns: 784, level);
    }

    [Theory]
    [MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void MultiplyTransposed_EveryRemainder_MatchesFloat64Reference(SimdLevel level)
    {
        foreach ((int rows, int batch, int columns) in Shapes())
        {
            AssertMultiplyTransposed(rows, batch, columns, level);
        }
    }

    [Theory]
    [MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void MultiplyTransposed_RowsPastOneChunk_MatchesFloat64Reference(SimdLevel level)
    {
        AssertMultiplyTransposed(rows: 300, batch: 7, columns: 45, level);
    }

    [Theory]
    [MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void MeanOuterProducts_EveryRemainder_MatchesFloat64Reference(SimdLevel level)
    {
        foreach ((int rows, int batch, int columns) in Shapes())
        {
            AssertMeanOuterProducts(rows, batch, columns, level);
        }
    }

    [Fact]
    public void MultiplyAdd_ShapesDisagree_Throws()
    {
        float[] w = new float[12], b = new float[3], x = new float[8], y = new float[6];
        Assert.Throws<ArgumentException>(() => BatchKernels.MultiplyAdd(w, b, x, y.AsSpan(1), 2, SimdLevel.Scalar));
        Assert.Throws<ArgumentException>(() => BatchKernels.MultiplyAdd(w.AsSpan(1), b, x, y, 2, SimdLevel.Scalar));
        BatchKernels.MultiplyAdd(w, b, x, y, 2, SimdLevel.Scalar);
    }

    private static IEnumerable<(int Rows, int Batch, int Columns)> Shapes()
    {
        foreach (int rows in s_rows)
        {
            foreach (int batch in s_batches)
            {
                for (int columns = 0; columns <= MaximumColumns; columns++)
                {
                    yield return (rows, batch, columns);
                }
            }
        }
    }

    private static void AssertMultiplyAdd(int rows, int batch, int columns, SimdLevel level)
    {
        float[] w = TestData.Uniform(rows * columns, seed: columns);
        float[] bias = TestData.Uniform(rows, seed: 100 + rows);
        float[] x = TestData.Uniform(batch * columns, seed: 200 + batch);
        double[] expected = new double[batch * rows];
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < rows; i++)
            {
                double sum = bias[i];
                for (int j = 0; j < columns; j++)
                {
                    sum += (double)w[i * columns + j] * x[b * columns + j];
                }

                expected[b * rows + i] = sum;
            }
        }

        float[] y = new float[batch * rows];
        Array.Fill(y, float.NaN);
        BatchKernels.MultiplyAdd(w, bias, x, y, batch, level);
        TestData.AssertClose(expected, y, 1e-5, $"{rows} rows, {batch} samples, {columns} columns at {level}");
    }

    private static void AssertMultiplyTransposed(int rows, int batch, int columns, SimdLevel level)
    {
        float[] w = TestData.Uniform(rows * columns, seed: columns);
        float[] u = TestData.Uniform(batch * rows, seed: 300 + batch);
        u[0] = 0f;
        double[] expected = new double[batch * columns];
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < columns; j++)
                {
                    expected[b * columns + j] += (double)w[i * columns + j] * u[b * rows + i];
                }
            }
        }

        float[] g = new float[batch * columns];
        Array.Fill(g, float.NaN);
        BatchKernels.MultiplyTransposed(w, u, g, batch, level);
        TestData.AssertClose(expected, g, 1e-5, $"{rows} rows, {batch} samples, {columns} columns at {level}");
    }

    private static void AssertMeanOuterProducts(int rows, int batch, int columns, SimdLevel level)
    {
        float[] e = TestData.Uniform(batch * rows, seed: 400 + rows);
        float[] a = TestData.Uniform(batch * columns, seed: 500 + columns);
        double[] expectedWeights = new double[rows * columns];
        double[] expectedBiases = new double[rows];
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < rows; i++)
            {
                expectedBiases[i] += (double)e[b * rows + i] / batch;
                for (int j = 0; j < columns; j++)
                {
                    expectedWeights[i * columns + j] += (double)e[b * rows + i] * a[b * columns + j] / batch;
                }
            }
        }

        float[] weights = new float[rows * columns];
        float[] biases = new float[rows];
        Array.Fill(weights, float.NaN);
        Array.Fill(biases, float.NaN);
        BatchKernels.MeanOuterProducts(e, a, weights, biases, batch, level);
        TestData.AssertClose(expectedWeights, weights, 1e-6, $"D, {rows} rows, {batch} samples, {columns} columns at {level}");
        TestData.AssertClose(expectedBiases, biases, 1e-6, $"d, {rows} rows, {batch} samples, {columns} columns at {level}");
    }
}
