using System.Numerics.Tensors;
using EdgeIL.Learner.Kernels;

namespace EdgeIL.Learner;

/// <summary>
/// The inference phase of the IL rules (algorithms.md, IL-prox step 3): hidden activities
/// <c>v_1..v_{N-1}</c> start at their feed-forward values and are relaxed for a fixed number of
/// iterations toward activities that explain both the input and the output target. Afterwards
/// <see cref="LearnerWorkspace.Error"/> holds <c>e_n</c> at the final targets and
/// <see cref="LearnerWorkspace.Presynaptic"/> the final <c>a_n</c>.
/// </summary>
internal static class InferenceRelaxation
{
    /// <summary>
    /// Runs the iterations on a batch whose feed-forward pass and output errors are in the workspace. A
    /// batch-1 step passes its <paramref name="sample"/> kernels, which read the hidden matrices from the
    /// transposed copy at the active units alone and split the work across the learner's threads.
    /// </summary>
    public static void Run(
        Mlp model, LearningAlgorithm algorithm, Hyperparameters hyperparameters, LearnerWorkspace workspace,
        int batch, int iterations, SimdLevel level, SampleKernels? sample = null)
    {
        if (sample is not null && batch != 1)
        {
            throw new ArgumentException("Sample kernels serve batch-1 steps only.", nameof(sample));
        }

        int layers = model.LayerCount;
        ReadOnlySpan<int> sizes = model.LayerSizes;

        // IL-SGD and IL-Adam weigh the output error by one half in the activity dynamics (the
        // derivative of the paper's energy with a 1/2 on the output loss); the proximal rules do not.
        float outputErrorWeight = algorithm is LearningAlgorithm.ILSgd or LearningAlgorithm.ILAdam ? 0.5f : 1f;

        // Before the first iteration every hidden error is zero (v = p), so only the layer under
        // the output receives a bottom-up term.
        for (int n = 1; n < layers; n++)
        {
            Array.Clear(workspace.Error[n]);
            Array.Clear(workspace.Propagated[n]);
        }

        if (layers == 1)
        {
            return;
        }

        PropagateOutputError(model, workspace, batch, outputErrorWeight, level);
        for (int iteration = 0; iteration < iterations; iteration++)
        {
            bool last = iteration == iterations - 1;
            for (int n = 1; n < layers; n++)
            {
                int d = sizes[n];
                for (int b = 0; b < batch; b++)
                {
                    FusedKernels.UpdateActivities(
                        workspace.Activity[n].AsSpan(b * d, d), workspace.Propagated[n].AsSpan(b * d, d),
                        workspace.Error[n].AsSpan(b * d, d), workspace.Presynaptic[n].AsSpan(b * d, d),
                        hyperparameters.GammaBottom, hyperparameters.GammaTop, hyperparameters.GammaDecay, level);
                }
            }

            // p_1 = W_0 x + b_0 does not move, so W_0, the largest matrix, is never read here.
            TensorPrimitives.Subtract(workspace.Activity[1].AsSpan(0, batch * sizes[1]), workspace.Prediction[1].AsSpan(0, batch * sizes[1]), workspace.Error[1].AsSpan(0, batch * sizes[1]));
            for (int n = 1; n < layers - 1; n++)
            {
                if (sample is not null && sample.ReadsTransposed(model, n))
                {
                    PredictHiddenFromTransposed(model, sample, workspace, n, propagate: !last, level);
                }
                else
                {
                    PredictHidden(model, workspace, n, batch, propagate: !last, level);
                }
            }

            ComputeOutput(model, workspace, batch, level);
            OutputTarget.SetErrors(model, algorithm, hyperparameters, workspace, batch);
            if (!last)
            {
                PropagateOutputError(model, workspace, batch, outputErrorWeight, level);
            }
        }
    }

    private static void PredictHidden(Mlp model, LearnerWorkspace workspace, int n, int batch, bool propagate, SimdLevel level)
    {
        if (batch > 1)
        {
            MiniBatchPasses.PredictHidden(model, workspace, n, batch, propagate, level);
            return;
        }

        // One sample, from the row-major matrix: the Adam rules, which keep no transposed copy.
        int inputs = model.LayerSizes[n];
        int outputs = model.LayerSizes[n + 1];
        float[] weights = model.WeightsArray(n);
        ReadOnlySpan<float> a = workspace.Presynaptic[n].AsSpan(0, inputs);
        Span<float> p = workspace.Prediction[n + 1].AsSpan(0, outputs);
        Span<float> e = workspace.Error[n + 1].AsSpan(0, outputs);
        ReadOnlySpan<float> v = workspace.Activity[n + 1].AsSpan(0, outputs);
        if (propagate)
        {
            FusedKernels.PredictAndPropagate(weights, a, model.BiasesArray(n), v, p, e, workspace.Propagated[n].AsSpan(0, inputs), level);
        }
        else
        {
            MatrixKernels.MultiplyAdd(weights, a, model.BiasesArray(n), p, level);
            TensorPrimitives.Subtract(v, p, e);
        }
    }

    /// <summary>
    /// <see cref="PredictHidden"/> for one sample from <c>W_n^T</c>: <c>p_{n+1}</c> from the rows of the active
    /// units of layer <c>n</c>, and <c>g_n</c> only where those units are active, the only places the next
    /// activity step reads it (<c>a_n[j] &gt; 0</c> exactly where <c>v_n[j] &gt; 0</c>).
    /// </summary>
    private static void PredictHiddenFromTransposed(Mlp model, SampleKernels sample, LearnerWorkspace workspace, int n, bool propagate, SimdLevel level)
    {
        sample.PredictFromTransposed(n, model, workspace.Presynaptic[n], workspace.Prediction[n + 1], workspace.Activity[n + 1], workspace.Error[n + 1], level);
        if (propagate)
        {
            sample.MultiplyActiveRows(n, model, workspace.Error[n + 1], workspace.Presynaptic[n], workspace.Propagated[n], level);
        }
    }

    private static void ComputeOutput(Mlp model, LearnerWorkspace workspace, int batch, SimdLevel level)
    {
        int n = model.LayerCount - 1;
        int inputs = model.LayerSizes[n];
        int outputs = model.OutputSize;
        if (batch > 1)
        {
            MiniBatchPasses.ComputeLogits(model, workspace, batch, level);
        }
        else
        {
            MatrixKernels.MultiplyAdd(
                model.WeightsArray(n), workspace.Presynaptic[n].AsSpan(0, inputs), model.BiasesArray(n),
                workspace.Prediction[n + 1].AsSpan(0, outputs), level);
        }

        workspace.ApplyOutputFunction(model.Head, outputs, batch);
    }

    private static void PropagateOutputError(Mlp model, LearnerWorkspace workspace, int batch, float weight, SimdLevel level)
    {
        if (batch > 1)
        {
            MiniBatchPasses.PropagateOutputError(model, workspace, batch, weight, level);
            return;
        }

        int n = model.LayerCount - 1;
        int inputs = model.LayerSizes[n];
        int outputs = model.OutputSize;
        Span<float> g = workspace.Propagated[n].AsSpan(0, inputs);
        MatrixKernels.MultiplyTransposed(model.WeightsArray(n), workspace.Error[n + 1].AsSpan(0, outputs), g, level);
        if (weight != 1f)
        {
            TensorPrimitives.Multiply(g, weight, g);
        }
    }
}
