using System.Globalization;
using System.Numerics.Tensors;
using EdgeIL.Device.Streams;
using EdgeIL.Host.Data;
using EdgeIL.Host.Reports;
using EdgeIL.Host.Runs;
using EdgeIL.Learner;

namespace EdgeIL.Host.Experiments;

/// <summary>
/// Lifelong learning: does a rule keep what it has learned over a long stream (a million samples by
/// default, about 17 reshuffled passes over MNIST), as a board that runs for months must? Each task is
/// evaluated on its held-out set on a logarithmic schedule up to 50,000 samples and every 50,000 after;
/// the tables give the best value, when it was reached, the final value and how far a run fell after its best.
/// </summary>
public sealed class LifelongExperiment : OnlineRunExperiment
{
    /// <summary>Samples per run unless told otherwise.</summary>
    public const long DefaultSamples = 1_000_000;

    /// <summary>Evaluations are every this many samples once the logarithmic schedule reaches it.</summary>
    public const long LinearEvaluationSamples = 50_000;

    private const long FirstEvaluationSamples = 100;

    private static readonly LifelongTask[] s_tasks =
    [
        new("mnist", "mnist", "MNIST classification", LearningTask.Classify),
        new("fashion-mnist", "fashion-mnist", "Fashion-MNIST classification", LearningTask.Classify),
        new("autoencoder", "fashion-mnist", "Fashion-MNIST autoencoder", LearningTask.Autoencode),
        new("imu", SyntheticImu.Name, "synthetic IMU autoencoder", LearningTask.Autoencode),
    ];

    /// <summary>The task names <c>--tasks</c> takes.</summary>
    public static IReadOnlyList<string> LifelongTaskNames { get; } = [.. s_tasks.Select(t => t.Name)];

    /// <inheritdoc/>
    public override IReadOnlyList<string>? TaskNames => LifelongTaskNames;

    /// <inheritdoc/>
    public override string Name => "lifelong";

    /// <summary>The synthetic IMU: the one task's data that needs no download. The image tasks load theirs.</summary>
    public override string DefaultData => SyntheticImu.Name;

    /// <summary>One seed: runs are a million samples long, and the question is whether a run holds up, not the spread.</summary>
    public override int DefaultSeeds => 1;

    /// <summary>
    /// The evaluation points of a run of <paramref name="samples"/>: 100, 200, 500, 1,000, 2,000 ...
    /// (1-2-5 per decade) up to 50,000, then every 50,000, and the end.
    /// </summary>
    public static long[] Schedule(long samples)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        var points = new SortedSet<long>();
        for (long decade = FirstEvaluationSamples; decade < LinearEvaluationSamples; decade *= 10)
        {
            points.UnionWith([decade, 2 * decade, 5 * decade]);
        }

        for (long point = LinearEvaluationSamples; point < samples; point += LinearEvaluationSamples)
        {
            points.Add(point);
        }

