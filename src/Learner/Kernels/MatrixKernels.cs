using System.Numerics.Tensors;

namespace EdgeIL.Learner.Kernels;

/// <summary>
/// Matrix-vector kernels on row-major float32 matrices: the names the rest of the learner calls, forwarding to
/// the register-blocked kernels of <see cref="FusedKernels"/>.
/// Shapes are checked by the callers that own the buffers; these run on the hot path.
/// </summary>
internal static class MatrixKernels
{
    /// <summary>
    /// Computes <c>y[i] = dot(W[i, :], x) + b[i]</c> for a <c>y.Length x x.Length</c> matrix <c>W</c>, at
    /// <paramref name="level"/>. This is the register-blocked kernel of <see cref="FusedKernels"/> rather than
    /// one <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/> per row, where every row
    /// paid its own call, its own loads of <c>x</c>, its own reduction and its own tail.
    /// </summary>
    public static void MultiplyAdd(ReadOnlySpan<float> weights, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, SimdLevel level) =>
        FusedKernels.MultiplyAdd(weights, x, bias, y, level);

    /// <summary>
    /// Computes <c>g = W^T u</c>, that is <c>g[j] = sum_i W[i, j] u[i]</c>, for a <c>u.Length x g.Length</c> matrix
    /// <c>W</c>, at <paramref name="level"/>: the blocked kernel of <see cref="FusedKernels"/>, which loads and
    /// stores <c>g</c> once per four rows rather than once per row.
    /// </summary>
    public static void MultiplyTransposed(ReadOnlySpan<float> weights, ReadOnlySpan<float> u, Span<float> g, SimdLevel level) =>
        FusedKernels.MultiplyTransposed(weights, u, g, level);
}
