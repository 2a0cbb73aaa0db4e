using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeIL.Learner.Kernels;

/// <summary>
/// Matrix-matrix kernels for a mini-batch, whose samples are the rows of sample-major buffers
/// (<c>[batch x d]</c>). A loop of the matrix-vector kernels of <see cref="FusedKernels"/> streams the whole
/// weight matrix once per sample, from L3 or memory once it outgrows L2 (784x500 floats is 1.5 MB, the
/// L2 of a Zen 3 core or a Cortex-A76 512 KB); these load each block of weights into registers or L1 once
/// and use it for several samples, and each block of a sample for several weight rows. Written once,
/// generic over <see cref="IFloatVector{TVector}"/> like <see cref="FusedKernels"/>, with the columns that
/// do not fill a vector going through the same body at width 1.
/// </summary>
internal static class BatchKernels
{
    /// <summary>
    /// The weight rows and the samples of one register block of <see cref="MultiplyAdd"/>, and the rows and
    /// samples of one block of <see cref="MeanOuterProducts"/> and <see cref="MultiplyTransposed"/>: eight
    /// accumulators, as many as two multiply-add pipes of latency four keep busy, and few enough that they,
    /// the operands and a broadcast fit the sixteen vector registers of AVX2 and SSE.
    /// </summary>
    private const int RowBlock = 4;

    /// <summary>The samples of one register block of <see cref="MultiplyAdd"/>: each loaded weight vector serves two of them.</summary>
    private const int SampleBlock = 2;

    /// <summary>The samples of one register block of <see cref="MultiplyTransposed"/>: each loaded weight vector serves four of them.</summary>
    private const int SampleGroup = 4;

    /// <summary>
    /// The most input bytes of <see cref="MultiplyAdd"/> that one pass over the weights serves: half of a
    /// 512 KB L2, so that the samples stay there while the weights stream past them once per tile. Batch 100
    /// of 784 inputs (313 KB) takes two tiles; every smaller layer one.
    /// </summary>
    private const int SampleTileBytes = 256 * 1024;

    /// <summary>
    /// The weight rows one pass of <see cref="MultiplyTransposed"/> takes: a panel of 128 rows by two
    /// vectors is 8 KB at 256 bits, which stays in L1 while every sample's block of <c>g</c> goes past it.
    /// </summary>
    private const int RowChunk = 128;

    /// <summary>
    /// Computes <c>y[b, i] = dot(W[i, :], x[b, :]) + bias[i]</c> for every sample <c>b</c> of the batch: the
    /// feed-forward of one layer, <c>Y = X W^T + 1 bias^T</c>, with <c>W</c> a row-major
    /// <c>bias.Length x (x.Length / batch)</c> matrix. Blocks of <see cref="RowBlock"/> weight rows stay in
    /// L1 while every sample of a tile goes past them, two at a time.
    /// </summary>
    public static void MultiplyAdd(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ReadOnlySpan<float> x, Span<float> y, int batch, SimdLevel level)
    {
        int outputs = bias.Length;
        int inputs = CheckShapes(weights, outputs, x, y, batch);
        switch (level)
        {
            case SimdLevel.Vector512:
                MultiplyAdd<Vector512<float>, Vector512Operations>(weights, bias, x, y, batch, inputs, outputs);
                break;
            case SimdLevel.Vector256:
                MultiplyAdd<Vector256<float>, Vector256Operations>(weights, bias, x, y, batch, inputs, outputs);
                break;
            case SimdLevel.Vector128:
                MultiplyAdd<Vector128<float>, Vector128Operations>(weights, bias, x, y, batch, inputs, outputs);
                break;
            default:
                MultiplyAdd<float, ScalarOperations>(weights, bias, x, y, batch, inputs, outputs);
                break;
        }
    }

