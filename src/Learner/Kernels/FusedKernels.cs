using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeIL.Learner.Kernels;

/// <summary>
/// Hand-written kernels that fuse what <see cref="System.Numerics.Tensors.TensorPrimitives"/> would
/// do in several passes. Each is written once, generic over the vector operations
/// (<see cref="IFloatVector{TVector}"/>), and runs at the width the caller asks for; the elements that
/// do not fill a vector go through the same body at width 1 (<see cref="ScalarOperations"/>), which at
/// <see cref="SimdLevel.Scalar"/> does all the work. The tests run every level on every machine.
/// </summary>
internal static class FusedKernels
{
    /// <summary>
    /// The rows the blocked kernels take together: in
    /// <see cref="MultiplyAdd(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, SimdLevel)"/> and
    /// <see cref="PredictAndPropagate(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float}, SimdLevel)"/>
    /// they share each load of <c>x</c>, and in the latter and
    /// <see cref="MultiplyTransposed(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, SimdLevel)"/> each load
    /// and store of <c>g</c>. Four rows of two vectors each keep eight accumulators, as many as the sixteen
    /// vector registers of AVX2 and SSE hold next to the loads without spilling.
    /// </summary>
    private const int RowBlock = 4;

    /// <summary>
    /// One pass over a hidden weight matrix during inference. For every row <c>i</c>:
    /// <c>p[i] = dot(W[i, :], a) + b[i]</c>, <c>e[i] = v[i] - p[i]</c>, and then
    /// <c>g = W^T e</c> (<c>g</c> is overwritten). Fusing them reads each row once while it is in
    /// L1, instead of streaming the whole matrix twice per inference iteration. Rows go in blocks of
    /// <see cref="RowBlock"/>, as in <see cref="MultiplyAdd(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, SimdLevel)"/>:
    /// the block's dot products share every load of <c>a</c>, and <c>g</c> is loaded and stored once per
    /// block instead of once per row.
    /// </summary>
    public static void PredictAndPropagate(
        ReadOnlySpan<float> weights, ReadOnlySpan<float> a, ReadOnlySpan<float> bias, ReadOnlySpan<float> target,
        Span<float> prediction, Span<float> error, Span<float> propagated, SimdLevel level)
    {
        switch (level)
        {
            case SimdLevel.Vector512:
                PredictAndPropagate<Vector512<float>, Vector512Operations>(weights, a, bias, target, prediction, error, propagated);
                break;
            case SimdLevel.Vector256:
                PredictAndPropagate<Vector256<float>, Vector256Operations>(weights, a, bias, target, prediction, error, propagated);
                break;
            case SimdLevel.Vector128:
                PredictAndPropagate<Vector128<float>, Vector128Operations>(weights, a, bias, target, prediction, error, propagated);
                break;
            default:
                PredictAndPropagate<float, ScalarOperations>(weights, a, bias, target, prediction, error, propagated);
                break;
        }
    }

    /// <summary>
    /// The activity step of inference for one hidden layer, with its activation:
    /// <c>v[j] += gammaBottom * (v[j] &gt; 0 ? g[j] : 0) - gammaTop * e[j] - gammaDecay * v[j]</c>,
    /// then <c>a[j] = max(v[j], 0)</c>. The ReLU derivative is taken at <c>v</c> before the step.
    /// </summary>
    public static void UpdateActivities(
        Span<float> v, ReadOnlySpan<float> propagated, ReadOnlySpan<float> error, Span<float> a,
        float gammaBottom, float gammaTop, float gammaDecay, SimdLevel level)
    {
        var step = new ActivityStep(gammaBottom, gammaTop, gammaDecay);
        int done = level switch
        {
            SimdLevel.Vector512 => UpdateActivities<Vector512<float>, Vector512Operations>(v, propagated, error, a, step),
            SimdLevel.Vector256 => UpdateActivities<Vector256<float>, Vector256Operations>(v, propagated, error, a, step),
            SimdLevel.Vector128 => UpdateActivities<Vector128<float>, Vector128Operations>(v, propagated, error, a, step),
            _ => 0,
        };
        if (done < v.Length)
        {
            UpdateActivities<float, ScalarOperations>(v[done..], propagated[done..], error[done..], a[done..], step);
        }
    }

