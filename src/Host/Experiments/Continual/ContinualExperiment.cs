using System.Text.Json;
using EdgeIL.Host.Data;
using EdgeIL.Host.Reports;
using EdgeIL.Learner;
using EdgeIL.Learner.IO;

namespace EdgeIL.Host.Experiments.Continual;

/// <summary>
/// Online continual learning on the standard streams (permuted, split and rotated MNIST, split
/// Fashion-MNIST): one pass, batch 1, each rule with and without a replay memory, measured as the
/// literature measures it (the accuracy matrix, average accuracy, forgetting, backward transfer) and
/// by how many samples the prequential accuracy needs to come back after each shift.
/// </summary>
public sealed class ContinualExperiment : Experiment
{
    /// <summary>Training samples per task unless <c>--samples</c> says otherwise.</summary>
    public const int DefaultSamplesPerTask = 10_000;

    /// <summary>Tasks of the permuted and rotated streams.</summary>
    public const int Tasks = 5;

    /// <summary>Test samples per task of the permuted and rotated streams (the split streams test on every test sample of their classes).</summary>
    public const int TestPerTask = 2_000;

    /// <summary>The replay memory of the "+ replay" rows unless <c>--replay</c> says otherwise.</summary>
    public static ReplayMemorySettings DefaultReplay { get; } = new(1_000, 1);

    /// <summary>The task column of a CSV log unless <c>--task-column</c> says otherwise.</summary>
    public const string DefaultTaskColumn = "task";

    /// <summary>The stream names <c>--tasks</c> takes.</summary>
    public static IReadOnlyList<string> StreamNames { get; } = ["permuted-mnist", "split-mnist", "split-fashion-mnist", "rotated-mnist"];

    /// <inheritdoc/>
    public override string Name => "continual";

    /// <inheritdoc/>
    public override string DefaultData => "mnist";

    /// <inheritdoc/>
    public override IReadOnlyList<string>? TaskNames => StreamNames;

    /// <inheritdoc/>
    public override string DataName(TrainTestData data, ExperimentSettings settings) =>
        data.CsvPath is null && data.Name == "mnist" && Selected(settings).Contains("split-fashion-mnist") ? "mnist, fashion-mnist" : data.Name;

    /// <inheritdoc/>
    public override string? DataArgument(TrainTestData data) => data.CsvPath ?? (data.Name == "mnist" ? null : data.Name);

