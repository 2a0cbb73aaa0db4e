using EdgeIL.Learner;

namespace EdgeIL.Host.Runs;

/// <summary>
/// The per-dataset settings of algorithms.md. The learner's own defaults are the MNIST ones; the
/// host knows which dataset it streams, so it applies the Fashion-MNIST and autoencoder settings.
/// </summary>
public static class PaperDefaults
{
    /// <summary>The settings for <paramref name="algorithm"/> on <paramref name="dataset"/> and <paramref name="task"/>.</summary>
    public static Hyperparameters For(LearningAlgorithm algorithm, string dataset, LearningTask task = LearningTask.Classify)
    {
        Hyperparameters h = Hyperparameters.For(algorithm);
        if (dataset.StartsWith("fashion-mnist", StringComparison.Ordinal))
        {
            h = algorithm switch
            {
                LearningAlgorithm.ILProx or LearningAlgorithm.ILProxFast or LearningAlgorithm.BPProx or LearningAlgorithm.ILProxAdam => h with { Alpha = 2.5f },
                LearningAlgorithm.ILSgd => h with { LearningRate = 0.03f },
                LearningAlgorithm.BPSgd => h with { LearningRate = 0.01f },
                LearningAlgorithm.BPAdam => h with { LearningRate = 5e-5f },
                _ => h,
            };
        }

        if (task == LearningTask.Autoencode && algorithm is LearningAlgorithm.ILProx or LearningAlgorithm.ILProxAdam)
        {
            h = h with { GammaBottom = 0.012f, GammaTop = 0.012f };
        }

        return h;
    }
}