    /// <summary>
    /// One Adam step on a row of parameters whose gradient is <c>grad[j] = gradientScale * direction[j]</c>:
    /// <c>m = beta1 m + (1 - beta1) grad</c>, <c>s = beta2 s + (1 - beta2) grad^2</c>,
    /// <c>w -= stepSize * m / (sqrt(s) * secondMomentCorrection + epsilon)</c>. The caller folds Adam's
    /// bias corrections into <c>stepSize = lr / (1 - beta1^t)</c> and
    /// <c>secondMomentCorrection = 1 / sqrt(1 - beta2^t)</c>. Returns the sum of the squared changes
    /// of <c>w</c>, from which the learner reports the size of its step.
    /// </summary>
    public static float AdamStep(
        Span<float> weights, Span<float> firstMoment, Span<float> secondMoment,
        float gradientScale, ReadOnlySpan<float> direction,
        float beta1, float beta2, float stepSize, float secondMomentCorrection, float epsilon, SimdLevel level)
    {
        var step = new AdamStepScalars(gradientScale, beta1, beta2, stepSize, secondMomentCorrection, epsilon);
        float squaredChange = 0f;
        int done = level switch
        {
            SimdLevel.Vector512 => AdamStep<Vector512<float>, Vector512Operations>(weights, firstMoment, secondMoment, direction, step, ref squaredChange),
            SimdLevel.Vector256 => AdamStep<Vector256<float>, Vector256Operations>(weights, firstMoment, secondMoment, direction, step, ref squaredChange),
            SimdLevel.Vector128 => AdamStep<Vector128<float>, Vector128Operations>(weights, firstMoment, secondMoment, direction, step, ref squaredChange),
            _ => 0,
        };
        if (done < weights.Length)
        {
            AdamStep<float, ScalarOperations>(weights[done..], firstMoment[done..], secondMoment[done..], direction[done..], step, ref squaredChange);
        }
        return squaredChange;
    }

    /// <summary>
    /// Computes <c>y[i] = dot(W[i, :], x) + b[i]</c> for a <c>y.Length x x.Length</c> row-major matrix
    /// <c>W</c>: one layer's feed-forward for one sample. Rows go in blocks of <see cref="RowBlock"/> that
    /// share every load of <c>x</c> and pay one horizontal sum per row, instead of one dot product call,
    /// with its own loads of <c>x</c>, its own reduction and its own tail, per row.
    /// </summary>
    public static void MultiplyAdd(ReadOnlySpan<float> weights, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, SimdLevel level)
    {
        switch (level)
        {
            case SimdLevel.Vector512:
                MultiplyAdd<Vector512<float>, Vector512Operations>(weights, x, bias, y);
                break;
            case SimdLevel.Vector256:
                MultiplyAdd<Vector256<float>, Vector256Operations>(weights, x, bias, y);
                break;
            case SimdLevel.Vector128:
                MultiplyAdd<Vector128<float>, Vector128Operations>(weights, x, bias, y);
                break;
            default:
                MultiplyAdd<float, ScalarOperations>(weights, x, bias, y);
                break;
        }
    }

    /// <summary>
    /// Computes <c>g = W^T u</c>, that is <c>g[j] = sum_i W[i, j] u[i]</c>, for a <c>u.Length x g.Length</c>
    /// row-major matrix <c>W</c>. Rows whose <c>u[i]</c> is zero are skipped (backprop's errors are zero at
    /// every unit that is off); the others go in groups of <see cref="RowBlock"/> that load and store
    /// <c>g</c> once per group instead of once per row.
    /// </summary>
    public static void MultiplyTransposed(ReadOnlySpan<float> weights, ReadOnlySpan<float> u, Span<float> g, SimdLevel level)
    {
        switch (level)
        {
            case SimdLevel.Vector512:
                MultiplyTransposed<Vector512<float>, Vector512Operations>(weights, u, g);
                break;
            case SimdLevel.Vector256:
                MultiplyTransposed<Vector256<float>, Vector256Operations>(weights, u, g);
                break;
            case SimdLevel.Vector128:
                MultiplyTransposed<Vector128<float>, Vector128Operations>(weights, u, g);
                break;
            default:
                MultiplyTransposed<float, ScalarOperations>(weights, u, g);
                break;
        }
    }

    /// <summary>
    /// Computes <c>y = b + W^T u</c> for a <c>u.Length x y.Length</c> row-major matrix <c>W</c>, reading only the
    /// rows whose <c>u[i]</c> is not zero: a layer's feed-forward from its transposed copy
    /// (<c>W_n a_n = (W_n^T)^T a_n</c>), where a ReLU layer's inactive units cost nothing.
    /// </summary>
    public static void MultiplyTransposedAdd(ReadOnlySpan<float> weights, ReadOnlySpan<float> u, ReadOnlySpan<float> bias, Span<float> y, SimdLevel level) =>
        MultiplyTransposedAdd(weights, y.Length, u, bias, y, level);

    /// <summary>
    /// <see cref="MultiplyTransposedAdd(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, SimdLevel)"/>
    /// for the <c>y.Length</c> columns of a wider matrix whose rows are <paramref name="columns"/> floats apart;
    /// <paramref name="weights"/> starts at the first of those columns. Each <c>y[j]</c> is summed over the rows in
    /// the same order whatever the range, so a product split by columns gives the bits of the whole one.
    /// </summary>
    public static void MultiplyTransposedAdd(ReadOnlySpan<float> weights, int columns, ReadOnlySpan<float> u, ReadOnlySpan<float> bias, Span<float> y, SimdLevel level)
    {
        bias.CopyTo(y);
        switch (level)
        {
            case SimdLevel.Vector512:
                AddMultiplyTransposed<Vector512<float>, Vector512Operations>(weights, columns, u, y);
                break;
            case SimdLevel.Vector256:
                AddMultiplyTransposed<Vector256<float>, Vector256Operations>(weights, columns, u, y);
                break;
            case SimdLevel.Vector128:
                AddMultiplyTransposed<Vector128<float>, Vector128Operations>(weights, columns, u, y);
                break;
            default:
                AddMultiplyTransposed<float, ScalarOperations>(weights, columns, u, y);
                break;
        }
    }

