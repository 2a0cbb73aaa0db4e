namespace EdgeIL.Learner;

/// <summary>What became of a learn step.</summary>
public enum LearnStatus
{
    /// <summary>The weights were updated.</summary>
    Applied,

    /// <summary>The input or the label held NaN or infinity; nothing was computed.</summary>
    RejectedNonFiniteSample,

    /// <summary>
    /// The step would have put a non-finite value (or one of magnitude past
    /// <see cref="OnlineLearner.WeightMagnitudeLimit"/>) into a weight or optimiser state, or let the
    /// model's pre-activations pass <see cref="OnlineLearner.ActivationMagnitudeLimit"/> for an input
    /// inside the range the applied steps came from; the model was left exactly as it was. Likely
    /// causes: a learning rate far too high, inputs that are not scaled (raw sensor units, pixels in
    /// 0..255), or a wild reading (a sensor reporting 1e30).
    /// </summary>
    RejectedNonFiniteUpdate,
}

/// <summary>The outcome of one learn step.</summary>
/// <param name="Loss">The loss <c>L(y, sigma(h_N))</c> of the feed-forward pass before the step, averaged over the batch; NaN when the sample was rejected.</param>
/// <param name="WeightChange">The Euclidean norm of the change of all weights and biases; 0 when not applied.</param>
/// <param name="Iterations">Inference iterations used (0 for the backprop rules).</param>
/// <param name="Status">Whether the step was applied, and if not, why.</param>
public readonly record struct LearnResult(float Loss, float WeightChange, int Iterations, LearnStatus Status)
{
    /// <summary>True when the weights were updated.</summary>
    public bool Applied => Status == LearnStatus.Applied;
}
