using System.Numerics.Tensors;
using EdgeIL.Learner.Kernels;

namespace EdgeIL.Learner;

/// <summary>
/// The passes of a mini-batch step (batch &gt; 1) that multiply by a weight matrix, on the whole batch at
/// once with the matrix-matrix kernels of <see cref="BatchKernels"/>: each computes what the batch-1 pass of
/// <see cref="Backpropagation"/>, <see cref="InferenceRelaxation"/> or <see cref="OnlineLearner"/> computes
/// for every sample in turn, up to rounding, but reads each weight matrix once per batch rather than once
/// per sample.
/// </summary>
internal static class MiniBatchPasses
{
    /// <summary>The feed-forward of layer <paramref name="n"/>: <c>p_{n+1} = v_{n+1} = W_n a_n + b_n</c> and, below the output, <c>a_{n+1} = max(p_{n+1}, 0)</c>.</summary>
    public static void Forward(Mlp model, LearnerWorkspace workspace, int n, int batch, SimdLevel level)
    {
        BatchKernels.MultiplyAdd(
            model.WeightsArray(n), model.BiasesArray(n), workspace.Presynaptic[n].AsSpan(0, batch * model.LayerSizes[n]),
            workspace.Prediction[n + 1].AsSpan(0, batch * model.LayerSizes[n + 1]), batch, level);
        Backpropagation.Activate(model, workspace, n + 1, batch);
    }

    /// <summary>Backprop through layer <paramref name="n"/>: <c>e_n = phi'(h_n) (.) W_n^T e_{n+1}</c>.</summary>
    public static void Backpropagate(Mlp model, LearnerWorkspace workspace, int n, int batch, SimdLevel level)
    {
        int length = batch * model.LayerSizes[n];
        Span<float> e = workspace.Error[n].AsSpan(0, length);
        BatchKernels.MultiplyTransposed(model.WeightsArray(n), workspace.Error[n + 1].AsSpan(0, batch * model.LayerSizes[n + 1]), e, batch, level);
        Backpropagation.KeepActive(e, workspace.Activity[n]);
    }

    /// <summary>
    /// Inference's prediction of hidden layer <paramref name="n"/> + 1 from layer <paramref name="n"/>:
    /// <c>p = W_n a_n + b_n</c>, <c>e = v - p</c> and, when <paramref name="propagate"/>, <c>g_n = W_n^T e</c>.
    /// </summary>
    public static void PredictHidden(Mlp model, LearnerWorkspace workspace, int n, int batch, bool propagate, SimdLevel level)
    {
        int inputs = model.LayerSizes[n];
        int length = batch * model.LayerSizes[n + 1];
        float[] weights = model.WeightsArray(n);
        Span<float> p = workspace.Prediction[n + 1].AsSpan(0, length);
        Span<float> e = workspace.Error[n + 1].AsSpan(0, length);
        BatchKernels.MultiplyAdd(weights, model.BiasesArray(n), workspace.Presynaptic[n].AsSpan(0, batch * inputs), p, batch, level);
        TensorPrimitives.Subtract(workspace.Activity[n + 1].AsSpan(0, length), p, e);
        if (propagate)
        {
            BatchKernels.MultiplyTransposed(weights, e, workspace.Propagated[n].AsSpan(0, batch * inputs), batch, level);
        }
    }

    /// <summary>The output layer's logits <c>p_N = W_{N-1} a_{N-1} + b_{N-1}</c> (the output function is the caller's).</summary>
    public static void ComputeLogits(Mlp model, LearnerWorkspace workspace, int batch, SimdLevel level)
    {
        int n = model.LayerCount - 1;
        BatchKernels.MultiplyAdd(
            model.WeightsArray(n), model.BiasesArray(n), workspace.Presynaptic[n].AsSpan(0, batch * model.LayerSizes[n]),
            workspace.Prediction[n + 1].AsSpan(0, batch * model.OutputSize), batch, level);
    }

    /// <summary>The output error's bottom-up term <c>g_{N-1} = weight * W_{N-1}^T e_N</c>.</summary>
    public static void PropagateOutputError(Mlp model, LearnerWorkspace workspace, int batch, float weight, SimdLevel level)
    {
        int n = model.LayerCount - 1;
        Span<float> g = workspace.Propagated[n].AsSpan(0, batch * model.LayerSizes[n]);
        BatchKernels.MultiplyTransposed(model.WeightsArray(n), workspace.Error[n + 1].AsSpan(0, batch * model.OutputSize), g, batch, level);
        if (weight != 1f)
        {
            TensorPrimitives.Multiply(g, weight, g);
        }
    }
}