    /// <summary>
    /// Computes <c>y[i] = dot(W[i, :], x)</c> for the rows whose <c>mask[i]</c> is positive and <c>y[i] = 0</c>
    /// for the others, for a <c>y.Length x x.Length</c> row-major matrix <c>W</c>. The rows computed go in
    /// groups of <see cref="RowBlock"/> that share every load of <c>x</c>, as in
    /// <see cref="MultiplyAdd(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, SimdLevel)"/>.
    /// From a transposed copy this is <c>W^T x</c> only where a ReLU unit is active: the only places the
    /// inference step and backprop use it.
    /// </summary>
    public static void MultiplyActiveRows(ReadOnlySpan<float> weights, ReadOnlySpan<float> x, ReadOnlySpan<float> mask, Span<float> y, SimdLevel level)
    {
        switch (level)
        {
            case SimdLevel.Vector512:
                MultiplyActiveRows<Vector512<float>, Vector512Operations>(weights, x, mask, y);
                break;
            case SimdLevel.Vector256:
                MultiplyActiveRows<Vector256<float>, Vector256Operations>(weights, x, mask, y);
                break;
            case SimdLevel.Vector128:
                MultiplyActiveRows<Vector128<float>, Vector128Operations>(weights, x, mask, y);
                break;
            default:
                MultiplyActiveRows<float, ScalarOperations>(weights, x, mask, y);
                break;
        }
    }

    /// <summary>
    /// Adds the outer product <c>W[i, j] += u[i] v[j]</c>, one fused multiply-add per weight, skipping the rows
    /// whose <c>u[i]</c> is zero. Because each weight takes one correctly rounded <c>fma(u[i], v[j], W[i, j])</c>,
    /// the same update written into <c>W^T</c> as <c>W^T[j, i] += v[j] u[i]</c> gives the same bits, which keeps a
    /// transposed copy equal to its matrix step after step. The rows go in groups of <see cref="RowBlock"/> that share
    /// every load of <c>v</c>; with four scattered rows in flight instead of one, a <c>bp-sgd</c> step's weight updates
    /// took about a tenth less time (docs/benchmarks/performance-model.md, "Before and after").
    /// </summary>
    public static void AddOuterProduct(Span<float> weights, ReadOnlySpan<float> u, ReadOnlySpan<float> v, SimdLevel level)
    {
        switch (level)
        {
            case SimdLevel.Vector512:
                AddOuterProduct<Vector512<float>, Vector512Operations>(weights, u, v);
                break;
            case SimdLevel.Vector256:
                AddOuterProduct<Vector256<float>, Vector256Operations>(weights, u, v);
                break;
            case SimdLevel.Vector128:
                AddOuterProduct<Vector128<float>, Vector128Operations>(weights, u, v);
                break;
            default:
                AddOuterProduct<float, ScalarOperations>(weights, u, v);
                break;
        }
    }

    private static void AddOuterProduct<TVector, TOps>(Span<float> weights, ReadOnlySpan<float> u, ReadOnlySpan<float> v)
        where TVector : struct
        where TOps : struct, IFloatVector<TVector>
    {
        int columns = v.Length;
        Span<int> rows = stackalloc int[RowBlock];
        for (int next = 0, count; (count = NextRows(u, positiveOnly: false, ref next, rows)) > 0;)
        {
            if (count == RowBlock)
            {
                AddOuterProductRows<TVector, TOps>(
                    weights.Slice(rows[0] * columns, columns), weights.Slice(rows[1] * columns, columns),
                    weights.Slice(rows[2] * columns, columns), weights.Slice(rows[3] * columns, columns),
                    new RowScales(u[rows[0]], u[rows[1]], u[rows[2]], u[rows[3]]), v);
                continue;
            }

            for (int r = 0; r < count; r++)
            {
                AddScaled<TVector, TOps>(v, u[rows[r]], weights.Slice(rows[r] * columns, columns));
            }
        }
    }

