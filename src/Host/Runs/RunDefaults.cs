using EdgeIL.Learner;

namespace EdgeIL.Host.Runs;

/// <summary>
/// The settings a run starts from unless told otherwise: the paper's (<see cref="PaperDefaults"/>),
/// except that an autoencoder takes the learner's reconstruction defaults, the small alpha and unit
/// balance without which IL-prox's autoencoder collapses on a long stream (docs/algorithms.md, "Long
/// self-supervised streams"). <c>replay</c> and <c>experiment lifelong</c> use these; the experiments
/// that rerun the paper keep the paper's settings.
/// </summary>
public static class RunDefaults
{
    /// <summary>The settings for <paramref name="algorithm"/> on <paramref name="dataset"/> and <paramref name="task"/>.</summary>
    public static Hyperparameters For(LearningAlgorithm algorithm, string dataset, LearningTask task)
    {
        Hyperparameters paper = PaperDefaults.For(algorithm, dataset, task);
        Hyperparameters reconstruction = Hyperparameters.ForReconstruction(algorithm);
        return task != LearningTask.Autoencode || reconstruction == Hyperparameters.For(algorithm)
            ? paper
            : paper with { Alpha = reconstruction.Alpha, BalanceInterval = reconstruction.BalanceInterval };
    }
}
