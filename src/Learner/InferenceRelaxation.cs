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
    /// <summary>Runs the iterations on a batch whose feed-forward pass is in the workspace.</summary>
    public static void Run(
        Mlp model, LearningAlgorithm algorithm, Hyperparameters hyperparameters, LearnerWorkspace workspace,
        int batch, int iterations, SimdLevel level)
    {
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

        SetOutputErrors(model, algorithm, hyperparameters, workspace, batch);
        if (layers == 1)
        {
            return;
        }

        PropagateOutputError(model, workspace, batch, outputErrorWeight);
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
                PredictHidden(model, workspace, n, batch, propagate: !last, level);
            }

            ComputeOutput(model, workspace, batch);
            SetOutputErrors(model, algorithm, hyperparameters, workspace, batch);
            if (!last)
            {
                PropagateOutputError(model, workspace, batch, outputErrorWeight);
            }
        }
    }

    /// <summary><c>s_n = mean_b ||a_n||^2 + 1 + eps</c> over the batch: the denominator of the normalised rules.</summary>
    public static float SquaredNorm(LearnerWorkspace workspace, int layer, int width, int batch, float epsilon)
    {
        float sum = TensorPrimitives.SumOfSquares(workspace.Presynaptic[layer].AsSpan(0, batch * width));
        return sum / batch + 1f + epsilon;
    }

    /// <summary>Computes <c>sigma(p_N)</c> from the logits in <c>Prediction[N]</c>, sample by sample.</summary>
    public static void ApplyOutputFunction(Mlp model, LearnerWorkspace workspace, int batch)
    {
        int d = model.OutputSize;
        for (int b = 0; b < batch; b++)
        {
            OutputFunctions.Apply(model.Head, workspace.Prediction[^1].AsSpan(b * d, d), workspace.Output.AsSpan(b * d, d));
        }
    }

    /// <summary>Writes the output target and <c>e_N</c> of every sample from the current <c>sigma(p_N)</c> and <c>s_{N-1}</c>.</summary>
    public static void SetOutputErrors(Mlp model, LearningAlgorithm algorithm, Hyperparameters hyperparameters, LearnerWorkspace workspace, int batch)
    {
        int layers = model.LayerCount;
        int d = model.OutputSize;
        float squaredNorm = algorithm.UsesProximalTarget()
            ? SquaredNorm(workspace, layers - 1, model.LayerSizes[layers - 1], batch, hyperparameters.Epsilon)
            : 0f;
        for (int b = 0; b < batch; b++)
        {
            OutputTarget.Compute(
                algorithm, hyperparameters, squaredNorm,
                workspace.Output.AsSpan(b * d, d), workspace.Label.AsSpan(b * d, d),
                workspace.Target.AsSpan(b * d, d), workspace.Error[layers].AsSpan(b * d, d));
        }
    }

    private static void PredictHidden(Mlp model, LearnerWorkspace workspace, int n, int batch, bool propagate, SimdLevel level)
    {
        int inputs = model.LayerSizes[n];
        int outputs = model.LayerSizes[n + 1];
        float[] weights = model.WeightsArray(n);
        float[] biases = model.BiasesArray(n);
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> a = workspace.Presynaptic[n].AsSpan(b * inputs, inputs);
            Span<float> p = workspace.Prediction[n + 1].AsSpan(b * outputs, outputs);
            Span<float> e = workspace.Error[n + 1].AsSpan(b * outputs, outputs);
            ReadOnlySpan<float> v = workspace.Activity[n + 1].AsSpan(b * outputs, outputs);
            if (propagate)
            {
                FusedKernels.PredictAndPropagate(weights, a, biases, v, p, e, workspace.Propagated[n].AsSpan(b * inputs, inputs), level);
            }
            else
            {
                MatrixKernels.MultiplyAdd(weights, a, biases, p);
                TensorPrimitives.Subtract(v, p, e);
            }
        }
    }

    private static void ComputeOutput(Mlp model, LearnerWorkspace workspace, int batch)
    {
        int n = model.LayerCount - 1;
        int inputs = model.LayerSizes[n];
        int outputs = model.OutputSize;
        for (int b = 0; b < batch; b++)
        {
            MatrixKernels.MultiplyAdd(
                model.WeightsArray(n), workspace.Presynaptic[n].AsSpan(b * inputs, inputs), model.BiasesArray(n),
                workspace.Prediction[n + 1].AsSpan(b * outputs, outputs));
        }

        ApplyOutputFunction(model, workspace, batch);
    }

    private static void PropagateOutputError(Mlp model, LearnerWorkspace workspace, int batch, float weight)
    {
        int n = model.LayerCount - 1;
        int inputs = model.LayerSizes[n];
        int outputs = model.OutputSize;
        for (int b = 0; b < batch; b++)
        {
            Span<float> g = workspace.Propagated[n].AsSpan(b * inputs, inputs);
            MatrixKernels.MultiplyTransposed(model.WeightsArray(n), workspace.Error[n + 1].AsSpan(b * outputs, outputs), g);
            if (weight != 1f)
            {
                TensorPrimitives.Multiply(g, weight, g);
            }
        }
    }
}