    private static void AddOuterProductRows<TVector, TOps>(Span<float> row0, Span<float> row1, Span<float> row2, Span<float> row3, RowScales scales, ReadOnlySpan<float> v)
        where TVector : struct
        where TOps : struct, IFloatVector<TVector>
    {
        int done = AddOuterProductRowsVectors<TVector, TOps>(row0, row1, row2, row3, scales, v);
        if (done < v.Length)
        {
            AddOuterProductRowsVectors<float, ScalarOperations>(row0[done..], row1[done..], row2[done..], row3[done..], scales, v[done..]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int AddOuterProductRowsVectors<TVector, TOps>(Span<float> row0, Span<float> row1, Span<float> row2, Span<float> row3, RowScales scales, ReadOnlySpan<float> v)
        where TVector : struct
        where TOps : struct, IFloatVector<TVector>
    {
        int j = 0;
        ref float vRef = ref MemoryMarshal.GetReference(v);
        ref float w0 = ref MemoryMarshal.GetReference(row0);
        ref float w1 = ref MemoryMarshal.GetReference(row1);
        ref float w2 = ref MemoryMarshal.GetReference(row2);
        ref float w3 = ref MemoryMarshal.GetReference(row3);
        TVector s0 = TOps.Create(scales.S0);
        TVector s1 = TOps.Create(scales.S1);
        TVector s2 = TOps.Create(scales.S2);
        TVector s3 = TOps.Create(scales.S3);
        for (; j <= v.Length - TOps.Count; j += TOps.Count)
        {
            nuint k = (nuint)j;
            TVector x = TOps.Load(ref vRef, k);
            TOps.Store(TOps.FusedMultiplyAdd(x, s0, TOps.Load(ref w0, k)), ref w0, k);
            TOps.Store(TOps.FusedMultiplyAdd(x, s1, TOps.Load(ref w1, k)), ref w1, k);
            TOps.Store(TOps.FusedMultiplyAdd(x, s2, TOps.Load(ref w2, k)), ref w2, k);
            TOps.Store(TOps.FusedMultiplyAdd(x, s3, TOps.Load(ref w3, k)), ref w3, k);
        }

        return j;
    }

    /// <summary>Computes <c>sum_j x[j] y[j]</c>.</summary>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y, SimdLevel level) => level switch
    {
        SimdLevel.Vector512 => Dot<Vector512<float>, Vector512Operations>(x, y),
        SimdLevel.Vector256 => Dot<Vector256<float>, Vector256Operations>(x, y),
        SimdLevel.Vector128 => Dot<Vector128<float>, Vector128Operations>(x, y),
        _ => Dot<float, ScalarOperations>(x, y),
    };

    /// <summary>Computes <c>y[j] += scale * x[j]</c>.</summary>
    public static void AddScaled(ReadOnlySpan<float> x, float scale, Span<float> y, SimdLevel level)
    {
        switch (level)
        {
            case SimdLevel.Vector512:
                AddScaled<Vector512<float>, Vector512Operations>(x, scale, y);
                break;
            case SimdLevel.Vector256:
                AddScaled<Vector256<float>, Vector256Operations>(x, scale, y);
                break;
            case SimdLevel.Vector128:
                AddScaled<Vector128<float>, Vector128Operations>(x, scale, y);
                break;
            default:
                AddScaled<float, ScalarOperations>(x, scale, y);
                break;
        }
    }

    private static void PredictAndPropagate<TVector, TOps>(
        ReadOnlySpan<float> weights, ReadOnlySpan<float> a, ReadOnlySpan<float> bias, ReadOnlySpan<float> target,
        Span<float> prediction, Span<float> error, Span<float> propagated)
        where TVector : struct
        where TOps : struct, IFloatVector<TVector>
    {
        propagated.Clear();
        int columns = a.Length;
        int i = 0;
        for (; i <= prediction.Length - RowBlock; i += RowBlock)
        {
            // The block's rows (a few KB) are still in L1 when the second pass reads them for g.
            ReadOnlySpan<float> block = weights.Slice(i * columns, RowBlock * columns);
            Span<float> p = prediction.Slice(i, RowBlock);
            Span<float> e = error.Slice(i, RowBlock);
            bias.Slice(i, RowBlock).CopyTo(p);
            AddBlockDots<TVector, TOps>(block, columns, a, p);
            e[0] = target[i] - p[0];
            e[1] = target[i + 1] - p[1];
            e[2] = target[i + 2] - p[2];
            e[3] = target[i + 3] - p[3];
            if (e[0] != 0f || e[1] != 0f || e[2] != 0f || e[3] != 0f)
            {
                AddScaledRows<TVector, TOps>(
                    block[..columns], block.Slice(columns, columns), block.Slice(2 * columns, columns), block[(3 * columns)..], e, propagated);
            }
        }

        for (; i < prediction.Length; i++)
        {
            ReadOnlySpan<float> row = weights.Slice(i * columns, columns);
            float p = Dot<TVector, TOps>(row, a) + bias[i];
            float e = target[i] - p;
            prediction[i] = p;
            error[i] = e;
            if (e != 0f)
            {
                AddScaled<TVector, TOps>(row, e, propagated);
            }
        }
    }

    private static void MultiplyAdd<TVector, TOps>(ReadOnlySpan<float> weights, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y)
        where TVector : struct
        where TOps : struct, IFloatVector<TVector>
    {
        int columns = x.Length;
        int i = 0;
        for (; i <= y.Length - RowBlock; i += RowBlock)
        {
            Span<float> sums = y.Slice(i, RowBlock);
            bias.Slice(i, RowBlock).CopyTo(sums);
            AddBlockDots<TVector, TOps>(weights.Slice(i * columns, RowBlock * columns), columns, x, sums);
        }

        // Fewer than a block of rows left: each is a single dot product, which runs two accumulators
        // of its own and so still hides the multiply-add latency. It adds the bias first, as a block
        // does, so a row rounds the same wherever a split of the rows puts it.
        for (; i < y.Length; i++)
        {
            y[i] = Dot<TVector, TOps>(weights.Slice(i * columns, columns), x, bias[i]);
        }
    }

    private static void MultiplyTransposed<TVector, TOps>(ReadOnlySpan<float> weights, ReadOnlySpan<float> u, Span<float> g)
        where TVector : struct
        where TOps : struct, IFloatVector<TVector>
    {
        g.Clear();
        AddMultiplyTransposed<TVector, TOps>(weights, g.Length, u, g);
    }

    /// <summary>
    /// <c>g += W^T u</c> over <c>g.Length</c> columns of rows <paramref name="columns"/> floats apart, skipping the
    /// rows whose <c>u[i]</c> is zero.
    /// </summary>
    private static void AddMultiplyTransposed<TVector, TOps>(ReadOnlySpan<float> weights, int columns, ReadOnlySpan<float> u, Span<float> g)
        where TVector : struct
        where TOps : struct, IFloatVector<TVector>
    {
        int width = g.Length;
        Span<int> rows = stackalloc int[RowBlock];
        Span<float> scales = stackalloc float[RowBlock];
        for (int next = 0, count; (count = NextRows(u, positiveOnly: false, ref next, rows)) > 0;)
        {
            if (count == RowBlock)
            {
                (scales[0], scales[1], scales[2], scales[3]) = (u[rows[0]], u[rows[1]], u[rows[2]], u[rows[3]]);
                AddScaledRows<TVector, TOps>(
                    weights.Slice(rows[0] * columns, width), weights.Slice(rows[1] * columns, width),
                    weights.Slice(rows[2] * columns, width), weights.Slice(rows[3] * columns, width), scales, g);
                continue;
            }

            for (int r = 0; r < count; r++)
            {
                AddScaled<TVector, TOps>(weights.Slice(rows[r] * columns, width), u[rows[r]], g);
            }
        }
    }

    private static void MultiplyActiveRows<TVector, TOps>(ReadOnlySpan<float> weights, ReadOnlySpan<float> x, ReadOnlySpan<float> mask, Span<float> y)
        where TVector : struct
        where TOps : struct, IFloatVector<TVector>
    {
        y.Clear();
        int columns = x.Length;
        Span<int> rows = stackalloc int[RowBlock];
        Span<float> sums = stackalloc float[RowBlock];
        for (int next = 0, count; (count = NextRows(mask, positiveOnly: true, ref next, rows)) > 0;)
        {
            if (count == RowBlock)
            {
                sums.Clear();
                AddBlockDots<TVector, TOps>(
                    weights.Slice(rows[0] * columns, columns), weights.Slice(rows[1] * columns, columns),
                    weights.Slice(rows[2] * columns, columns), weights.Slice(rows[3] * columns, columns), x, sums);
                (y[rows[0]], y[rows[1]], y[rows[2]], y[rows[3]]) = (sums[0], sums[1], sums[2], sums[3]);
                continue;
            }

            for (int r = 0; r < count; r++)
            {
                y[rows[r]] = Dot<TVector, TOps>(weights.Slice(rows[r] * columns, columns), x);
            }
        }
    }

    /// <summary>
    /// The next <see cref="RowBlock"/> rows from <paramref name="next"/> on that a sparse kernel reads: those whose
    /// <paramref name="selector"/> is not zero (a factor that scales the row), or, when <paramref name="positiveOnly"/>,
    /// positive (an active ReLU unit). Fewer come back only at the end; <paramref name="next"/> moves past the last.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int NextRows(ReadOnlySpan<float> selector, bool positiveOnly, ref int next, Span<int> rows)
    {
        int count = 0;
        for (; next < selector.Length && count < RowBlock; next++)
        {
            float value = selector[next];
            if (positiveOnly ? value > 0f : value != 0f)
            {
                rows[count++] = next;
            }
        }

        return count;
    }

    /// <summary>
    /// Adds <c>dot(row_r, x)</c> to <c>sums[r]</c> for four rows of <c>x.Length</c> floats.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddBlockDots<TVector, TOps>(
        ReadOnlySpan<float> row0, ReadOnlySpan<float> row1, ReadOnlySpan<float> row2, ReadOnlySpan<float> row3, ReadOnlySpan<float> x, Span<float> sums)
        where TVector : struct
        where TOps : struct, IFloatVector<TVector>
    {
        int done = AddBlockDotsVectors<TVector, TOps>(row0, row1, row2, row3, x, sums);
        if (done < x.Length)
        {
            AddBlockDotsVectors<float, ScalarOperations>(row0[done..], row1[done..], row2[done..], row3[done..], x[done..], sums);
        }
    }

    /// <summary>Adds the dot products of a block of <see cref="RowBlock"/> consecutive rows, each <paramref name="columns"/> long, with <paramref name="x"/> to <paramref name="sums"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddBlockDots<TVector, TOps>(ReadOnlySpan<float> block, int columns, ReadOnlySpan<float> x, Span<float> sums)
        where TVector : struct
        where TOps : struct, IFloatVector<TVector> =>
        AddBlockDots<TVector, TOps>(
            block[..columns], block.Slice(columns, columns), block.Slice(2 * columns, columns), block.Slice(3 * columns, columns), x, sums);

    /// <summary>
    /// Adds <c>sum_r scales[r] * row_r[j]</c> to <c>g[j]</c> for four rows of <c>g.Length</c> floats.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddScaledRows<TVector, TOps>(
        ReadOnlySpan<float> row0, ReadOnlySpan<float> row1, ReadOnlySpan<float> row2, ReadOnlySpan<float> row3, ReadOnlySpan<float> scales, Span<float> g)
        where TVector : struct
        where TOps : struct, IFloatVector<TVector>
    {
        int done = AddScaledRowsVectors<TVector, TOps>(row0, row1, row2, row3, scales, g);
        if (done < g.Length)
        {
            AddScaledRowsVectors<float, ScalarOperations>(row0[done..], row1[done..], row2[done..], row3[done..], scales, g[done..]);
        }
    }

    /// <summary>
    /// <c>g[j] += sum_r scales[r] * row_r[j]</c> over the whole vectors of <paramref name="g"/>; returns the
    /// number of columns done.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int AddScaledRowsVectors<TVector, TOps>(
        ReadOnlySpan<float> row0, ReadOnlySpan<float> row1, ReadOnlySpan<float> row2, ReadOnlySpan<float> row3, ReadOnlySpan<float> scales, Span<float> g)
        where TVector : struct
        where TOps : struct, IFloatVector<TVector>
    {
        int j = 0;
        ref float gRef = ref MemoryMarshal.GetReference(g);
        ref float w0 = ref MemoryMarshal.GetReference(row0);
        ref float w1 = ref MemoryMarshal.GetReference(row1);
        ref float w2 = ref MemoryMarshal.GetReference(row2);
        ref float w3 = ref MemoryMarshal.GetReference(row3);
        TVector s0 = TOps.Create(scales[0]);
        TVector s1 = TOps.Create(scales[1]);
        TVector s2 = TOps.Create(scales[2]);
        TVector s3 = TOps.Create(scales[3]);
        for (; j <= g.Length - TOps.Count; j += TOps.Count)
        {
            // One chain, rows in order: g rounds exactly as it would adding one row at a time, and the
            // four dependent multiply-adds of one column overlap with the next columns' anyway.
            nuint k = (nuint)j;
            TVector sum = TOps.FusedMultiplyAdd(TOps.Load(ref w0, k), s0, TOps.Load(ref gRef, k));
            sum = TOps.FusedMultiplyAdd(TOps.Load(ref w1, k), s1, sum);
            sum = TOps.FusedMultiplyAdd(TOps.Load(ref w2, k), s2, sum);
            sum = TOps.FusedMultiplyAdd(TOps.Load(ref w3, k), s3, sum);
            TOps.Store(sum, ref gRef, k);
        }

        return j;
    }

