namespace EdgeIL.Learner;

/// <summary>The output targets <c>t</c> of the learning rules, and the output error <c>e_N = t - sigma(p_N)</c>.</summary>
internal static class OutputTarget
{
    /// <summary>
    /// Writes <c>t</c> and <c>e_N = t - sigma</c> for one sample. The proximal target
    /// <c>t = (sigma + alpha s y) / (1 + alpha s)</c> (algorithms.md, IL-prox step 2) is the output
    /// a proximal step of size alpha would reach; it stays between the current output and the
    /// label whatever alpha is, which is what keeps IL-prox stable.
    /// </summary>
    public static void Compute(
        LearningAlgorithm algorithm, Hyperparameters hyperparameters, float squaredNorm,
        ReadOnlySpan<float> output, ReadOnlySpan<float> label, Span<float> target, Span<float> error)
    {
        if (algorithm.UsesProximalTarget())
        {
            float pull = hyperparameters.Alpha * squaredNorm;
            float inverse = 1f / (1f + pull);
            for (int i = 0; i < output.Length; i++)
            {
                target[i] = (output[i] + pull * label[i]) * inverse;
            }
        }
        else if (algorithm == LearningAlgorithm.ILAdam)
        {
            float mix = hyperparameters.TargetMix;
            for (int i = 0; i < output.Length; i++)
            {
                target[i] = mix * label[i] + (1f - mix) * output[i];
            }
        }
        else
        {
            label.CopyTo(target);
        }

        for (int i = 0; i < output.Length; i++)
        {
            error[i] = target[i] - output[i];
        }
    }

    /// <summary>Writes the output target and <c>e_N</c> of every sample from the current <c>sigma(p_N)</c> and <c>s_{N-1}</c>.</summary>
    public static void SetErrors(Mlp model, LearningAlgorithm algorithm, Hyperparameters hyperparameters, LearnerWorkspace workspace, int batch)
    {
        int layers = model.LayerCount;
        int d = model.OutputSize;
        float squaredNorm = algorithm.UsesProximalTarget()
            ? workspace.SquaredNorm(layers - 1, model.LayerSizes[layers - 1], batch, hyperparameters.Epsilon)
            : 0f;
        for (int b = 0; b < batch; b++)
        {
            Compute(
                algorithm, hyperparameters, squaredNorm,
                workspace.Output.AsSpan(b * d, d), workspace.Label.AsSpan(b * d, d),
                workspace.Target.AsSpan(b * d, d), workspace.Error[layers].AsSpan(b * d, d));
        }
    }
}
