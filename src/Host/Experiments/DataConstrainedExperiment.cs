using System.Globalization;
using EdgeIL.Device.Streams;
using EdgeIL.Host.Data;
using EdgeIL.Host.Runs;
using EdgeIL.Learner;

namespace EdgeIL.Host.Experiments;

/// <summary>
/// Data-constrained training (paper section 5 and appendix table 8, on Fashion-MNIST): only 10, 100
/// or 500 training samples per class, batch 100 (or the whole subset when smaller), 784-500-500-10.
/// Every run takes the same number of samples (so the same number of steps) whatever its subset's
/// size, which means many passes over a small subset; the paper reports the best test accuracy,
/// so the table gives the best and the final one. The paper found IL ahead of BP-SGD with 10
/// samples per class and level with 500.
/// </summary>
public sealed class DataConstrainedExperiment : OnlineRunExperiment
{
    private const long SamplesPerRun = 50_000;
    private const int BatchSize = 100;
    private static readonly int[] s_perClass = [10, 100, 500];

    /// <inheritdoc/>
    public override string Name => "data-constrained";

    /// <inheritdoc/>
    public override string DefaultData => "fashion-mnist";

    /// <inheritdoc/>
    public override IReadOnlyList<ExperimentRun> Plan(TrainTestData data, ExperimentSettings settings)
    {
        IReadOnlyList<LearningAlgorithm> algorithms = settings.Algorithms
            ?? [LearningAlgorithm.BPSgd, LearningAlgorithm.BPAdam, LearningAlgorithm.ILSgd, LearningAlgorithm.ILProx];
        var runs = new List<ExperimentRun>();
        foreach (int perClass in s_perClass)
        {
            for (int seed = 1; seed <= settings.Seeds; seed++)
            {
                // The subset depends on the seed, so the spread over seeds includes which samples were kept.
                LabeledDataset subset = Subset(data.Train, perClass, seed);
                var constrained = data with { Train = subset };
                foreach (LearningAlgorithm algorithm in algorithms)
                {
                    runs.Add(new ExperimentRun(
                        algorithm.Name(),
                        Label(perClass),
                        constrained,
                        new RunOptions
                        {
                            Algorithm = algorithm,
                            Layers = [data.Train.FeatureCount, 500, 500, data.ClassCount],
                            Hyperparameters = settings.For(algorithm, data.Name),
                            Samples = settings.Samples ?? SamplesPerRun,
                            Seed = seed,
                            BatchSize = Math.Min(BatchSize, subset.Count),
                            EvaluateEvery = (int)Math.Max(BatchSize, (settings.Samples ?? SamplesPerRun) / 10),
                        }));
                }
            }
        }

        return runs;
    }

    /// <inheritdoc/>
    public override ExperimentSummary Summarise(IReadOnlyList<ExperimentOutcome> outcomes, ExperimentSettings settings, string outFolder)
    {
        string[] columns = s_perClass.Select(Label).ToArray();
        var best = new ResultTable("Best test accuracy (%) during training (as the paper reports it), by training samples per class, mean (±std) over seeds", "algorithm", columns, "F2");
        var final = new ResultTable("Final test accuracy (%) by training samples per class, mean (±std) over seeds", "algorithm", columns, "F2");
        foreach (string row in Rows(outcomes))
        {
            best.Add(row, columns.Select(c => Values(outcomes, row, c, r => r.Checkpoints.Max(e => e.TestAccuracy) * 100)).ToArray());
            final.Add(row, columns.Select(c => Values(outcomes, row, c, r => r.Final.TestAccuracy * 100)).ToArray());
        }

        LearningCurveChart.Write(outcomes.Where(o => o.Run.Column == columns[0]).ToArray(), Path.Combine(outFolder, "data-constrained.png"), $"{columns[0]} on {outcomes[0].Run.Data.Name}");
        string notes = string.Create(
            CultureInfo.InvariantCulture,
            $"Network {string.Join('-', outcomes[0].Run.Options.Layers)}, batch {BatchSize} (or the whole subset when smaller), {outcomes[0].Run.Options.Samples:N0} samples per run, the same for every subset size ({(double)outcomes[0].Run.Options.Samples! / outcomes[0].Run.Data.Train.Count:N0} passes over the {outcomes[0].Run.Data.Train.Count} samples of the smallest subset), {settings.Seeds} seeds; settings {SettingsOf(outcomes)}. Each seed draws its own subset: the first samples of each class in a seeded shuffle of the training set. Test accuracy on the whole held-out set. The chart shows the smallest subset.");
        return new ExperimentSummary([best, final], ["data-constrained.png"], notes);
    }

    private static string Label(int perClass) => $"{perClass} per class";

    private static LabeledDataset Subset(LabeledDataset train, int perClass, int seed)
    {
        int[] order = Enumerable.Range(0, train.Count).ToArray();
        new Random(seed).Shuffle(order);
        int[] taken = new int[train.ClassCount];
        var kept = new List<int>();
        foreach (int index in order)
        {
            int label = train.GetLabel(index);
            if (taken[label] < perClass)
            {
                taken[label]++;
                kept.Add(index);
            }
        }

        float[] features = new float[kept.Count * train.FeatureCount];
        int[] labels = new int[kept.Count];
        for (int i = 0; i < kept.Count; i++)
        {
            train.CopyFeatures(kept[i], features.AsSpan(i * train.FeatureCount, train.FeatureCount));
            labels[i] = train.GetLabel(kept[i]);
        }

        return new LabeledDataset($"{train.Name}[{perClass} per class]", train.FeatureCount, features, labels, train.ClassCount);
    }
}
