using System.Globalization;
using EdgeIL.Host.Data;
using EdgeIL.Host.Runs;
using EdgeIL.Learner;

namespace EdgeIL.Host.Experiments;

/// <summary>
/// Online classification (paper figures 3 and 6): batch 1, one pass, 784-256-256-10 (the paper's
/// code), each rule with algorithms.md's settings for the dataset. IL is expected to converge
/// faster than BP-SGD early on.
/// </summary>
public sealed class OnlineExperiment : OnlineRunExperiment
{
    private static readonly long[] s_tablePoints = [1_000, 2_000, 4_000, 20_000, 60_000];

    /// <inheritdoc/>
    public override string Name => "online";

    /// <inheritdoc/>
    public override string DefaultData => "mnist";

    /// <inheritdoc/>
    public override IReadOnlyList<ExperimentRun> Plan(TrainTestData data, ExperimentSettings settings)
    {
        IReadOnlyList<LearningAlgorithm> algorithms = settings.Algorithms
            ?? [LearningAlgorithm.ILProx, LearningAlgorithm.ILProxFast, LearningAlgorithm.ILSgd, LearningAlgorithm.BPSgd, LearningAlgorithm.BPAdam];
        long samples = settings.Samples ?? data.Train.Count;
        long[] schedule = Schedule(samples);
        return algorithms
            .SelectMany(algorithm => Enumerable.Range(1, settings.Seeds).Select(seed => new ExperimentRun(
                algorithm.Name(),
                string.Empty,
                data,
                new RunOptions
                {
                    Algorithm = algorithm,
                    Layers = [data.Train.FeatureCount, 256, 256, data.ClassCount],
                    Hyperparameters = settings.For(algorithm, data.Name),
                    Samples = samples,
                    Seed = seed,
                    EvaluateAt = schedule,
                })))
            .ToArray();
    }

    /// <inheritdoc/>
    public override ExperimentSummary Summarise(IReadOnlyList<ExperimentOutcome> outcomes, ExperimentSettings settings, string outFolder)
    {
        long samples = outcomes[0].Run.Options.Samples!.Value;
        long[] columns = s_tablePoints.Where(p => p < samples).Append(samples).ToArray();
        var table = new ResultTable(
            "Test accuracy (%) after n samples, online (batch 1), mean (±std) over seeds",
            "algorithm",
            columns.Select(c => c.ToString("N0", CultureInfo.InvariantCulture)).ToArray(),
            "F2");
        foreach (string row in Rows(outcomes))
        {
            table.Add(row, columns.Select(c => Values(outcomes, row, string.Empty, r => AccuracyAt(r, c))).ToArray());
        }

        LearningCurveChart.Write(outcomes, Path.Combine(outFolder, "online.png"), $"Online {outcomes[0].Run.Data.Name}, batch 1: test accuracy");
        string notes = string.Create(
            CultureInfo.InvariantCulture,
            $"Network {string.Join('-', outcomes[0].Run.Options.Layers)}, batch 1, {samples:N0} samples (one pass unless --samples says otherwise), {settings.Seeds} seeds; settings {SettingsOf(outcomes)}. Test accuracy on the whole held-out set.");
        return new ExperimentSummary([table], ["online.png"], notes);
    }

    private static long[] Schedule(long samples)
    {
        var points = new SortedSet<long> { 100, 250, 500 };
        points.UnionWith(s_tablePoints);
        for (long p = 5_000; p < samples; p += 5_000)
        {
            points.Add(p);
        }

        points.Add(samples);
        return points.Where(p => p <= samples).ToArray();
    }

    private static double AccuracyAt(RunResult result, long samples) =>
        result.Checkpoints.Where(c => c.Samples == samples).Select(c => c.TestAccuracy * 100).DefaultIfEmpty(double.NaN).First();
}