    /// <summary>
    /// Adds <c>dot(row_r, x)</c> over the whole vectors of <paramref name="x"/> to <c>sums[r]</c> for four
    /// rows; returns the number of columns done.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int AddBlockDotsVectors<TVector, TOps>(
        ReadOnlySpan<float> row0, ReadOnlySpan<float> row1, ReadOnlySpan<float> row2, ReadOnlySpan<float> row3, ReadOnlySpan<float> x, Span<float> sums)
        where TVector : struct
        where TOps : struct, IFloatVector<TVector>
    {
        int j = 0;
        ref float xRef = ref MemoryMarshal.GetReference(x);
        ref float w0 = ref MemoryMarshal.GetReference(row0);
        ref float w1 = ref MemoryMarshal.GetReference(row1);
        ref float w2 = ref MemoryMarshal.GetReference(row2);
        ref float w3 = ref MemoryMarshal.GetReference(row3);

        // Two vectors of x per step give eight independent multiply-add chains: about what two
        // multiply-add pipes with a latency of four cycles keep busy (NEON cores and x86-64 alike),
        // where four chains would leave them half idle. Eight accumulators, two x vectors and a load
        // still fit the sixteen vector registers of AVX2 and SSE.
        TVector acc0 = TOps.Zero, acc1 = TOps.Zero, acc2 = TOps.Zero, acc3 = TOps.Zero;
        TVector acc4 = TOps.Zero, acc5 = TOps.Zero, acc6 = TOps.Zero, acc7 = TOps.Zero;
        for (; j <= x.Length - (2 * TOps.Count); j += 2 * TOps.Count)
        {
            nuint a = (nuint)j;
            nuint b = (nuint)(j + TOps.Count);
            TVector xa = TOps.Load(ref xRef, a);
            TVector xb = TOps.Load(ref xRef, b);
            acc0 = TOps.FusedMultiplyAdd(TOps.Load(ref w0, a), xa, acc0);
            acc1 = TOps.FusedMultiplyAdd(TOps.Load(ref w1, a), xa, acc1);
            acc2 = TOps.FusedMultiplyAdd(TOps.Load(ref w2, a), xa, acc2);
            acc3 = TOps.FusedMultiplyAdd(TOps.Load(ref w3, a), xa, acc3);
            acc4 = TOps.FusedMultiplyAdd(TOps.Load(ref w0, b), xb, acc4);
            acc5 = TOps.FusedMultiplyAdd(TOps.Load(ref w1, b), xb, acc5);
            acc6 = TOps.FusedMultiplyAdd(TOps.Load(ref w2, b), xb, acc6);
            acc7 = TOps.FusedMultiplyAdd(TOps.Load(ref w3, b), xb, acc7);
        }

        if (j <= x.Length - TOps.Count)
        {
            nuint a = (nuint)j;
            TVector xa = TOps.Load(ref xRef, a);
            acc0 = TOps.FusedMultiplyAdd(TOps.Load(ref w0, a), xa, acc0);
            acc1 = TOps.FusedMultiplyAdd(TOps.Load(ref w1, a), xa, acc1);
            acc2 = TOps.FusedMultiplyAdd(TOps.Load(ref w2, a), xa, acc2);
            acc3 = TOps.FusedMultiplyAdd(TOps.Load(ref w3, a), xa, acc3);
            j += TOps.Count;
        }

        sums[0] += TOps.Sum(TOps.Add(acc0, acc4));
        sums[1] += TOps.Sum(TOps.Add(acc1, acc5));
        sums[2] += TOps.Sum(TOps.Add(acc2, acc6));
        sums[3] += TOps.Sum(TOps.Add(acc3, acc7));
        return j;
    }

    /// <summary>The activity step on every whole vector of <paramref name="v"/>; returns the number of elements done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int UpdateActivities<TVector, TOps>(
        Span<float> v, ReadOnlySpan<float> propagated, ReadOnlySpan<float> error, Span<float> a, in ActivityStep step)
        where TVector : struct
        where TOps : struct, IFloatVector<TVector>
    {
        int j = 0;
        ref float vRef = ref MemoryMarshal.GetReference(v);
        ref float gRef = ref MemoryMarshal.GetReference(propagated);
        ref float eRef = ref MemoryMarshal.GetReference(error);
        ref float aRef = ref MemoryMarshal.GetReference(a);
        TVector gammaBottom = TOps.Create(step.GammaBottom);
        TVector minusGammaTop = TOps.Create(-step.GammaTop);
        TVector keep = TOps.Create(1f - step.GammaDecay);
        for (; j <= v.Length - TOps.Count; j += TOps.Count)
        {
            TVector vj = TOps.Load(ref vRef, (nuint)j);
            TVector bottomUp = TOps.WherePositive(vj, TOps.Load(ref gRef, (nuint)j));
            TVector next = TOps.FusedMultiplyAdd(gammaBottom, bottomUp, TOps.FusedMultiplyAdd(minusGammaTop, TOps.Load(ref eRef, (nuint)j), TOps.Multiply(vj, keep)));
            TOps.Store(next, ref vRef, (nuint)j);
            TOps.Store(TOps.Max(next, TOps.Zero), ref aRef, (nuint)j);
        }

        return j;
    }

    /// <summary>The Adam step on every whole vector of <paramref name="weights"/>, adding the squared changes to <paramref name="squaredChange"/>; returns the number of elements done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int AdamStep<TVector, TOps>(
        Span<float> weights, Span<float> firstMoment, Span<float> secondMoment, ReadOnlySpan<float> direction, in AdamStepScalars step, ref float squaredChange)
        where TVector : struct
        where TOps : struct, IFloatVector<TVector>
    {
        int j = 0;
        ref float wRef = ref MemoryMarshal.GetReference(weights);
        ref float mRef = ref MemoryMarshal.GetReference(firstMoment);
        ref float sRef = ref MemoryMarshal.GetReference(secondMoment);
        ref float dRef = ref MemoryMarshal.GetReference(direction);
        TVector scale = TOps.Create(step.GradientScale);
        TVector beta1 = TOps.Create(step.Beta1);
        TVector beta2 = TOps.Create(step.Beta2);
        TVector oneMinusBeta1 = TOps.Create(1f - step.Beta1);
        TVector oneMinusBeta2 = TOps.Create(1f - step.Beta2);
        TVector minusStepSize = TOps.Create(-step.StepSize);
        TVector correction = TOps.Create(step.SecondMomentCorrection);
        TVector epsilon = TOps.Create(step.Epsilon);
        TVector changes = TOps.Zero;
        for (; j <= weights.Length - TOps.Count; j += TOps.Count)
        {
            TVector grad = TOps.Multiply(scale, TOps.Load(ref dRef, (nuint)j));
            TVector m = TOps.FusedMultiplyAdd(beta1, TOps.Load(ref mRef, (nuint)j), TOps.Multiply(oneMinusBeta1, grad));
            TVector s = TOps.FusedMultiplyAdd(beta2, TOps.Load(ref sRef, (nuint)j), TOps.Multiply(TOps.Multiply(oneMinusBeta2, grad), grad));
            TVector change = TOps.Divide(TOps.Multiply(minusStepSize, m), TOps.FusedMultiplyAdd(TOps.Sqrt(s), correction, epsilon));
            TOps.Store(m, ref mRef, (nuint)j);
            TOps.Store(s, ref sRef, (nuint)j);
            TOps.Store(TOps.Add(TOps.Load(ref wRef, (nuint)j), change), ref wRef, (nuint)j);
            changes = TOps.FusedMultiplyAdd(change, change, changes);
        }

        squaredChange += TOps.Sum(changes);
        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Dot<TVector, TOps>(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
        where TVector : struct
        where TOps : struct, IFloatVector<TVector> => Dot<TVector, TOps>(x, y, 0f);

    /// <summary>
    /// <c>(start + the whole vectors' sum) + the tail's sum</c>: the order in which
    /// <see cref="AddBlockDots{TVector, TOps}(ReadOnlySpan{float}, int, ReadOnlySpan{float}, Span{float})"/> adds to a
    /// row's running sum, so that a row outside a block gives the bits it would inside one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Dot<TVector, TOps>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, float start)
        where TVector : struct
        where TOps : struct, IFloatVector<TVector>
    {
        int done = DotVectors<TVector, TOps>(x, y, out float sum);
        sum = start + sum;
        if (done < x.Length)
        {
            DotVectors<float, ScalarOperations>(x[done..], y[done..], out float rest);
            sum += rest;
        }

        return sum;
    }

    /// <summary>The dot product of the whole vectors of <paramref name="x"/> and <paramref name="y"/>; returns the number of elements done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int DotVectors<TVector, TOps>(ReadOnlySpan<float> x, ReadOnlySpan<float> y, out float sum)
        where TVector : struct
        where TOps : struct, IFloatVector<TVector>
    {
        int j = 0;
        ref float xRef = ref MemoryMarshal.GetReference(x);
        ref float yRef = ref MemoryMarshal.GetReference(y);

        // Two accumulators hide the latency of the fused multiply-add chain.
        TVector acc0 = TOps.Zero;
        TVector acc1 = TOps.Zero;
        for (; j <= x.Length - (2 * TOps.Count); j += 2 * TOps.Count)
        {
            acc0 = TOps.FusedMultiplyAdd(TOps.Load(ref xRef, (nuint)j), TOps.Load(ref yRef, (nuint)j), acc0);
            acc1 = TOps.FusedMultiplyAdd(TOps.Load(ref xRef, (nuint)(j + TOps.Count)), TOps.Load(ref yRef, (nuint)(j + TOps.Count)), acc1);
        }

        if (j <= x.Length - TOps.Count)
        {
            acc0 = TOps.FusedMultiplyAdd(TOps.Load(ref xRef, (nuint)j), TOps.Load(ref yRef, (nuint)j), acc0);
            j += TOps.Count;
        }

        sum = TOps.Sum(TOps.Add(acc0, acc1));
        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddScaled<TVector, TOps>(ReadOnlySpan<float> x, float scale, Span<float> y)
        where TVector : struct
        where TOps : struct, IFloatVector<TVector>
    {
        int done = AddScaledVectors<TVector, TOps>(x, scale, y);
        if (done < x.Length)
        {
            AddScaledVectors<float, ScalarOperations>(x[done..], scale, y[done..]);
        }
    }

    /// <summary><c>y[j] += scale * x[j]</c> on every whole vector; returns the number of elements done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int AddScaledVectors<TVector, TOps>(ReadOnlySpan<float> x, float scale, Span<float> y)
        where TVector : struct
        where TOps : struct, IFloatVector<TVector>
    {
        int j = 0;
        ref float xRef = ref MemoryMarshal.GetReference(x);
        ref float yRef = ref MemoryMarshal.GetReference(y);
        TVector s = TOps.Create(scale);
        for (; j <= x.Length - TOps.Count; j += TOps.Count)
        {
            TOps.Store(TOps.FusedMultiplyAdd(TOps.Load(ref xRef, (nuint)j), s, TOps.Load(ref yRef, (nuint)j)), ref yRef, (nuint)j);
        }

        return j;
    }

    /// <summary>The step sizes of <see cref="UpdateActivities(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, float, float, float, SimdLevel)"/>.</summary>
    private readonly record struct ActivityStep(float GammaBottom, float GammaTop, float GammaDecay);

    /// <summary>The factors <c>u[i]</c> of the four rows of one <see cref="AddOuterProduct(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, SimdLevel)"/> block.</summary>
    private readonly record struct RowScales(float S0, float S1, float S2, float S3);

    /// <summary>The per-step constants of <see cref="AdamStep(Span{float}, Span{float}, Span{float}, float, ReadOnlySpan{float}, float, float, float, float, float, SimdLevel)"/>.</summary>
    private readonly record struct AdamStepScalars(float GradientScale, float Beta1, float Beta2, float StepSize, float SecondMomentCorrection, float Epsilon);
}
