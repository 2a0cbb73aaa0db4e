namespace EdgeIL.Learner;

/// <summary>
/// Every setting of every learning rule. A rule reads only the settings it uses; <see cref="For"/>
/// gives the defaults of <c>docs/algorithms.md</c> (the paper's MNIST settings), and
/// <see cref="ForReconstruction"/> those of a model that reconstructs its own input.
/// </summary>
public sealed record Hyperparameters
{
    /// <summary>Proximal step size (alpha), range 0 &lt; alpha &lt;= <see cref="LearnerLimits.MaximumAlpha"/>: the only place the learning rate enters the proximal rules.</summary>
    public float Alpha { get; init; } = 5f;

    /// <summary>Learning rate (lr), range 0 &lt; lr &lt;= <see cref="LearnerLimits.MaximumLearningRate"/>, of the LMS, SGD and Adam rules.</summary>
    public float LearningRate { get; init; } = 0.015f;

    /// <summary>The fixed inference budget T, range 0 &lt;= T &lt;= <see cref="LearnerLimits.MaximumIterations"/>: the most inference iterations a step may use.</summary>
    public int Iterations { get; init; } = 25;

    /// <summary>Weight of the bottom-up (propagated error) term of the activity step (gamma_bot), range &gt;= 0.</summary>
    public float GammaBottom { get; init; } = 0.015f;

    /// <summary>Weight of the top-down (own prediction error) term of the activity step (gamma_top), range &gt;= 0.</summary>
    public float GammaTop { get; init; } = 0.015f;

    /// <summary>Activity decay (gamma_decay), range 0 &lt;= gamma_decay &lt; 1.</summary>
    public float GammaDecay { get; init; }

    /// <summary>Damping (eps) added to <c>s_n = ||a_n||^2 + 1 + eps</c>, range eps &gt;= 0.</summary>
    public float Epsilon { get; init; } = 0.25f;

    /// <summary>Share m of the label in IL-Adam's output target <c>t = m y + (1 - m) sigma(p_N)</c>, range 0 &lt;= m &lt;= 1.</summary>
    public float TargetMix { get; init; } = 0.95f;

    /// <summary>Adam's first-moment decay (beta1), range 0 &lt;= beta1 &lt; 1 with beta1^2 &lt; beta2.</summary>
    public float AdamBeta1 { get; init; } = 0.9f;

    /// <summary>Adam's second-moment decay (beta2), range 0 &lt; beta2 &lt; 1.</summary>
    public float AdamBeta2 { get; init; } = 0.999f;

    /// <summary>Adam's denominator constant, range &gt; 0.</summary>
    public float AdamEpsilon { get; init; } = 1e-8f;

    /// <summary>
    /// Samples between two rebalancings of the hidden units (<see cref="UnitBalance"/>), range
    /// 0..<see cref="LearnerLimits.MaximumBalanceInterval"/>; 0 is the paper's rule, without them.
    /// Read by the normalised rules without Adam (IL-prox, IL-prox Fast, BP-prox): 0 in <see cref="For"/>,
    /// <see cref="DefaultBalanceInterval"/> in <see cref="ForReconstruction"/>.
    /// </summary>
    public int BalanceInterval { get; init; }

    /// <summary>
    /// The rebalancing interval of the rules that read it: often enough that no unit drifts far
    /// between two rebalancings, rare enough that its O(weights) pass costs less than the spread
    /// between runs (docs/algorithms.md, "Unit balance", has the measurement).
    /// </summary>
    public const int DefaultBalanceInterval = 10;

    /// <summary>
    /// The proximal step size of a model that reconstructs its input. At the paper's 2.5-5 the
    /// output layer refits each sample almost exactly, and over hundreds of thousands of samples the
    /// decoder's biases drift until it fades; at 0.01 it held for a million (docs/algorithms.md,
    /// "Long self-supervised streams").
    /// </summary>
    public const float ReconstructionAlpha = 0.01f;

    /// <summary>The defaults of <c>docs/algorithms.md</c> for <paramref name="algorithm"/>.</summary>
    public static Hyperparameters For(LearningAlgorithm algorithm) => algorithm switch
    {
        LearningAlgorithm.ILProx => new() { Alpha = 5f, Iterations = 25, GammaBottom = 0.015f, GammaTop = 0.015f },
        LearningAlgorithm.ILProxFast => new() { Alpha = 5f, Iterations = 12, GammaBottom = 0.025f, GammaTop = 0f },
        LearningAlgorithm.ILSgd => new() { LearningRate = 0.05f, Iterations = 25, GammaBottom = 0.02f, GammaTop = 0.015f },

        // algorithms.md gives no learning rate for IL-Adam: it takes BP-Adam's, so the two differ only in their gradients.
        LearningAlgorithm.ILAdam => new() { LearningRate = 1e-4f, Iterations = 20, GammaBottom = 0.02f, GammaTop = 0.01f, TargetMix = 0.95f },

        // algorithms.md gives no alpha for IL-prox + Adam: it takes IL-prox's.
        LearningAlgorithm.ILProxAdam => new() { Alpha = 5f, LearningRate = 3e-5f, Iterations = 20, GammaBottom = 0.02f, GammaTop = 0.015f },
        LearningAlgorithm.BPSgd => new() { LearningRate = 0.015f, Iterations = 0 },
        LearningAlgorithm.BPAdam => new() { LearningRate = 1e-4f, Iterations = 0 },
        LearningAlgorithm.BPProx => new() { Alpha = 5f, Iterations = 0 },
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown learning algorithm."),
    };