    /// <inheritdoc/>
    public override ExperimentReport Run(TrainTestData data, ExperimentSettings settings, string outFolder, TextWriter progress, bool live, CancellationToken cancellation)
    {
        int perTask = checked((int)(settings.Samples ?? DefaultSamplesPerTask));
        if (perTask < 1)
        {
            throw new ArgumentException($"--samples {perTask}: samples per task must be at least 1.");
        }

        // Each stream with the dataset whose defaults its rules take; one per seed (orders and
        // permutations follow the seed; a log's tasks are the log's, whatever the seed).
        var streams = new List<(ContinualStream Stream, string Dataset, int Seed)>();
        if (data.CsvPath is { } csv)
        {
            if (settings.Tasks is not null)
            {
                throw new ArgumentException("--tasks chooses among the built-in streams; a CSV log brings its own tasks (--task-column).");
            }

            CsvTaskStream log = CsvTaskStream.Read(csv, settings.LabelColumn ?? "label", settings.TaskColumn ?? DefaultTaskColumn);
            streams.AddRange(Enumerable.Range(1, settings.Seeds).Select(seed => ((ContinualStream)log, data.Name, seed)));
        }
        else
        {
            if (data.Kind != DataKind.Pixels || data.ClassCount != 10 || data.TargetCount > 0)
            {
                throw new ArgumentException($"experiment continual --data {data.Name}: give a 10-class image set (mnist, fashion-mnist, sample or a folder of MNIST-format files), or a CSV log with a task column.");
            }

            foreach (string name in Selected(settings))
            {
                foreach (int seed in Enumerable.Range(1, settings.Seeds))
                {
                    string dataset = name == "split-fashion-mnist" && data.Name == "mnist" ? "fashion-mnist" : data.Name;
                    streams.Add((Stream(name, data, perTask, seed, settings.DataFolder), dataset, seed));
                }
            }
        }

        ReplayMemorySettings replay = settings.Replay ?? DefaultReplay;
        ContinualStream first = streams[0].Stream;
        if (replay.Problem(first.FeatureCount, first.ClassCount) is { } problem)
        {
            throw new ArgumentException($"--replay {replay.Capacity} --replay-per-step {replay.ReplaysPerStep}: {problem}.");
        }

        IReadOnlyList<LearningAlgorithm> algorithms = settings.Algorithms ?? [LearningAlgorithm.ILProx, LearningAlgorithm.BPSgd, LearningAlgorithm.BPAdam];
        var plan = new List<ContinualConfiguration>();
        foreach ((ContinualStream stream, string dataset, int seed) in streams)
        {
            foreach (LearningAlgorithm algorithm in algorithms)
            {
                Hyperparameters h = settings.For(algorithm, dataset);
                plan.Add(new ContinualConfiguration(algorithm.Name(), stream, algorithm, h, null, seed));
                plan.Add(new ContinualConfiguration(algorithm.Name() + " + replay", stream, algorithm, h, replay, seed));
            }
        }

        long total = plan.Sum(c => Enumerable.Range(0, c.Stream.TaskCount).Sum(t => (long)c.Stream.SamplesIn(t)));
        var shared = new SharedProgress(new Console.ProgressBoard(progress, live, $"{plan.Count} runs").Observer(0), total, plan.Count);
        var results = new ContinualResult[plan.Count];
        Parallel.For(
            0,
            plan.Count,
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            i => results[i] = ContinualRun.Execute(plan[i], shared.For(i), cancellation));
        shared.Complete();

        Directory.CreateDirectory(outFolder);
        ExperimentSummary summary = Summarise(results, settings, replay, outFolder);
        AtomicFile.Write(Path.Combine(outFolder, "runs.json"), stream => WriteRuns(stream, results));
        return new ExperimentReport(summary, [], results.Any(r => r.Partial));
    }