    /// <summary>
    /// Computes <c>g[b, :] = W^T u[b, :]</c>, that is <c>g[b, j] = sum_i W[i, j] u[b, i]</c>, for every sample
    /// <c>b</c>: <c>G = U W</c>, with <c>W</c> a row-major <c>(u.Length / batch) x (g.Length / batch)</c> matrix;
    /// <c>g</c> is overwritten. Panels of <see cref="RowChunk"/> rows by two vectors of columns stay in L1 while
    /// every sample's columns go past them, four samples at a time.
    /// </summary>
    public static void MultiplyTransposed(ReadOnlySpan<float> weights, ReadOnlySpan<float> u, Span<float> g, int batch, SimdLevel level)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        int rows = u.Length / batch;
        int inputs = CheckShapes(weights, rows, g, u, batch);
        g.Clear();
        int done = level switch
        {
            SimdLevel.Vector512 => MultiplyTransposed<Vector512<float>, Vector512Operations>(weights, u, g, batch, rows, inputs, inputs),
            SimdLevel.Vector256 => MultiplyTransposed<Vector256<float>, Vector256Operations>(weights, u, g, batch, rows, inputs, inputs),
            SimdLevel.Vector128 => MultiplyTransposed<Vector128<float>, Vector128Operations>(weights, u, g, batch, rows, inputs, inputs),
            _ => 0,
        };
        if (done < inputs)
        {
            MultiplyTransposed<float, ScalarOperations>(weights[done..], u, g[done..], batch, rows, inputs, inputs - done);
        }
    }

    /// <summary>
    /// Computes the mean outer product <c>D[i, j] = (1/batch) sum_b e[b, i] a[b, j]</c>, that is
    /// <c>D = E^T A / batch</c>, and the bias direction <c>d[i] = (1/batch) sum_b e[b, i]</c>, overwriting both:
    /// the averaged numerator of a mini-batch step (algorithms.md, appendix B.5). Each block of
    /// <see cref="RowBlock"/> rows by two vectors of <c>D</c> is summed over the whole batch in registers and
    /// written once, where a loop of rank-one updates reads and writes all of <c>D</c> once per sample.
    /// </summary>
    public static void MeanOuterProducts(
        ReadOnlySpan<float> errors, ReadOnlySpan<float> activities, Span<float> weightDirection, Span<float> biasDirection, int batch, SimdLevel level)
    {
        int outputs = biasDirection.Length;
        int inputs = CheckShapes(weightDirection, outputs, activities, errors, batch);
        float scale = 1f / batch;
        int done = level switch
        {
            SimdLevel.Vector512 => MeanOuterProducts<Vector512<float>, Vector512Operations>(errors, activities, weightDirection, batch, outputs, inputs, scale, inputs),
            SimdLevel.Vector256 => MeanOuterProducts<Vector256<float>, Vector256Operations>(errors, activities, weightDirection, batch, outputs, inputs, scale, inputs),
            SimdLevel.Vector128 => MeanOuterProducts<Vector128<float>, Vector128Operations>(errors, activities, weightDirection, batch, outputs, inputs, scale, inputs),
            _ => 0,
        };
        if (done < inputs)
        {
            MeanOuterProducts<float, ScalarOperations>(errors, activities[done..], weightDirection[done..], batch, outputs, inputs, scale, inputs - done);
        }

        errors[..outputs].CopyTo(biasDirection);
        for (int b = 1; b < batch; b++)
        {
            TensorPrimitives.Add(biasDirection, errors.Slice(b * outputs, outputs), biasDirection);
        }

        TensorPrimitives.Multiply(biasDirection, scale, biasDirection);
    }

    /// <summary>
    /// Checks that <paramref name="matrix"/> is <paramref name="rows"/> by <c>columns</c>, that
    /// <paramref name="columnSide"/> holds <paramref name="batch"/> vectors of <c>columns</c> and
    /// <paramref name="rowSide"/> <paramref name="batch"/> vectors of <paramref name="rows"/>; returns <c>columns</c>.
    /// The kernels index without bounds checks, so a wrong shape must not reach them.
    /// </summary>
    private static int CheckShapes(ReadOnlySpan<float> matrix, int rows, ReadOnlySpan<float> columnSide, ReadOnlySpan<float> rowSide, int batch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        int columns = columnSide.Length / batch;
        if (columnSide.Length != batch * columns || rowSide.Length != batch * rows || matrix.Length != (long)rows * columns)
        {
            throw new ArgumentException(
                $"Shapes disagree: a {rows}x{columns} matrix (holding {matrix.Length}) with {batch} samples of {columns} values (holding {columnSide.Length}) and of {rows} (holding {rowSide.Length}).");
        }

        return columns;
    }

    private static void MultiplyAdd<TVector, TOps>(
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ReadOnlySpan<float> x, Span<float> y, int batch, int inputs, int outputs)
        where TVector : struct
        where TOps : struct, IFloatVector<TVector>
    {
        if (outputs == 0)
        {
            return;
        }

        // Tiles of equal size, even so that the pairs of samples fill them.
        int tileLimit = Math.Max(SampleBlock, SampleTileBytes / Math.Max(sizeof(float) * inputs, 1));
        int tiles = (batch + tileLimit - 1) / tileLimit;
        int tile = ((batch + tiles - 1) / tiles + SampleBlock - 1) / SampleBlock * SampleBlock;
        Span<float> sums = stackalloc float[RowBlock * SampleBlock];
        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float xRef = ref MemoryMarshal.GetReference(x);
        for (int first = 0; first < batch; first += tile)
        {
            int end = Math.Min(batch, first + tile);
            for (int i = 0; i < outputs; i += RowBlock)
            {
                // A block short of rows repeats its last row; the repeats' sums are dropped.
                int rows = Math.Min(RowBlock, outputs - i);
                ref float w0 = ref Unsafe.Add(ref w, i * inputs);
                ref float w1 = ref Unsafe.Add(ref w, (i + Math.Min(1, rows - 1)) * inputs);
                ref float w2 = ref Unsafe.Add(ref w, (i + Math.Min(2, rows - 1)) * inputs);
                ref float w3 = ref Unsafe.Add(ref w, (i + Math.Min(3, rows - 1)) * inputs);
                for (int b = first; b < end; b += SampleBlock)
                {
                    int samples = Math.Min(SampleBlock, end - b);
                    ref float x0 = ref Unsafe.Add(ref xRef, b * inputs);
                    ref float x1 = ref Unsafe.Add(ref xRef, (b + samples - 1) * inputs);
                    sums.Clear();
                    int done = AddDots<TVector, TOps>(ref w0, ref w1, ref w2, ref w3, ref x0, ref x1, inputs, sums);
                    if (done < inputs)
                    {
                        AddDots<float, ScalarOperations>(
                            ref Unsafe.Add(ref w0, done), ref Unsafe.Add(ref w1, done), ref Unsafe.Add(ref w2, done), ref Unsafe.Add(ref w3, done),
                            ref Unsafe.Add(ref x0, done), ref Unsafe.Add(ref x1, done), inputs - done, sums);
                    }

                    for (int s = 0; s < samples; s++)
                    {
                        for (int r = 0; r < rows; r++)
                        {
                            y[(b + s) * outputs + i + r] = sums[s * RowBlock + r] + bias[i + r];
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Adds <c>dot(w_r, x_s)</c> over the whole vectors of <paramref name="columns"/> to <c>sums[s * 4 + r]</c>
    /// for four weight rows and two samples; returns the number of columns done.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int AddDots<TVector, TOps>(
        ref float w0, ref float w1, ref float w2, ref float w3, ref float x0, ref float x1, int columns, Span<float> sums)
        where TVector : struct
        where TOps : struct, IFloatVector<TVector>
    {
        TVector acc00 = TOps.Zero, acc10 = TOps.Zero, acc20 = TOps.Zero, acc30 = TOps.Zero;
        TVector acc01 = TOps.Zero, acc11 = TOps.Zero, acc21 = TOps.Zero, acc31 = TOps.Zero;
        int j = 0;
        for (; j <= columns - TOps.Count; j += TOps.Count)
        {
            // Six loads feed eight multiply-adds (a loop of matrix-vector products: ten for eight).
            nuint k = (nuint)j;
            TVector xa = TOps.Load(ref x0, k);
            TVector xb = TOps.Load(ref x1, k);
            TVector v = TOps.Load(ref w0, k);
            acc00 = TOps.FusedMultiplyAdd(v, xa, acc00);
            acc01 = TOps.FusedMultiplyAdd(v, xb, acc01);
            v = TOps.Load(ref w1, k);
            acc10 = TOps.FusedMultiplyAdd(v, xa, acc10);
            acc11 = TOps.FusedMultiplyAdd(v, xb, acc11);
            v = TOps.Load(ref w2, k);
            acc20 = TOps.FusedMultiplyAdd(v, xa, acc20);
            acc21 = TOps.FusedMultiplyAdd(v, xb, acc21);
            v = TOps.Load(ref w3, k);
            acc30 = TOps.FusedMultiplyAdd(v, xa, acc30);
            acc31 = TOps.FusedMultiplyAdd(v, xb, acc31);
        }

        sums[0] += TOps.Sum(acc00);
        sums[1] += TOps.Sum(acc10);
        sums[2] += TOps.Sum(acc20);
        sums[3] += TOps.Sum(acc30);
        sums[4] += TOps.Sum(acc01);
        sums[5] += TOps.Sum(acc11);
        sums[6] += TOps.Sum(acc21);
        sums[7] += TOps.Sum(acc31);
        return j;
    }

    /// <summary>
    /// The first of <paramref name="columns"/> columns of <c>G = U W</c>, up to the last that fill two vectors or
    /// one; <paramref name="weights"/> and <paramref name="g"/> start at the first of them and keep the row
    /// stride <paramref name="inputs"/>. Returns the number of columns done.
    /// </summary>
    private static int MultiplyTransposed<TVector, TOps>(
        ReadOnlySpan<float> weights, ReadOnlySpan<float> u, Span<float> g, int batch, int rows, int inputs, int columns)
        where TVector : struct
        where TOps : struct, IFloatVector<TVector>
    {
        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float uRef = ref MemoryMarshal.GetReference(u);
        ref float gRef = ref MemoryMarshal.GetReference(g);
        int j = 0;
        for (int first = 0; first < rows; first += RowChunk)
        {
            int chunk = Math.Min(RowChunk, rows - first);
            ref float panel = ref Unsafe.Add(ref w, first * inputs);
            j = 0;
            for (; j <= columns - (2 * TOps.Count); j += 2 * TOps.Count)
            {
                AccumulateTransposedColumns<TVector, TOps>(ref Unsafe.Add(ref panel, j), ref Unsafe.Add(ref uRef, first), ref Unsafe.Add(ref gRef, j), batch, rows, inputs, chunk, twoVectors: true);
            }

            if (j <= columns - TOps.Count)
            {
                AccumulateTransposedColumns<TVector, TOps>(ref Unsafe.Add(ref panel, j), ref Unsafe.Add(ref uRef, first), ref Unsafe.Add(ref gRef, j), batch, rows, inputs, chunk, twoVectors: false);
                j += TOps.Count;
            }
        }

        return rows == 0 ? columns : j;
    }

    /// <summary>
    /// Adds <c>sum_i W[i, j..] u[b, i]</c> over <paramref name="chunk"/> rows to one or two vectors of columns of
    /// <c>g[b, :]</c>, for every sample, four at a time. <paramref name="w"/> points at the panel's first row and
    /// column, <paramref name="u"/> at the first sample's first row of the chunk, <paramref name="g"/> at the
    /// first sample's first column.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AccumulateTransposedColumns<TVector, TOps>(
        ref float w, ref float u, ref float g, int batch, int rows, int inputs, int chunk, bool twoVectors)
        where TVector : struct
        where TOps : struct, IFloatVector<TVector>
    {
        nuint second = (nuint)TOps.Count;
        for (int b = 0; b < batch; b += SampleGroup)
        {
            // A group short of samples repeats its last sample: the repeats compute and store the same values.
            int last = Math.Min(SampleGroup, batch - b) - 1;
            ref float u0 = ref Unsafe.Add(ref u, b * rows);
            ref float u1 = ref Unsafe.Add(ref u, (b + Math.Min(1, last)) * rows);
            ref float u2 = ref Unsafe.Add(ref u, (b + Math.Min(2, last)) * rows);
            ref float u3 = ref Unsafe.Add(ref u, (b + Math.Min(3, last)) * rows);
            ref float g0 = ref Unsafe.Add(ref g, b * inputs);
            ref float g1 = ref Unsafe.Add(ref g, (b + Math.Min(1, last)) * inputs);
            ref float g2 = ref Unsafe.Add(ref g, (b + Math.Min(2, last)) * inputs);
            ref float g3 = ref Unsafe.Add(ref g, (b + Math.Min(3, last)) * inputs);
            TVector acc0a = TOps.Load(ref g0, 0), acc1a = TOps.Load(ref g1, 0), acc2a = TOps.Load(ref g2, 0), acc3a = TOps.Load(ref g3, 0);
            if (twoVectors)
            {
                TVector acc0b = TOps.Load(ref g0, second), acc1b = TOps.Load(ref g1, second), acc2b = TOps.Load(ref g2, second), acc3b = TOps.Load(ref g3, second);
                ref float row = ref w;
                for (nint i = 0; i < chunk; i++)
                {
                    // Two loads of W and four broadcasts of u feed eight multiply-adds.
                    TVector wa = TOps.Load(ref row, 0);
                    TVector wb = TOps.Load(ref row, second);
                    TVector s = TOps.Create(Unsafe.Add(ref u0, i));
                    acc0a = TOps.FusedMultiplyAdd(wa, s, acc0a);
                    acc0b = TOps.FusedMultiplyAdd(wb, s, acc0b);
                    s = TOps.Create(Unsafe.Add(ref u1, i));
                    acc1a = TOps.FusedMultiplyAdd(wa, s, acc1a);
                    acc1b = TOps.FusedMultiplyAdd(wb, s, acc1b);
                    s = TOps.Create(Unsafe.Add(ref u2, i));
                    acc2a = TOps.FusedMultiplyAdd(wa, s, acc2a);
                    acc2b = TOps.FusedMultiplyAdd(wb, s, acc2b);
                    s = TOps.Create(Unsafe.Add(ref u3, i));
                    acc3a = TOps.FusedMultiplyAdd(wa, s, acc3a);
                    acc3b = TOps.FusedMultiplyAdd(wb, s, acc3b);
                    row = ref Unsafe.Add(ref row, inputs);
                }

                TOps.Store(acc0b, ref g0, second);
                TOps.Store(acc1b, ref g1, second);
                TOps.Store(acc2b, ref g2, second);
                TOps.Store(acc3b, ref g3, second);
            }
            else
            {
                ref float row = ref w;
                for (nint i = 0; i < chunk; i++)
                {
                    TVector wa = TOps.Load(ref row, 0);
                    row = ref Unsafe.Add(ref row, inputs);
                    acc0a = TOps.FusedMultiplyAdd(wa, TOps.Create(Unsafe.Add(ref u0, i)), acc0a);
                    acc1a = TOps.FusedMultiplyAdd(wa, TOps.Create(Unsafe.Add(ref u1, i)), acc1a);
                    acc2a = TOps.FusedMultiplyAdd(wa, TOps.Create(Unsafe.Add(ref u2, i)), acc2a);
                    acc3a = TOps.FusedMultiplyAdd(wa, TOps.Create(Unsafe.Add(ref u3, i)), acc3a);
                }
            }

            TOps.Store(acc0a, ref g0, 0);
            TOps.Store(acc1a, ref g1, 0);
            TOps.Store(acc2a, ref g2, 0);
            TOps.Store(acc3a, ref g3, 0);
        }
    }

    /// <summary>
    /// The first of <paramref name="columns"/> columns of <c>D = E^T A / batch</c>, up to the last that fill two
    /// vectors or one; <paramref name="activities"/> and <paramref name="direction"/> start at the first of them
    /// and keep the row stride <paramref name="inputs"/>. Returns the number of columns done.
    /// </summary>
    private static int MeanOuterProducts<TVector, TOps>(
        ReadOnlySpan<float> errors, ReadOnlySpan<float> activities, Span<float> direction, int batch, int outputs, int inputs, float scale, int columns)
        where TVector : struct
        where TOps : struct, IFloatVector<TVector>
    {
        ref float e = ref MemoryMarshal.GetReference(errors);
        ref float a = ref MemoryMarshal.GetReference(activities);
        ref float d = ref MemoryMarshal.GetReference(direction);
        TVector factor = TOps.Create(scale);

        // Columns outside, rows inside: the batch's two vectors of activities (6 KB at batch 100) stay in
        // L1 while every row block of D is summed against them.
        int j = 0;
        for (; j <= columns - (2 * TOps.Count); j += 2 * TOps.Count)
        {
            for (int i = 0; i < outputs; i += RowBlock)
            {
                SumOuterProducts<TVector, TOps>(ref e, ref Unsafe.Add(ref a, j), ref Unsafe.Add(ref d, j), i, batch, outputs, inputs, factor, twoVectors: true);
            }
        }

        if (j <= columns - TOps.Count)
        {
            for (int i = 0; i < outputs; i += RowBlock)
            {
                SumOuterProducts<TVector, TOps>(ref e, ref Unsafe.Add(ref a, j), ref Unsafe.Add(ref d, j), i, batch, outputs, inputs, factor, twoVectors: false);
            }

            j += TOps.Count;
        }

        return j;
    }

    /// <summary>
    /// Writes <c>factor * sum_b e[b, i + r] a[b, j..]</c> into rows <c>i..i+3</c> of one or two vectors of columns
    /// of <c>D</c>; <paramref name="a"/> and <paramref name="d"/> point at the first column, <paramref name="e"/> at
    /// the first sample's first error.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SumOuterProducts<TVector, TOps>(
        ref float e, ref float a, ref float d, int i, int batch, int outputs, int inputs, TVector factor, bool twoVectors)
        where TVector : struct
        where TOps : struct, IFloatVector<TVector>
    {
        // A block short of rows repeats its last row: the repeats compute and store the same values.
        int last = Math.Min(RowBlock, outputs - i) - 1;
        int r1 = i + Math.Min(1, last), r2 = i + Math.Min(2, last), r3 = i + Math.Min(3, last);
        nuint second = (nuint)TOps.Count;
        nint o1 = r1 - i, o2 = r2 - i, o3 = r3 - i;
        TVector acc0a = TOps.Zero, acc1a = TOps.Zero, acc2a = TOps.Zero, acc3a = TOps.Zero;
        TVector acc0b = TOps.Zero, acc1b = TOps.Zero, acc2b = TOps.Zero, acc3b = TOps.Zero;
        ref float eb = ref Unsafe.Add(ref e, i);
        ref float ab = ref a;
        for (int b = 0; b < batch; b++)
        {
            // Two loads of activities and four broadcasts of errors feed eight multiply-adds; the
            // pointers step by a row, so the loop has no index arithmetic to do.
            TVector va = TOps.Load(ref ab, 0);
            TVector s0 = TOps.Create(eb);
            TVector s1 = TOps.Create(Unsafe.Add(ref eb, o1));
            TVector s2 = TOps.Create(Unsafe.Add(ref eb, o2));
            TVector s3 = TOps.Create(Unsafe.Add(ref eb, o3));
            acc0a = TOps.FusedMultiplyAdd(va, s0, acc0a);
            acc1a = TOps.FusedMultiplyAdd(va, s1, acc1a);
            acc2a = TOps.FusedMultiplyAdd(va, s2, acc2a);
            acc3a = TOps.FusedMultiplyAdd(va, s3, acc3a);
            if (twoVectors)
            {
                TVector vb = TOps.Load(ref ab, second);
                acc0b = TOps.FusedMultiplyAdd(vb, s0, acc0b);
                acc1b = TOps.FusedMultiplyAdd(vb, s1, acc1b);
                acc2b = TOps.FusedMultiplyAdd(vb, s2, acc2b);
                acc3b = TOps.FusedMultiplyAdd(vb, s3, acc3b);
            }

            eb = ref Unsafe.Add(ref eb, outputs);
            ab = ref Unsafe.Add(ref ab, inputs);
        }

        TOps.Store(TOps.Multiply(acc0a, factor), ref Unsafe.Add(ref d, i * inputs), 0);
        TOps.Store(TOps.Multiply(acc1a, factor), ref Unsafe.Add(ref d, r1 * inputs), 0);
        TOps.Store(TOps.Multiply(acc2a, factor), ref Unsafe.Add(ref d, r2 * inputs), 0);
        TOps.Store(TOps.Multiply(acc3a, factor), ref Unsafe.Add(ref d, r3 * inputs), 0);
        if (twoVectors)
        {
            TOps.Store(TOps.Multiply(acc0b, factor), ref Unsafe.Add(ref d, i * inputs), second);
            TOps.Store(TOps.Multiply(acc1b, factor), ref Unsafe.Add(ref d, r1 * inputs), second);
            TOps.Store(TOps.Multiply(acc2b, factor), ref Unsafe.Add(ref d, r2 * inputs), second);
            TOps.Store(TOps.Multiply(acc3b, factor), ref Unsafe.Add(ref d, r3 * inputs), second);
        }
    }
}
