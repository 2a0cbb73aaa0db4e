using System.Globalization;
using EdgeIL.Host.Data;
using EdgeIL.Host.Runs;
using EdgeIL.Learner;

namespace EdgeIL.Host.Experiments;

/// <summary>
/// Mini-batch training (paper table 2): batch 64, 784-500-500-10. The paper found IL without
/// Adam lagging BP here, and IL with Adam close to it. IL-Adam's label share is 0.35 at batch 64.
/// </summary>
public sealed class MinibatchExperiment : OnlineRunExperiment
{
    private const int BatchSize = 64;

    /// <inheritdoc/>
    public override string Name => "minibatch";

    /// <inheritdoc/>
    public override string DefaultData => "mnist";

    /// <inheritdoc/>
    public override IReadOnlyList<ExperimentRun> Plan(TrainTestData data, ExperimentSettings settings)
    {
        IReadOnlyList<LearningAlgorithm> algorithms = settings.Algorithms
            ?? [LearningAlgorithm.BPSgd, LearningAlgorithm.BPAdam, LearningAlgorithm.ILSgd, LearningAlgorithm.ILProx, LearningAlgorithm.ILAdam, LearningAlgorithm.ILProxAdam];
        long samples = settings.Samples ?? data.Train.Count;
        return (from algorithm in algorithms
                from seed in Enumerable.Range(1, settings.Seeds)
                select new ExperimentRun(
                    algorithm.Name(),
                    string.Empty,
                    data,
                    new RunOptions
                    {
                        Algorithm = algorithm,
                        Layers = [data.Train.FeatureCount, 500, 500, data.ClassCount],
                        Hyperparameters = algorithm == LearningAlgorithm.ILAdam
                            ? settings.For(algorithm, data.Name) with { TargetMix = 0.35f }
                            : settings.For(algorithm, data.Name),
                        Samples = samples,
                        Seed = seed,
                        BatchSize = BatchSize,
                        EvaluateEvery = (int)Math.Max(BatchSize, samples / 10),
                    })).ToArray();
    }

    /// <inheritdoc/>
    public override ExperimentSummary Summarise(IReadOnlyList<ExperimentOutcome> outcomes, ExperimentSettings settings, string outFolder)
    {
        var table = new ResultTable("Final test accuracy (%) with batch 64, mean (±std) over seeds", "algorithm", ["test accuracy", "prequential accuracy"], "F2");
        foreach (string row in Rows(outcomes))
        {
            table.Add(row, [Values(outcomes, row, string.Empty, r => r.Final.TestAccuracy * 100), Values(outcomes, row, string.Empty, r => r.Final.PrequentialAccuracy * 100)]);
        }

        LearningCurveChart.Write(outcomes, Path.Combine(outFolder, "minibatch.png"), $"Batch 64 on {outcomes[0].Run.Data.Name}");
        RunOptions first = outcomes[0].Run.Options;
        string notes = string.Create(
            CultureInfo.InvariantCulture,
            $"Network {string.Join('-', first.Layers)}, batch {BatchSize}, {first.Samples:N0} samples ({(double)first.Samples! / outcomes[0].Run.Data.Train.Count:F1} passes), {settings.Seeds} seeds; settings ({SettingsOf(outcomes)}; IL-Adam label share m = 0.35). The paper's table 2 is on CIFAR-10; this reruns its comparison on {outcomes[0].Run.Data.Name}.");
        return new ExperimentSummary([table], ["minibatch.png"], notes);
    }
}