    private static ExperimentSummary Summarise(IReadOnlyList<ContinualResult> results, ExperimentSettings settings, ReplayMemorySettings replay, string outFolder)
    {
        var tables = new List<ResultTable>();
        var charts = new List<string>();
        string[] rows = [.. results.Select(r => r.Configuration.Row).Distinct()];
        foreach (IGrouping<string, ContinualResult> group in results.GroupBy(r => r.Configuration.Stream.Name))
        {
            ContinualStream stream = group.First().Configuration.Stream;
            string caption = Enumerable.Range(0, stream.TaskCount).Select(stream.SamplesIn).Distinct().Count() == 1
                ? $"{stream.Description}, {stream.TaskCount} tasks x {stream.SamplesPerTask:N0} samples"
                : $"{stream.Description}, {stream.TaskCount} tasks of {string.Join(", ", Enumerable.Range(0, stream.TaskCount).Select(t => stream.SamplesIn(t).ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))} samples";
            var summary = new ResultTable($"{caption}: average accuracy (%), average forgetting and backward transfer (points), mean (±std) over seeds", "rule", ["average accuracy", "average forgetting", "backward transfer"], "F2");
            var recovery = new ResultTable($"{caption}: samples until the prequential accuracy is back to 90 % of its level before each shift (mean over shifts; shifts never recovered within the task are left out and counted), and the median learn step", "rule", ["samples to recover", "shifts not recovered", "learn step (µs)"], "N0");
            string[] taskColumns = [.. Enumerable.Range(1, stream.TaskCount).Select(t => $"task {t}")];
            var final = new ResultTable($"{caption}: accuracy (%) on each task at the end, R[T][j]", "rule", taskColumns, "F1");
            var justLearned = new ResultTable($"{caption}: accuracy (%) on each task right after learning it, R[j][j]", "rule", taskColumns, "F1");
            var series = new List<Series>();
            foreach (string row in rows)
            {
                ContinualResult[] runs = [.. group.Where(r => r.Configuration.Row == row)];
                if (runs.Length == 0)
                {
                    continue;
                }

                summary.Add(row, [
                    [.. runs.Select(r => 100 * ContinualMetrics.AverageAccuracy(r.Accuracy))],
                    [.. runs.Select(r => 100 * ContinualMetrics.AverageForgetting(r.Accuracy))],
                    [.. runs.Select(r => 100 * ContinualMetrics.BackwardTransfer(r.Accuracy))],
                ]);
                recovery.Add(row, [
                    [.. runs.Select(r => r.Recovery.Where(n => n > 0).Select(n => (double)n).DefaultIfEmpty(double.NaN).Average())],
                    [.. runs.Select(r => (double)r.Recovery.Count(n => n < 0))],
                    [.. runs.Select(r => r.LearnMicrosecondsMedian)],
                ]);
                int last = stream.TaskCount - 1;
                final.Add(row, [.. Enumerable.Range(0, stream.TaskCount).Select(j => (IReadOnlyList<double>)[.. runs.Select(r => 100 * r.Accuracy[last, j])])]);
                justLearned.Add(row, [.. Enumerable.Range(0, stream.TaskCount).Select(j => (IReadOnlyList<double>)[.. runs.Select(r => 100 * r.Accuracy[j, j])])]);
                double[] x = [.. Enumerable.Range(1, stream.TaskCount).Select(t => (double)Enumerable.Range(0, t).Sum(stream.SamplesIn))];
                double[] y = [.. Enumerable.Range(0, stream.TaskCount).Select(i => runs.Select(r => 100 * Enumerable.Range(0, i + 1).Average(j => r.Accuracy[i, j])).Average())];
                series.Add(new Series(row, x, y));
            }

            tables.AddRange([summary, recovery, final, justLearned]);
            string chart = $"continual-{stream.Name}.png";
            Charts.LearningCurves(Path.Combine(outFolder, chart), $"Continual: {caption}", "average accuracy on the tasks so far (%)", series);
            charts.Add(chart);
        }

        string scenarios = string.Join("; ", results.Select(r => r.Configuration.Stream).DistinctBy(s => s.Name).Select(s => $"{s.Name}: {s.Scenario}"));
        string text = string.Join(
            " ",
            FormattableString.Invariant($"One pass, batch 1, {results[0].Configuration.Stream.SamplesPerTask:N0} training samples per task (a log's tasks: their own rows, each tested on its last fifth), {settings.Seeds} seed{(settings.Seeds == 1 ? string.Empty : "s")} (the stream's order, permutations and the initial weights change with the seed); network {string.Join('-', ContinualRun.Layers(results[0].Configuration.Stream))}, each rule with algorithms.md's settings for the dataset ({string.Join("; ", results.DistinctBy(r => r.Configuration.Row).Select(r => $"{r.Configuration.Row}: {Setting(r.Configuration)}"))})."),
            FormattableString.Invariant($"\"+ replay\" adds a replay memory of {replay.Capacity:N0} samples (a reservoir sample of the stream so far) and {replay.ReplaysPerStep} replayed step{(replay.ReplaysPerStep == 1 ? string.Empty : "s")} after every step (docs/algorithms.md, \"Replay memory\")."),
            $"Streams: {scenarios}. Permuted and rotated streams test each task on the first {TestPerTask:N0} test images (rotated: at the angle of the segment's middle); split streams on every test image of the task's two classes.",
            "R[i][j] is the test accuracy on task j after training through task i. Average accuracy is the mean of the last row; average forgetting (Chaudhry et al., 2018) the mean over all tasks but the last of the best accuracy a task had before the end minus its accuracy at the end; backward transfer (Lopez-Paz and Ranzato, 2017) the mean of R[T][j] - R[j][j], negative when learning later tasks cost earlier ones.",
            FormattableString.Invariant($"Recovery: each sample is scored before it is learned; after a task boundary, the samples until the accuracy over the last {ContinualRun.RecoveryWindow} is at least {ContinualRun.RecoveredShare:P0} of the accuracy over the last {ContinualRun.LevelWindow} before the boundary."),
            "Every run's matrix and recovery counts are in runs.json.");
        return new ExperimentSummary(tables, charts, text);
    }

