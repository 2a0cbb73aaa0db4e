using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace EdgeIL.Learner.Kernels;

/// <summary>
/// Hand-written kernels that fuse what <see cref="System.Numerics.Tensors.TensorPrimitives"/> would
/// do in several passes. Each has a scalar, a <see cref="Vector128"/> and a <see cref="Vector256"/>
/// body; the public entry points dispatch on <see cref="SimdSelection.Current"/>, and the tests call
/// every body directly so that all of them are proven on every machine.
/// </summary>
internal static class FusedKernels
{
    /// <summary>
    /// One pass over a hidden weight matrix during inference. For every row <c>i</c>:
    /// <c>p[i] = dot(W[i, :], a) + b[i]</c>, <c>e[i] = v[i] - p[i]</c>, and then
    /// <c>g = W^T e</c> (<c>g</c> is overwritten). Fusing them reads each row once while it is in
    /// L1, instead of streaming the whole matrix twice per inference iteration.
    /// </summary>
    public static void PredictAndPropagate(
        ReadOnlySpan<float> weights, ReadOnlySpan<float> a, ReadOnlySpan<float> bias, ReadOnlySpan<float> target,
        Span<float> prediction, Span<float> error, Span<float> propagated, SimdLevel level)
    {
        propagated.Clear();
        int columns = a.Length;
        for (int i = 0; i < prediction.Length; i++)
        {
            ReadOnlySpan<float> row = weights.Slice(i * columns, columns);
            float p = Dot(row, a, level) + bias[i];
            float e = target[i] - p;
            prediction[i] = p;
            error[i] = e;
            if (e != 0f)
            {
                AddScaled(row, e, propagated, level);
            }
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
        int j = 0;
        ref float vRef = ref MemoryMarshal.GetReference(v);
        ref float gRef = ref MemoryMarshal.GetReference(propagated);
        ref float eRef = ref MemoryMarshal.GetReference(error);
        ref float aRef = ref MemoryMarshal.GetReference(a);
        if (level == SimdLevel.Vector256)
        {
            var gb = Vector256.Create(gammaBottom);
            var gt = Vector256.Create(-gammaTop);
            var keep = Vector256.Create(1f - gammaDecay);
            for (; j <= v.Length - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                var vj = Vector256.LoadUnsafe(ref vRef, (nuint)j);
                var gj = Vector256.LoadUnsafe(ref gRef, (nuint)j);
                var ej = Vector256.LoadUnsafe(ref eRef, (nuint)j);
                var bottomUp = Vector256.ConditionalSelect(Vector256.GreaterThan(vj, Vector256<float>.Zero), gj, Vector256<float>.Zero);
                var next = Vector256.FusedMultiplyAdd(gb, bottomUp, Vector256.FusedMultiplyAdd(gt, ej, vj * keep));
                next.StoreUnsafe(ref vRef, (nuint)j);
                Vector256.Max(next, Vector256<float>.Zero).StoreUnsafe(ref aRef, (nuint)j);
            }
        }
        else if (level == SimdLevel.Vector128)
        {
            var gb = Vector128.Create(gammaBottom);
            var gt = Vector128.Create(-gammaTop);
            var keep = Vector128.Create(1f - gammaDecay);
            for (; j <= v.Length - Vector128<float>.Count; j += Vector128<float>.Count)
            {
                var vj = Vector128.LoadUnsafe(ref vRef, (nuint)j);
                var gj = Vector128.LoadUnsafe(ref gRef, (nuint)j);
                var ej = Vector128.LoadUnsafe(ref eRef, (nuint)j);
                var bottomUp = Vector128.ConditionalSelect(Vector128.GreaterThan(vj, Vector128<float>.Zero), gj, Vector128<float>.Zero);
                var next = Vector128.FusedMultiplyAdd(gb, bottomUp, Vector128.FusedMultiplyAdd(gt, ej, vj * keep));
                next.StoreUnsafe(ref vRef, (nuint)j);
                Vector128.Max(next, Vector128<float>.Zero).StoreUnsafe(ref aRef, (nuint)j);
            }
        }

        for (; j < v.Length; j++)
        {
            float vj = v[j];
            float bottomUp = vj > 0f ? propagated[j] : 0f;
            float next = MathF.FusedMultiplyAdd(gammaBottom, bottomUp, MathF.FusedMultiplyAdd(-gammaTop, error[j], vj * (1f - gammaDecay)));
            v[j] = next;
            a[j] = MathF.Max(next, 0f);
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
        int j = 0;
        float squaredChange = 0f;
        ref float wRef = ref MemoryMarshal.GetReference(weights);
        ref float mRef = ref MemoryMarshal.GetReference(firstMoment);
        ref float sRef = ref MemoryMarshal.GetReference(secondMoment);
        ref float dRef = ref MemoryMarshal.GetReference(direction);
        if (level == SimdLevel.Vector256)
        {
            var scale = Vector256.Create(gradientScale);
            var b1 = Vector256.Create(beta1);
            var b2 = Vector256.Create(beta2);
            var c1 = Vector256.Create(1f - beta1);
            var c2 = Vector256.Create(1f - beta2);
            var step = Vector256.Create(-stepSize);
            var correction = Vector256.Create(secondMomentCorrection);
            var eps = Vector256.Create(epsilon);
            var changes = Vector256<float>.Zero;
            for (; j <= weights.Length - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                var grad = scale * Vector256.LoadUnsafe(ref dRef, (nuint)j);
                var m = Vector256.FusedMultiplyAdd(b1, Vector256.LoadUnsafe(ref mRef, (nuint)j), c1 * grad);
                var s = Vector256.FusedMultiplyAdd(b2, Vector256.LoadUnsafe(ref sRef, (nuint)j), c2 * grad * grad);
                var change = step * m / Vector256.FusedMultiplyAdd(Vector256.Sqrt(s), correction, eps);
                m.StoreUnsafe(ref mRef, (nuint)j);
                s.StoreUnsafe(ref sRef, (nuint)j);
                (Vector256.LoadUnsafe(ref wRef, (nuint)j) + change).StoreUnsafe(ref wRef, (nuint)j);
                changes = Vector256.FusedMultiplyAdd(change, change, changes);
            }

            squaredChange = Vector256.Sum(changes);
        }
        else if (level == SimdLevel.Vector128)
        {
            var scale = Vector128.Create(gradientScale);
            var b1 = Vector128.Create(beta1);
            var b2 = Vector128.Create(beta2);
            var c1 = Vector128.Create(1f - beta1);
            var c2 = Vector128.Create(1f - beta2);
            var step = Vector128.Create(-stepSize);
            var correction = Vector128.Create(secondMomentCorrection);
            var eps = Vector128.Create(epsilon);
            var changes = Vector128<float>.Zero;
            for (; j <= weights.Length - Vector128<float>.Count; j += Vector128<float>.Count)
            {
                var grad = scale * Vector128.LoadUnsafe(ref dRef, (nuint)j);
                var m = Vector128.FusedMultiplyAdd(b1, Vector128.LoadUnsafe(ref mRef, (nuint)j), c1 * grad);
                var s = Vector128.FusedMultiplyAdd(b2, Vector128.LoadUnsafe(ref sRef, (nuint)j), c2 * grad * grad);
                var change = step * m / Vector128.FusedMultiplyAdd(Vector128.Sqrt(s), correction, eps);
                m.StoreUnsafe(ref mRef, (nuint)j);
                s.StoreUnsafe(ref sRef, (nuint)j);
                (Vector128.LoadUnsafe(ref wRef, (nuint)j) + change).StoreUnsafe(ref wRef, (nuint)j);
                changes = Vector128.FusedMultiplyAdd(change, change, changes);
            }

            squaredChange = Vector128.Sum(changes);
        }

        for (; j < weights.Length; j++)
        {
            float grad = gradientScale * direction[j];
            float m = MathF.FusedMultiplyAdd(beta1, firstMoment[j], (1f - beta1) * grad);
            float s = MathF.FusedMultiplyAdd(beta2, secondMoment[j], (1f - beta2) * grad * grad);
            float change = -stepSize * m / MathF.FusedMultiplyAdd(MathF.Sqrt(s), secondMomentCorrection, epsilon);
            firstMoment[j] = m;
            secondMoment[j] = s;
            weights[j] += change;
            squaredChange = MathF.FusedMultiplyAdd(change, change, squaredChange);
        }

        return squaredChange;
    }

    /// <summary>Computes <c>sum_j x[j] y[j]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y, SimdLevel level)
    {
        int j = 0;
        float sum = 0f;
        ref float xRef = ref MemoryMarshal.GetReference(x);
        ref float yRef = ref MemoryMarshal.GetReference(y);
        if (level == SimdLevel.Vector256 && x.Length >= Vector256<float>.Count)
        {
            // Two accumulators hide the latency of the fused multiply-add chain.
            var acc0 = Vector256<float>.Zero;
            var acc1 = Vector256<float>.Zero;
            for (; j <= x.Length - 2 * Vector256<float>.Count; j += 2 * Vector256<float>.Count)
            {
                acc0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xRef, (nuint)j), Vector256.LoadUnsafe(ref yRef, (nuint)j), acc0);
                acc1 = Vector256.FusedMultiplyAdd(
                    Vector256.LoadUnsafe(ref xRef, (nuint)(j + Vector256<float>.Count)),
                    Vector256.LoadUnsafe(ref yRef, (nuint)(j + Vector256<float>.Count)),
                    acc1);
            }

            for (; j <= x.Length - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                acc0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xRef, (nuint)j), Vector256.LoadUnsafe(ref yRef, (nuint)j), acc0);
            }

