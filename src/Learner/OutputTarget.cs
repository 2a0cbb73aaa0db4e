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
}
