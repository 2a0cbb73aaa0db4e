using System.Globalization;
using EdgeIL.Host.Data;
using EdgeIL.Host.Runs;
using EdgeIL.Learner;

namespace EdgeIL.Host.Experiments;

/// <summary>
/// Online autoencoder (paper table 3): 784-256-100-256-784, sigmoid and binary cross-entropy,
/// batch 1, one pass; test BCE per pixel (the paper: BP-SGD .303, BP-Adam .282, IL-SGD .306, IL-prox .286).
/// </summary>
public sealed class AutoencoderExperiment : OnlineRunExperiment
{
    private static readonly Dictionary<LearningAlgorithm, double> s_paper = new()
    {
        [LearningAlgorithm.BPSgd] = 0.303,
        [LearningAlgorithm.BPAdam] = 0.282,
        [LearningAlgorithm.ILSgd] = 0.306,
        [LearningAlgorithm.ILProx] = 0.286,
    };

    /// <inheritdoc/>
    public override string Name => "autoencoder";

    /// <inheritdoc/>
    public override string DefaultData => "fashion-mnist";

    /// <inheritdoc/>
    public override IReadOnlyList<ExperimentRun> Plan(TrainTestData data, ExperimentSettings settings)
    {
        IReadOnlyList<LearningAlgorithm> algorithms = settings.Algorithms
            ?? [LearningAlgorithm.BPSgd, LearningAlgorithm.BPAdam, LearningAlgorithm.ILSgd, LearningAlgorithm.ILProx];
        long samples = settings.Samples ?? data.Train.Count;
        int d = data.Train.FeatureCount;
        return (from algorithm in algorithms
                from seed in Enumerable.Range(1, settings.Seeds)
                select new ExperimentRun(
                    algorithm.Name(),
                    string.Empty,
                    data,
                    new RunOptions
                    {
                        Algorithm = algorithm,
                        Task = LearningTask.Autoencode,
                        Layers = [d, 256, 100, 256, d],
                        Hyperparameters = settings.For(algorithm, data.Name, LearningTask.Autoencode),
                        Samples = samples,
                        Seed = seed,
                        EvaluateEvery = (int)Math.Max(1, samples / 12),

                        // The whole test set at every checkpoint costs more than the learning; the
                        // final evaluation below uses a fixed subset too, stated in the notes.
                        TestSamples = 2_000,
                    })).ToArray();
    }

    /// <inheritdoc/>
    public override ExperimentSummary Summarise(IReadOnlyList<ExperimentOutcome> outcomes, ExperimentSettings settings, string outFolder)
    {
        var table = new ResultTable("Test binary cross-entropy per pixel after one pass, mean (±std) over seeds", "algorithm", ["EdgeIL", "paper (table 3)"], "F4");
        foreach (string row in Rows(outcomes))
        {
            double paper = s_paper.TryGetValue(LearningAlgorithms.Parse(row), out double value) ? value : double.NaN;
            table.Add(row, [Values(outcomes, row, string.Empty, r => r.Final.TestBcePerPixel), [paper]]);
        }

        LearningCurveChart.Write(outcomes, Path.Combine(outFolder, "autoencoder.png"), $"Online autoencoder on {outcomes[0].Run.Data.Name}");
        RunOptions first = outcomes[0].Run.Options;
        string notes = string.Create(
            CultureInfo.InvariantCulture,
            $"Network {string.Join('-', first.Layers)}, sigmoid output and binary cross-entropy on pixels scaled to [0, 1], batch 1, {first.Samples:N0} samples, {settings.Seeds} seeds; settings ({SettingsOf(outcomes)}; IL-prox gammas 0.012). Test BCE on the first {first.TestSamples:N0} held-out images. The paper's column is quoted from its table 3 for comparison, not measured here.");
        return new ExperimentSummary([table], ["autoencoder.png"], notes);
    }
}