            sum = Vector256.Sum(acc0 + acc1);
        }
        else if (level >= SimdLevel.Vector128 && x.Length >= Vector128<float>.Count)
        {
            var acc0 = Vector128<float>.Zero;
            var acc1 = Vector128<float>.Zero;
            for (; j <= x.Length - 2 * Vector128<float>.Count; j += 2 * Vector128<float>.Count)
            {
                acc0 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref xRef, (nuint)j), Vector128.LoadUnsafe(ref yRef, (nuint)j), acc0);
                acc1 = Vector128.FusedMultiplyAdd(
                    Vector128.LoadUnsafe(ref xRef, (nuint)(j + Vector128<float>.Count)),
                    Vector128.LoadUnsafe(ref yRef, (nuint)(j + Vector128<float>.Count)),
                    acc1);
            }

            for (; j <= x.Length - Vector128<float>.Count; j += Vector128<float>.Count)
            {
                acc0 = Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref xRef, (nuint)j), Vector128.LoadUnsafe(ref yRef, (nuint)j), acc0);
            }

            sum = Vector128.Sum(acc0 + acc1);
        }

        for (; j < x.Length; j++)
        {
            sum = MathF.FusedMultiplyAdd(x[j], y[j], sum);
        }

        return sum;
    }

    /// <summary>Computes <c>y[j] += scale * x[j]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddScaled(ReadOnlySpan<float> x, float scale, Span<float> y, SimdLevel level)
    {
        int j = 0;
        ref float xRef = ref MemoryMarshal.GetReference(x);
        ref float yRef = ref MemoryMarshal.GetReference(y);
        if (level == SimdLevel.Vector256)
        {
            var s = Vector256.Create(scale);
            for (; j <= x.Length - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xRef, (nuint)j), s, Vector256.LoadUnsafe(ref yRef, (nuint)j)).StoreUnsafe(ref yRef, (nuint)j);
            }
        }

        if (level >= SimdLevel.Vector128)
        {
            var s = Vector128.Create(scale);
            for (; j <= x.Length - Vector128<float>.Count; j += Vector128<float>.Count)
            {
                Vector128.FusedMultiplyAdd(Vector128.LoadUnsafe(ref xRef, (nuint)j), s, Vector128.LoadUnsafe(ref yRef, (nuint)j)).StoreUnsafe(ref yRef, (nuint)j);
            }
        }

        for (; j < x.Length; j++)
        {
            y[j] = MathF.FusedMultiplyAdd(x[j], scale, y[j]);
        }
    }
}