    private static string Setting(ContinualConfiguration configuration)
    {
        Hyperparameters h = configuration.Hyperparameters;
        return configuration.Algorithm.UsesProximalTarget()
            ? FormattableString.Invariant($"alpha {h.Alpha}")
            : FormattableString.Invariant($"lr {h.LearningRate}");
    }

    private static ContinualStream Stream(string name, TrainTestData data, int perTask, int seed, string? dataFolder) => name switch
    {
        "permuted-mnist" => new PermutedStream(data.Name, data.Train, data.Test, Tasks, perTask, TestPerTask, seed),
        "split-mnist" => new SplitStream(name, data.Name, data.Train, data.Test, perTask, seed),
        "split-fashion-mnist" when data.Name == "mnist" => FashionSplit(perTask, seed, dataFolder),
        "split-fashion-mnist" => new SplitStream(name, data.Name, data.Train, data.Test, perTask, seed),
        "rotated-mnist" => new RotatedStream(data.Name, data.Train, data.Test, Tasks, perTask, TestPerTask, seed),
        _ => throw new ArgumentException($"--tasks: unknown stream '{name}'; use {string.Join(", ", StreamNames)}."),
    };

    private static SplitStream FashionSplit(int perTask, int seed, string? dataFolder)
    {
        TrainTestData fashion = DatasetCatalog.Load("fashion-mnist", dataFolder: dataFolder);
        return new SplitStream("split-fashion-mnist", fashion.Name, fashion.Train, fashion.Test, perTask, seed);
    }

    private static IEnumerable<string> Selected(ExperimentSettings settings) => settings.Tasks ?? StreamNames;

    private static void WriteRuns(Stream destination, IReadOnlyList<ContinualResult> results)
    {
        using var json = new Utf8JsonWriter(destination, new JsonWriterOptions { Indented = true });
        json.WriteStartArray();
        foreach (ContinualResult result in results)
        {
            ContinualConfiguration configuration = result.Configuration;
            json.WriteStartObject();
            json.WriteString("stream", configuration.Stream.Name);
            json.WriteString("rule", configuration.Row);
            json.WriteNumber("seed", configuration.Seed);
            json.WriteBoolean("partial", result.Partial);
            json.WriteNumber("rejected_steps", result.RejectedSteps);
            json.WriteNumber("learn_microseconds_median", result.LearnMicrosecondsMedian);
            json.WriteStartArray("accuracy");
            int tasks = result.Accuracy.GetLength(0);
            for (int i = 0; i < tasks; i++)
            {
                json.WriteStartArray();
                for (int j = 0; j < tasks; j++)
                {
                    if (double.IsFinite(result.Accuracy[i, j]))
                    {
                        json.WriteNumberValue(Math.Round(result.Accuracy[i, j], 4));
                    }
                    else
                    {
                        json.WriteNullValue();
                    }
                }

                json.WriteEndArray();
            }

            json.WriteEndArray();
            json.WriteStartArray("recovery_samples");
            foreach (int samples in result.Recovery)
            {
                if (samples > 0)
                {
                    json.WriteNumberValue(samples);
                }
                else
                {
                    json.WriteNullValue();
                }
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