        points.Add(samples);
        return [.. points.Where(p => p <= samples)];
    }

    /// <summary>
    /// No <c>--data</c> (or <c>imu-synthetic</c>): each image task loads its own set. An image set
    /// replaces MNIST and Fashion-MNIST in the image tasks (the bundled sample, for a quick check).
    /// </summary>
    public override TrainTestData Load(string? spec, string? dataFolder)
    {
        if (spec is null or SyntheticImu.Name)
        {
            return SyntheticImu.Create();
        }

        TrainTestData data = DatasetCatalog.Load(spec, dataFolder: dataFolder);
        if (data.Kind != DataKind.Pixels || data.TargetCount > 0)
        {
            throw new ArgumentException($"experiment lifelong --data {spec}: give an image set (sample, mnist, fashion-mnist or a folder of MNIST-format files); the sensor task is the synthetic IMU.");
        }

        return data;
    }

    /// <inheritdoc/>
    public override string DataName(TrainTestData data, ExperimentSettings settings) =>
        string.Join(", ", Selected(settings).Select(t => ImageOverride(data) is { } images && t.Data != SyntheticImu.Name ? images.Name : t.Data).Distinct());

    /// <inheritdoc/>
    public override string? DataArgument(TrainTestData data) => ImageOverride(data)?.Name;

    /// <inheritdoc/>
    public override IReadOnlyList<ExperimentRun> Plan(TrainTestData data, ExperimentSettings settings)
    {
        IReadOnlyList<LearningAlgorithm> algorithms = settings.Algorithms
            ?? [LearningAlgorithm.ILProx, LearningAlgorithm.ILProxFast, LearningAlgorithm.BPSgd, LearningAlgorithm.BPAdam];
        long samples = settings.Samples ?? DefaultSamples;
        if (samples < 1)
        {
            throw new ArgumentException($"--samples {samples}: must be at least 1.");
        }

        long[] schedule = Schedule(samples);
        TrainTestData? images = ImageOverride(data);
        var loaded = new Dictionary<string, TrainTestData>();
        var runs = new List<ExperimentRun>();
        foreach (LifelongTask task in Selected(settings))
        {
            TrainTestData taskData = task.Data == SyntheticImu.Name
                ? (data.Name == SyntheticImu.Name ? data : SyntheticImu.Create())
                : images ?? Loaded(task.Data);
            foreach (LearningAlgorithm algorithm in algorithms)
            {
                foreach (int seed in Enumerable.Range(1, settings.Seeds))
                {
                    runs.Add(new ExperimentRun(algorithm.Name(), task.Name, taskData, Options(task, taskData, algorithm, seed, samples, schedule, settings)));
                }
            }
        }

        return runs;

        TrainTestData Loaded(string name)
        {
            if (!loaded.TryGetValue(name, out TrainTestData? found))
            {
                found = DatasetCatalog.Load(name, dataFolder: settings.DataFolder);
                loaded.Add(name, found);
            }

            return found;
        }
    }

    /// <inheritdoc/>
    public override ExperimentSummary Summarise(IReadOnlyList<ExperimentOutcome> outcomes, ExperimentSettings settings, string outFolder)
    {
        var tables = new List<ResultTable>();
        var charts = new List<string>();
        var notes = new List<string>();
        string[] taskNames = [.. outcomes.Select(o => o.Run.Column).Distinct()];
        IReadOnlyList<string> rows = Rows(outcomes);
        long samples = outcomes[0].Run.Options.Samples!.Value;
        foreach (string taskName in taskNames)
        {
            LifelongTask task = s_tasks.Single(t => t.Name == taskName);
            ExperimentOutcome[] taskOutcomes = [.. outcomes.Where(o => o.Run.Column == taskName)];
            RunOptions options = taskOutcomes[0].Run.Options;
            TaskMeasure measure = Measure(options);
            string dataName = taskOutcomes[0].Run.Data.Name;
            string network = string.Join('-', options.Layers);
            long[] points = [.. Schedule(samples).Where(p => p >= 1_000 && p < samples && IsPowerOfTen(p))];
            string[] columns = [.. points.Select(p => p.ToString("N0", CultureInfo.InvariantCulture)), "final", "best", "worst after best", $"largest setback from {LinearEvaluationSamples / 1000}k", "final, on the stream"];
            var table = new ResultTable(
                $"{task.Description} ({dataName}, {network}): {measure.Name}, {(measure.LowerIsBetter ? "lower" : "higher")} is better; mean (±std) over seeds",
                "algorithm",
                columns,
                measure.Format);
            foreach (string row in rows)
            {
                CurveSummary[] curves = [.. taskOutcomes.Where(o => o.Run.Row == row).Select(o => CurveSummary.Of(o.Result.Checkpoints, measure.Of, measure.LowerIsBetter, LinearEvaluationSamples))];
                IReadOnlyList<double>[] cells =
                [
                    .. points.Select(p => Values(taskOutcomes, row, taskName, r => At(r, p, measure.Of))),
                    [.. curves.Select(c => c.Final)],
                    [.. curves.Select(c => c.Best)],
                    [.. curves.Select(c => c.WorstAfterBest)],
                    [.. curves.Select(c => c.LargestSetback)],
                    Values(taskOutcomes, row, taskName, r => measure.OnStream(r.Final, r.Options.Layers[^1])),
                ];
                table.Add(row, cells);
            }

            tables.Add(table);
            string chart = $"lifelong-{taskName}.png";
            LearningCurveChart.WriteLogSamples(taskOutcomes, Path.Combine(outFolder, chart), $"Lifelong: {task.Description} ({dataName}, {network})", measure.Name, measure.Of, measure.LowerIsBetter);
            charts.Add(chart);
            notes.Add($"{task.Description}: {network}, {measure.Explanation}{Baseline(taskOutcomes)}; settings {SettingsOf(taskOutcomes)}.");
        }

        tables.Add(AcrossTasks("Samples to the best evaluation, mean (±std) over seeds", outcomes, rows, taskNames, r => CurveSummary.Of(r.Checkpoints, Measure(r.Options).Of, Measure(r.Options).LowerIsBetter).SamplesToBest));
        tables.Add(AcrossTasks("Learn steps refused by the numerical guard (LearnStatus not Applied), mean over seeds", outcomes, rows, taskNames, r => r.RejectedSteps));
        tables.Add(AcrossTasks("Median learn step (µs, one core)", outcomes, rows, taskNames, r => r.LearnMicrosecondsMedian));
        WriteReports(outcomes, outFolder);

        string evaluations = string.Join(", ", Schedule(LinearEvaluationSamples).Select(p => p.ToString("N0", CultureInfo.InvariantCulture)));
        string[] text =
        [
            FormattableString.Invariant($"Batch 1, {samples:N0} samples per run, {settings.Seeds} seed{(settings.Seeds == 1 ? string.Empty : "s")} (the default for this experiment is 1; --seeds for more), every rule with its default settings for the task (for the autoencoders, the reconstruction defaults of docs/algorithms.md)."),
            FormattableString.Invariant($"A stored training set is streamed in an order reshuffled at every pass; the synthetic IMU is generated afresh for each run's seed: frames of {SyntheticImuStream.WindowSamples} samples x {SyntheticImuStream.Channels} channels at {SyntheticImuStream.SampleHz:F0} Hz, one per 20 Hz tick, in motion regimes (still, walking, running, shaking: sines on gravity and a gyroscope bias, plus noise) that switch every 10 to 60 seconds, as `firmware-config/imu-anomaly.json` sees them."),
            FormattableString.Invariant($"Held-out evaluation at {evaluations}, then every {LinearEvaluationSamples:N0}, as far as the run goes, and at its end, on the whole test set (the IMU: {SyntheticImu.HeldOutFramesPerRegime} frames of each regime from seeds no run uses; its inputs are standardised by each model's running statistics, so once these have seen every regime, reconstructing the mean scores about 1)."),
            "*Final, on the stream* is the same measure over the last 1,000 samples of the stream, each scored before it was learned from (prequential): on the IMU that is about 50 seconds, mostly one motion regime, where the held-out set holds all four in equal parts, so a gap between the two is what a model forgot of the regimes it is not in. *Best* is the best evaluation after any learning, *worst after best* the worst one after it (– when the best is the last), *largest setback* the most any evaluation from 50,000 samples on fell short of the best before it (0 when a run never fell back there; – for shorter runs).",
            .. notes,
            "Each run's curve is in `runs/<task>-<rule>-seed<n>/report.json` and in results.json.",
        ];
        return new ExperimentSummary(tables, charts, string.Join(" ", text));
    }

    private static RunOptions Options(LifelongTask task, TrainTestData data, LearningAlgorithm algorithm, int seed, long samples, long[] schedule, ExperimentSettings settings)
    {
        int d = data.InputCount;
        RunOptions common = new()
        {
            Algorithm = algorithm,
            Task = task.Task,
            Layers = task.Task == LearningTask.Classify ? [d, 256, 256, data.ClassCount] : [d, 256, 100, 256, d],
            Hyperparameters = settings.Overriding(RunDefaults.For(algorithm, data.Name, task.Task)),
            Samples = samples,
            Seed = seed,
            EvaluateAt = schedule,
        };
        if (task.Data != SyntheticImu.Name)
        {
            return common;
        }

        // As imu-anomaly.json runs it: hidden layers 32, 8, 32, an identity head reconstructing the
        // standardised frame, the device's settings (the rule's reconstruction defaults, with no
        // dataset to tune for).
        return common with
        {
            Layers = [d, 32, 8, 32, d],
            ReconstructionHead = OutputHead.Identity,
            InputScaling = new InputScalingOptions(Standardize: true),
            Hyperparameters = settings.Overriding(Hyperparameters.ForReconstruction(algorithm)),
        };
    }

    private static TaskMeasure Measure(RunOptions options) => options.Task switch
    {
        LearningTask.Classify => new TaskMeasure(
            "test accuracy (%)", e => e.TestAccuracy * 100, (e, _) => e.PrequentialAccuracy * 100, false, "F2", "softmax and cross-entropy, test accuracy"),
        _ when options.ReconstructionHead == OutputHead.Sigmoid => new TaskMeasure(
            "test BCE per pixel", e => e.TestBcePerPixel, (e, outputs) => e.PrequentialLoss / outputs, true, "F4", "sigmoid output and binary cross-entropy on pixels scaled to [0, 1], test BCE per pixel"),

        // The loss is 0.5 ||z - t||^2 per sample, so the mean squared error per output is 2 loss / outputs.
        _ => new TaskMeasure(
            "test reconstruction MSE", e => e.TestMse, (e, outputs) => 2 * e.PrequentialLoss / outputs, true, "F4", "identity output reconstructing the frame as the model's running standardisation scales it, test mean squared error per input in those units"),
    };

    /// <summary>
    /// For the IMU, whose error is in the units of each model's own running standardisation: what
    /// reconstructing every held-out frame as the running mean scores under a finished run's statistics.
    /// </summary>
    private static string Baseline(IReadOnlyList<ExperimentOutcome> outcomes)
    {
        ExperimentOutcome first = outcomes[0];
        if (first.Run.Options.ReconstructionHead != OutputHead.Identity)
        {
            return string.Empty;
        }

        Mlp model = first.Result.Learner.Model;
        LabeledDataset test = first.Run.Data.Test;
        float[] standardised = new float[model.InputSize];
        float[] raw = new float[model.InputSize];
        double sum = 0;
        for (int i = 0; i < test.Count; i++)
        {
            test.CopyFeatures(i, raw);
            model.Input.Apply(raw, standardised);
            sum += TensorPrimitives.SumOfSquares(standardised) / standardised.Length;
        }

        return string.Create(CultureInfo.InvariantCulture, $" (outputting the running mean, i.e. 0, would score {sum / test.Count:F3} under the statistics {first.Run.Row} seed {first.Run.Options.Seed} ended with)");
    }

    private static ResultTable AcrossTasks(string title, IReadOnlyList<ExperimentOutcome> outcomes, IReadOnlyList<string> rows, string[] taskNames, Func<RunResult, double> measure)
    {
        var table = new ResultTable(title, "algorithm", taskNames, "N0");
        foreach (string row in rows)
        {
            table.Add(row, [.. taskNames.Select(t => Values(outcomes, row, t, measure))]);
        }

        return table;
    }

    private static void WriteReports(IReadOnlyList<ExperimentOutcome> outcomes, string outFolder)
    {
        foreach (ExperimentOutcome outcome in outcomes)
        {
            string folder = $"{outcome.Run.Column}-{outcome.Run.Row}-seed{outcome.Run.Options.Seed.ToString(CultureInfo.InvariantCulture)}";
            RunReport.Write(outcome.Result, Path.Combine(outFolder, "runs", folder, "report.json"));
        }
    }

    private static double At(RunResult result, long samples, Func<Evaluation, double> measure) =>
        result.Checkpoints.Where(c => c.Samples == samples).Select(measure).DefaultIfEmpty(double.NaN).First();

    private static bool IsPowerOfTen(long value)
    {
        for (long p = 1; p <= value; p *= 10)
        {
            if (p == value)
            {
                return true;
            }
        }

        return false;
    }

    private static IEnumerable<LifelongTask> Selected(ExperimentSettings settings) =>
        settings.Tasks is { } names ? s_tasks.Where(t => names.Contains(t.Name)) : s_tasks;

    private static TrainTestData? ImageOverride(TrainTestData data) => data.Kind == DataKind.Pixels ? data : null;

    /// <summary>A task: its name on the command line, the data it loads unless --data replaces it, a caption, and what is learned.</summary>
    private sealed record LifelongTask(string Name, string Data, string Description, LearningTask Task);

    /// <summary>
    /// How a task is scored: the measure's name, its value at an evaluation on the held-out set and on
    /// the stream's last samples (prequential: scored before learning from them; given the outputs),
    /// which way is better, its format, and a sentence for the notes.
    /// </summary>
    private sealed record TaskMeasure(string Name, Func<Evaluation, double> Of, Func<Evaluation, int, double> OnStream, bool LowerIsBetter, string Format, string Explanation);
}

