using System.Numerics.Tensors;

namespace EdgeIL.Learner;

/// <summary>
/// Raises every hidden unit whose outgoing weights outweigh its incoming weights (with its bias) until
/// the two norms are equal, without changing what the network computes (docs/algorithms.md, "Unit balance").
/// </summary>
/// <remarks>
/// <para>
/// ReLU is positively homogeneous: scaling a hidden unit's incoming row and bias by <c>d &gt; 0</c>
/// and its outgoing column by <c>1/d</c> leaves every prediction as it was. The normalised step
/// (<c>1/s_n</c> with <c>s_n = ||a_n||^2 + 1 + eps</c>) is not indifferent to that scale, so a
/// long stream drifts along it: one layer's activity fades, the next layer's step grows as its
/// input energy shrinks, its biases absorb the errors and its units die (docs/results/lifelong).
/// With <c>d_i = (||W_n[:, i]||^2 / (||W_{n-1}[i, :]||^2 + b_{n-1,i}^2))^(1/4)</c> a unit is
/// rescaled only when <c>d_i &gt; 1</c>, that is when its activity is small for the weights it drives,
/// which is what fading looks like; it is never lowered. (Lowering too, so that every unit sits at
/// equal norms, protects autoencoders as well but shrinks a classifier's last hidden layer, whose
/// outgoing weights go to only ten outputs, and slows its learning: docs/results/lifelong.)
/// </para>
/// <para>
/// One call sweeps the hidden layers in order; rescaling a layer's incoming rows moves the outgoing
/// norms of the layer before it, so balance is reached over repeated calls, as it is on a stream,
/// where a call comes every few samples. <c>d</c> is at most 16 per call, so one call moves a weight
/// by at most that factor. A unit whose incoming or outgoing weights are all zero is left alone.
/// Costs one pass over each hidden layer's two matrices; allocates nothing.
/// </para>
/// </remarks>
internal static class UnitBalance
{
    private const float MaximumFactor = 16f;

    /// <summary>Raises every hidden unit of <paramref name="model"/> that is out of balance, in place.</summary>
    /// <param name="model">The network; its hidden layers use ReLU.</param>
    /// <param name="outgoing">A buffer of at least the widest hidden layer's size.</param>
    /// <param name="factor">A second such buffer.</param>
    public static void Apply(Mlp model, Span<float> outgoing, Span<float> factor)
    {
        ReadOnlySpan<int> sizes = model.LayerSizes;
        for (int n = 1; n < model.LayerCount; n++)
        {
            int fanIn = sizes[n - 1];
            int units = sizes[n];
            int outputs = sizes[n + 1];
            Span<float> incomingWeights = model.WeightsArray(n - 1);
            Span<float> incomingBiases = model.BiasesArray(n - 1);
            Span<float> outgoingWeights = model.WeightsArray(n);
            Span<float> columnNorms = outgoing[..units];
            Span<float> scale = factor[..units];

            // Column norms of a row-major matrix: accumulate each row's squares, elementwise.
            columnNorms.Clear();
            for (int j = 0; j < outputs; j++)
            {
                Span<float> row = outgoingWeights.Slice(j * units, units);
                TensorPrimitives.MultiplyAdd(row, row, columnNorms, columnNorms);
            }

            for (int i = 0; i < units; i++)
            {
                Span<float> row = incomingWeights.Slice(i * fanIn, fanIn);
                float bias = incomingBiases[i];
                float incomingNorm = TensorPrimitives.SumOfSquares<float>(row) + (bias * bias);
                float outgoingNorm = columnNorms[i];
                float d = incomingNorm > 0 && outgoingNorm > 0 ? MathF.Sqrt(MathF.Sqrt(outgoingNorm / incomingNorm)) : 1f;
                d = float.IsFinite(d) ? Math.Clamp(d, 1f, MaximumFactor) : 1f;
                scale[i] = d;
                TensorPrimitives.Multiply(row, d, row);
                incomingBiases[i] = bias * d;
            }

            // 1/d for the outgoing columns, applied row by row.
            TensorPrimitives.Reciprocal<float>(scale, scale);
            for (int j = 0; j < outputs; j++)
            {
                Span<float> row = outgoingWeights.Slice(j * units, units);
                TensorPrimitives.Multiply(row, scale, row);
            }
        }

        model.MarkChanged();
    }
}