    /// <summary>
    /// The defaults for <paramref name="algorithm"/> when the model reconstructs its own input (an
    /// autoencoder, learning without labels): those of <see cref="For"/>, except that the normalised
    /// rules without Adam (IL-prox, IL-prox Fast, BP-prox) take <see cref="ReconstructionAlpha"/> and
    /// rebalance their hidden units every <see cref="DefaultBalanceInterval"/> samples. With the
    /// paper's settings such a model collapses on a long stream; a classifier does not, so it keeps them.
    /// </summary>
    public static Hyperparameters ForReconstruction(LearningAlgorithm algorithm)
    {
        Hyperparameters defaults = For(algorithm);
        return algorithm is LearningAlgorithm.ILProx or LearningAlgorithm.ILProxFast or LearningAlgorithm.BPProx
            ? defaults with { Alpha = ReconstructionAlpha, BalanceInterval = DefaultBalanceInterval }
            : defaults;
    }

    /// <summary>
    /// These settings with each given value in place of its current one; a null keeps the current
    /// value. The one way a caller (command line, experiment, device configuration) overrides settings.
    /// </summary>
    /// <param name="alpha">The proximal step size, or null.</param>
    /// <param name="learningRate">The learning rate, or null.</param>
    /// <param name="epsilon">The damping of the normalised step, or null.</param>
    /// <param name="iterations">The inference budget T, or null.</param>
    /// <param name="gammaBottom">The bottom-up inference rate, or null.</param>
    /// <param name="gammaTop">The top-down inference rate, or null.</param>
    /// <param name="balanceInterval">The samples between two rebalancings of the hidden units, or null.</param>
    /// <returns>The settings with the overrides applied; not validated.</returns>
    public Hyperparameters With(
        float? alpha = null, float? learningRate = null, float? epsilon = null, int? iterations = null, float? gammaBottom = null, float? gammaTop = null, int? balanceInterval = null) =>
        this with
        {
            Alpha = alpha ?? Alpha,
            LearningRate = learningRate ?? LearningRate,
            Epsilon = epsilon ?? Epsilon,
            Iterations = iterations ?? Iterations,
            GammaBottom = gammaBottom ?? GammaBottom,
            GammaTop = gammaTop ?? GammaTop,
            BalanceInterval = balanceInterval ?? BalanceInterval,
        };

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first setting out of its range.</summary>
    public void Validate()
    {
        Check(Alpha > 0 && Alpha <= LearnerLimits.MaximumAlpha, nameof(Alpha), Alpha, $"must be in (0, {LearnerLimits.Format(LearnerLimits.MaximumAlpha)}]");
        Check(LearningRate > 0 && LearningRate <= LearnerLimits.MaximumLearningRate, nameof(LearningRate), LearningRate, $"must be in (0, {LearnerLimits.Format(LearnerLimits.MaximumLearningRate)}]");
        Check(Iterations is >= 0 and <= LearnerLimits.MaximumIterations, nameof(Iterations), Iterations, $"must be in 0..{LearnerLimits.MaximumIterations}");
        Check(GammaBottom is >= 0 and <= LearnerLimits.MaximumGamma, nameof(GammaBottom), GammaBottom, $"must be in [0, {LearnerLimits.Format(LearnerLimits.MaximumGamma)}]");
        Check(GammaTop is >= 0 and <= LearnerLimits.MaximumGamma, nameof(GammaTop), GammaTop, $"must be in [0, {LearnerLimits.Format(LearnerLimits.MaximumGamma)}]");
        Check(GammaDecay is >= 0 and < 1, nameof(GammaDecay), GammaDecay, "must be in [0, 1)");
        Check(Epsilon is >= 0 and <= LearnerLimits.MaximumEpsilon, nameof(Epsilon), Epsilon, $"must be in [0, {LearnerLimits.Format(LearnerLimits.MaximumEpsilon)}]");
        Check(TargetMix is >= 0 and <= 1, nameof(TargetMix), TargetMix, "must be in [0, 1]");
        Check(AdamBeta2 is > 0 and < 1, nameof(AdamBeta2), AdamBeta2, "must be in (0, 1)");

        // beta1^2 < beta2 bounds Adam's step by a multiple of the learning rate, which the
        // numerical guard relies on; every configuration in common use satisfies it.
        Check(AdamBeta1 >= 0 && AdamBeta1 < 1 && AdamBeta1 * AdamBeta1 < AdamBeta2, nameof(AdamBeta1), AdamBeta1, "must be in [0, 1) with beta1^2 < beta2");
        Check(float.IsFinite(AdamEpsilon) && AdamEpsilon > 0, nameof(AdamEpsilon), AdamEpsilon, "must be finite and > 0");
        Check(BalanceInterval is >= 0 and <= LearnerLimits.MaximumBalanceInterval, nameof(BalanceInterval), BalanceInterval, $"must be in 0..{LearnerLimits.MaximumBalanceInterval}");

        static void Check(bool ok, string name, object value, string rule)
        {
            if (!ok)
            {
                throw new ArgumentException($"Hyperparameter {name} = {value} {rule}.", name);
            }
        }
    }
}
