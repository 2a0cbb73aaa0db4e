namespace EdgeIL.Benchmarks;

/// <summary>Seeded vectors for the benchmarks that do not stream the MNIST sample.</summary>
internal static class SyntheticInputs
{
    /// <summary>One pixel in five nonzero, as MNIST's: the share the sparse kernels and the model assume.</summary>
    public const double PixelZeroShare = 0.8;

    /// <summary><paramref name="length"/> values, each zero with probability <paramref name="zeroShare"/> and otherwise in [0, 1).</summary>
    public static float[] Sparse(Random random, int length, double zeroShare)
    {
        float[] values = new float[length];
        for (int j = 0; j < length; j++)
        {
            values[j] = random.NextDouble() < zeroShare ? 0f : (float)random.NextDouble();
        }

        return values;
    }
}
