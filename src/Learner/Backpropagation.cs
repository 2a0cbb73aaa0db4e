using System.Numerics.Tensors;
using EdgeIL.Learner.Kernels;

namespace EdgeIL.Learner;

/// <summary>
/// The feed-forward pass into a workspace, and backprop's errors. After <see cref="Run"/>,
/// <see cref="LearnerWorkspace.Error"/> holds <c>e_n = -dL/dh_n</c> so that the backprop rules
/// update weights with the same outer product <c>e_{n+1} a_n^T</c> as the inference rules; only
/// where the errors come from differs.
/// </summary>
internal static class Backpropagation
{
    /// <summary>
    /// Feed-forward for every sample of the batch: <c>v_n = p_n = h_n</c>, <c>a_n = phi_n(h_n)</c>,
    /// <c>sigma(h_N)</c>. Returns the summed loss against the labels. A batch-1 step needs its
    /// <paramref name="sample"/> kernels, which read hidden matrices from the transposed copy where there is
    /// one and split the work; a larger batch runs <see cref="MiniBatchPasses"/>.
    /// </summary>
    public static double Forward(Mlp model, LearnerWorkspace workspace, int batch, SimdLevel level, SampleKernels? sample = null)
    {
        int layers = model.LayerCount;
        for (int n = 0; n < layers; n++)
        {
            if (batch > 1)
            {
                MiniBatchPasses.Forward(model, workspace, n, batch, level);
                continue;
            }

            ArgumentNullException.ThrowIfNull(sample);
            int outputs = model.LayerSizes[n + 1];
            if (sample.ReadsTransposed(model, n))
            {
                sample.PredictFromTransposed(n, model, workspace.Presynaptic[n], workspace.Prediction[n + 1], target: null, error: null, level);
            }
            else
            {
                sample.MultiplyAdd(model.WeightsArray(n), workspace.Presynaptic[n], model.BiasesArray(n), workspace.Prediction[n + 1], outputs, model.LayerSizes[n], level);
            }

            Activate(model, workspace, n + 1, batch);
        }

        workspace.ApplyOutputFunction(model.Head, model.OutputSize, batch);
        double loss = 0;
        int d = model.OutputSize;
        for (int b = 0; b < batch; b++)
        {
            loss += OutputFunctions.Loss(model.Head, workspace.Prediction[layers].AsSpan(b * d, d), workspace.Label.AsSpan(b * d, d));
        }

        return loss;
    }

    /// <summary>
    /// Backprop from the output error already in <c>Error[N]</c> (<c>t - sigma(h_N) = -dL/dh_N</c>):
    /// <c>e_n = phi'(h_n) (.) W_n^T e_{n+1}</c> for every hidden layer. A batch-1 step needs its
    /// <paramref name="sample"/> kernels, whose transposed copy gives <c>W_n^T e_{n+1}</c> at the active units
    /// alone where there is one.
    /// </summary>
    public static void Run(Mlp model, LearnerWorkspace workspace, int batch, SimdLevel level, SampleKernels? sample = null)
    {
        for (int n = model.LayerCount - 1; n >= 1; n--)
        {
            if (batch > 1)
            {
                MiniBatchPasses.Backpropagate(model, workspace, n, batch, level);
                continue;
            }

            ArgumentNullException.ThrowIfNull(sample);
            if (sample.ReadsTransposed(model, n))
            {
                sample.MultiplyActiveRows(n, model, workspace.Error[n + 1], workspace.Activity[n], workspace.Error[n], level);
                continue;
            }

            Span<float> e = workspace.Error[n].AsSpan(0, model.LayerSizes[n]);
            MatrixKernels.MultiplyTransposed(model.WeightsArray(n), workspace.Error[n + 1].AsSpan(0, model.LayerSizes[n + 1]), e, level);
            KeepActive(e, workspace.Activity[n]);
        }
    }

    /// <summary>
    /// After the feed-forward product into <c>p_n</c> for every sample of the batch: <c>v_n = p_n</c> and, below
    /// the output, <c>a_n = max(p_n, 0)</c>.
    /// </summary>
    internal static void Activate(Mlp model, LearnerWorkspace workspace, int n, int batch)
    {
        int length = batch * model.LayerSizes[n];
        Span<float> p = workspace.Prediction[n].AsSpan(0, length);
        p.CopyTo(workspace.Activity[n].AsSpan(0, length));
        if (n < model.LayerCount)
        {
            TensorPrimitives.Max(p, 0f, workspace.Presynaptic[n].AsSpan(0, length));
        }
    }

    /// <summary><c>e[j] = 0</c> wherever the ReLU unit is inactive (<c>h[j] &lt;= 0</c>): the factor <c>phi'(h)</c> of backprop.</summary>
    internal static void KeepActive(Span<float> e, ReadOnlySpan<float> h)
    {
        for (int j = 0; j < e.Length; j++)
        {
            if (h[j] <= 0f)
            {
                e[j] = 0f;
            }
        }
    }
}
