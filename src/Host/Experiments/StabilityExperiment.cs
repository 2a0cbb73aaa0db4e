using System.Globalization;
using EdgeIL.Host.Data;
using EdgeIL.Host.Reports;
using EdgeIL.Host.Runs;
using EdgeIL.Learner;

namespace EdgeIL.Host.Experiments;

/// <summary>
/// Learning-rate stability (paper tables 4 and 5): batch 1, 20,000 samples, the same network, with
/// IL-prox's alpha and BP-SGD's learning rate swept over {0.01, 0.1, 1, 2.5, 10, 100}. The paper's
/// claim: IL-prox stays near its best everywhere, BP-SGD collapses at large rates.
/// </summary>
public sealed class StabilityExperiment : OnlineRunExperiment
{
    private static readonly float[] s_rates = [0.01f, 0.1f, 1f, 2.5f, 10f, 100f];

    /// <inheritdoc/>
    public override string Name => "stability";

    /// <inheritdoc/>
    public override string DefaultData => "fashion-mnist";

    /// <inheritdoc/>
    public override IReadOnlyList<ExperimentRun> Plan(TrainTestData data, ExperimentSettings settings)
    {
        IReadOnlyList<LearningAlgorithm> algorithms = settings.Algorithms ?? [LearningAlgorithm.ILProx, LearningAlgorithm.BPSgd];
        long samples = settings.Samples ?? Math.Min(20_000, data.Train.Count);
        return (from algorithm in algorithms
                from rate in s_rates
                from seed in Enumerable.Range(1, settings.Seeds)
                select new ExperimentRun(
                    algorithm.Name(),
                    Label(rate),
                    data,
                    new RunOptions
                    {
                        Algorithm = algorithm,
                        Layers = [data.Train.FeatureCount, 256, 256, data.ClassCount],
                        Hyperparameters = PaperDefaults.For(algorithm, data.Name) with { Alpha = rate, LearningRate = rate },
                        Samples = samples,
                        Seed = seed,
                        EvaluateEvery = (int)Math.Max(1, samples / 10),
                    })).ToArray();
    }

    /// <inheritdoc/>
    public override ExperimentSummary Summarise(IReadOnlyList<ExperimentOutcome> outcomes, ExperimentSettings settings, string outFolder)
    {
        string[] columns = s_rates.Select(Label).ToArray();
        var table = new ResultTable(
            "Final test accuracy (%) by learning rate (BP, IL-SGD, Adam rules) or alpha (proximal rules), mean (±std) over seeds",
            "algorithm",
            columns,
            "F2");
        var rejected = new ResultTable("Steps refused by the numerical guard (non-finite update), mean over seeds", "algorithm", columns, "F0");
        var series = new List<Series>();
        foreach (string row in Rows(outcomes))
        {
            IReadOnlyList<double>[] accuracies = columns.Select(c => Values(outcomes, row, c, r => r.Final.TestAccuracy * 100)).ToArray();
            table.Add(row, accuracies);
            rejected.Add(row, columns.Select(c => Values(outcomes, row, c, r => r.RejectedSteps)).ToArray());
            SeedStatistics[] stats = accuracies.Select(SeedStatistics.Of).ToArray();
            series.Add(new Series(row, s_rates.Select(r => (double)r).ToArray(), stats.Select(s => s.Mean).ToArray(), stats.Select(s => s.StandardDeviation).ToArray()));
        }

        Charts.LearningRateSweep(Path.Combine(outFolder, "stability.png"), $"Stability on {outcomes[0].Run.Data.Name}: final test accuracy", "test accuracy (%)", series);
        long samples = outcomes[0].Run.Options.Samples!.Value;
        string notes = string.Create(
            CultureInfo.InvariantCulture,
            $"Network {string.Join('-', outcomes[0].Run.Options.Layers)}, batch 1, {samples:N0} samples, {settings.Seeds} seeds. The swept value is alpha for the proximal rules and the learning rate for the others; every other setting is algorithms.md's for {outcomes[0].Run.Data.Name}. A step the numerical guard refuses leaves the model unchanged, so a collapsed run shows as chance accuracy, not NaN.");
        return new ExperimentSummary([table, rejected], ["stability.png"], notes);
    }

    private static string Label(float rate) => rate.ToString(CultureInfo.InvariantCulture);
}