/// <summary>What a learning curve did over a long stream, from the evaluations after any learning (the untrained model's is left out).</summary>
/// <param name="Best">The best value.</param>
/// <param name="SamplesToBest">Samples seen at the first evaluation that reached <paramref name="Best"/>.</param>
/// <param name="Final">The value at the last evaluation.</param>
/// <param name="WorstAfterBest">The worst value after the best; NaN when the best is the last evaluation.</param>
/// <param name="LargestSetback">
/// The most an evaluation at or after the settling point fell short of the best one before it, as a
/// positive amount; 0 when the curve never fell back there, NaN when the run did not reach the point.
/// </param>
public readonly record struct CurveSummary(double Best, double SamplesToBest, double Final, double WorstAfterBest, double LargestSetback)
{
    /// <summary>
    /// Summarises <paramref name="checkpoints"/> scored by <paramref name="measure"/>; setbacks count
    /// from <paramref name="settledAfter"/> samples on (the early curve is noisy by nature). All NaN
    /// when nothing was learned before the run stopped.
    /// </summary>
    public static CurveSummary Of(IReadOnlyList<Evaluation> checkpoints, Func<Evaluation, double> measure, bool lowerIsBetter, long settledAfter = 0)
    {
        (long Samples, double Value)[] curve = [.. checkpoints.Where(c => c.Samples > 0).Select(c => (c.Samples, measure(c))).Where(p => double.IsFinite(p.Item2))];
        if (curve.Length == 0)
        {
            return new CurveSummary(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        // Worse-by amounts are computed on the score flipped so that higher is always better.
        double sign = lowerIsBetter ? -1 : 1;
        int best = 0;
        double setback = curve[^1].Samples >= settledAfter ? 0 : double.NaN;
        for (int i = 1; i < curve.Length; i++)
        {
            if (curve[i].Samples >= settledAfter)
            {
                setback = Math.Max(setback, sign * (curve[best].Value - curve[i].Value));
            }

            if (sign * curve[i].Value > sign * curve[best].Value)
            {
                best = i;
            }
        }

        double worstAfterBest = best == curve.Length - 1
            ? double.NaN
            : curve.Skip(best + 1).Select(p => p.Value).MinBy(v => sign * v);
        return new CurveSummary(curve[best].Value, curve[best].Samples, curve[^1].Value, worstAfterBest, setback);
    }
}
