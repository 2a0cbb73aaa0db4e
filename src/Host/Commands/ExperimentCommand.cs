using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeIL.Host.Console;
using EdgeIL.Host.Data;
using EdgeIL.Host.Experiments;
using EdgeIL.Host.Reports;
using EdgeIL.Learner;
using EdgeIL.Learner.IO;

namespace EdgeIL.Host.Commands;

/// <summary><c>edgeil experiment NAME</c>: reruns one of the paper's experiments and writes results.md, results.json and charts.</summary>
public static class ExperimentCommand
{
    private static readonly Argument<string> s_name = new("name")
    {
        Description = $"The experiment: {string.Join(", ", Experiment.All.Select(e => e.Name))}.",
    };

    private static readonly Option<string?> s_data = new("--data")
    {
        Description = "The data (as for replay). Default: mnist for online, minibatch and data-constrained; fashion-mnist for stability and autoencoder; for lifelong, an image set that replaces MNIST and Fashion-MNIST in its image tasks (e.g. sample, for a quick check)",
    };

    private static readonly Option<string> s_out = new("--out")
    {
        Description = "Folder for results.md, results.json and the charts. Required.",
        Required = true,
    };

    private static readonly Option<int?> s_seeds = new("--seeds")
    {
        Description = "Seeds per configuration. Default: 3 (1 for lifelong, whose runs are a million samples long)",
    };

    private static readonly Option<long?> s_samples = new("--samples")
    {
        Description = "Samples per run. Default: the experiment's (one pass; 20,000 for stability; 1,000,000 for lifelong)",
    };

    private static readonly Option<string?> s_tasks = new("--tasks")
    {
        Description = $"lifelong: comma-separated tasks, from {string.Join(", ", LifelongExperiment.LifelongTaskNames)}; continual: streams, from {string.Join(", ", Experiments.Continual.ContinualExperiment.StreamNames)}. Default: all",
    };

    private static readonly Option<string?> s_taskColumn = new("--task-column")
    {
        Description = $"continual with a CSV log as --data: the column of integer task ids (the tasks come in file order; each is tested on its last fifth). Default: {Experiments.Continual.ContinualExperiment.DefaultTaskColumn}",
    };

    private static readonly Option<int?> s_replay = new("--replay")
    {
        Description = $"continual only: samples in the replay memory of the \"+ replay\" rows. Default: {Experiments.Continual.ContinualExperiment.DefaultReplay.Capacity}",
    };

    private static readonly Option<int?> s_replayPerStep = new("--replay-per-step")
    {
        Description = $"continual only: samples replayed after each step in the \"+ replay\" rows. Default: {Experiments.Continual.ContinualExperiment.DefaultReplay.ReplaysPerStep}",
    };

    private static readonly Option<string?> s_algorithms = new("--algorithms")
    {
        Description = "Comma-separated rules to compare. Default: the experiment's",
    };

    private static readonly Option<float?> s_alpha = new("--alpha")
    {
        Description = "Overrides alpha of the proximal rules (not in stability and implicit, which sweep it). Default: algorithms.md's for the dataset",
    };

    private static readonly Option<float?> s_lr = new("--lr")
    {
        Description = "Overrides the learning rate of the other rules (not in stability and implicit, which sweep it). Default: algorithms.md's for the rule and dataset",
    };

    private static readonly Option<float?> s_eps = new("--eps")
    {
        Description = "Overrides the damping eps of the normalised rules (s_n = ||a_n||^2 + 1 + eps). Default: 0.25",
    };

    /// <summary>Creates the command.</summary>
    public static Command Create(TextWriter output, TextWriter error)
    {
        s_name.AcceptOnlyFromAmong([.. Experiment.All.Select(e => e.Name)]);
        var command = new Command("experiment", "Rerun one of the paper's experiments; write results.md (tables as in the paper: mean and standard deviation over seeds), results.json and PNG charts.")
        {
            s_name,
            s_data,
            DataOptions.DataDirectory,
            s_out,
            s_seeds,
            s_samples,
            s_algorithms,
            s_tasks,
            s_replay,
            s_replayPerStep,
            s_taskColumn,
            s_alpha,
            s_lr,
            s_eps,
        };
        command.SetAction(parse =>
        {
            string outFolder = CommandPaths.OutputFolder(parse.GetValue(s_out)!, "--out");
            Experiment experiment = Experiment.All.Single(e => e.Name == parse.GetValue(s_name));
            int seeds = parse.GetValue(s_seeds) ?? experiment.DefaultSeeds;
            if (seeds < 1)
            {
                throw new ArgumentException("--seeds must be at least 1.");
            }

            IReadOnlyList<string>? tasks = parse.GetValue(s_tasks) is { } taskList
                ? taskList.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                : null;
            CheckTasks(experiment, tasks);
            ReplayMemorySettings? replay = null;
            if (parse.GetValue(s_replay) is not null || parse.GetValue(s_replayPerStep) is not null)
            {
                if (experiment is not Experiments.Continual.ContinualExperiment)
                {
                    throw new ArgumentException($"--replay and --replay-per-step apply to the continual experiment, not to {experiment.Name}.");
                }

                ReplayMemorySettings defaults = Experiments.Continual.ContinualExperiment.DefaultReplay;
                replay = new ReplayMemorySettings(parse.GetValue(s_replay) ?? defaults.Capacity, parse.GetValue(s_replayPerStep) ?? defaults.ReplaysPerStep);
            }

            IReadOnlyList<LearningAlgorithm>? algorithms = parse.GetValue(s_algorithms) is { } list
                ? list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(LearningAlgorithms.Parse).ToArray()
                : null;
            string? dataFolder = parse.GetValue(DataOptions.DataDirectory);
            var settings = new ExperimentSettings(seeds, parse.GetValue(s_samples), algorithms, parse.GetValue(s_alpha), parse.GetValue(s_lr), parse.GetValue(s_eps), tasks, dataFolder, replay, parse.GetValue(s_taskColumn));
            if (settings.TaskColumn is not null && experiment is not Experiments.Continual.ContinualExperiment)
            {
                throw new ArgumentException($"--task-column applies to the continual experiment, not to {experiment.Name}.");
            }

            TrainTestData data = experiment.Load(parse.GetValue(s_data), dataFolder);
            return new ExperimentRunnerCommand(output, error).Run(experiment, data, settings, outFolder);
        });
        return command;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> when --tasks does not apply or names an unknown task.</summary>
    private static void CheckTasks(Experiment experiment, IReadOnlyList<string>? tasks)
    {
        if (tasks is null)
        {
            return;
        }

        if (experiment.TaskNames is not { } known)
        {
            throw new ArgumentException($"--tasks applies to the lifelong and continual experiments, not to {experiment.Name}.");
        }

        if (tasks.Count == 0)
        {
            throw new ArgumentException($"--tasks is empty: name one or more of {string.Join(", ", known)}.");
        }

        foreach (string task in tasks)
        {
            if (!known.Contains(task))
            {
                throw new ArgumentException($"--tasks: unknown task '{task}'; use {string.Join(", ", known)}.");
            }
        }
    }
}

/// <summary>Runs an experiment and writes its files.</summary>
public sealed class ExperimentRunnerCommand(TextWriter output, TextWriter error)
{
    /// <summary>Schema of results.json.</summary>
    public const string Schema = "edgeil.results/1";

    /// <summary>
    /// Runs and writes; returns the exit code. <paramref name="stop"/> (like Ctrl-C) ends the runs early;
    /// what was measured is still written, marked partial.
    /// </summary>
    public int Run(Experiment experiment, TrainTestData data, ExperimentSettings settings, string outFolder, bool liveProgress = true, CancellationToken stop = default)
    {
        string dataName = experiment.DataName(data, settings);
        output.WriteLine($"Experiment {experiment.Name} on {dataName}, {settings.Seeds} seed{(settings.Seeds == 1 ? string.Empty : "s")}, {Environment.ProcessorCount} run{(Environment.ProcessorCount == 1 ? string.Empty : "s")} at a time.");
        using var cancellation = new ConsoleCancellation();
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellation.Token, stop);
        var started = System.Diagnostics.Stopwatch.StartNew();
        ExperimentReport report = experiment.Run(data, settings, outFolder, error, liveProgress && ProgressBoard.ConsoleIsLive, either.Token);
        (ExperimentSummary summary, IReadOnlyList<ExperimentOutcome> outcomes, bool partial) = report;

        var markdown = new StringBuilder();
        markdown.AppendLine(CultureInfo.InvariantCulture, $"# Experiment: {experiment.Name} on {dataName}{(partial ? " (partial: stopped early)" : string.Empty)}").AppendLine();
        markdown.AppendLine(summary.Notes).AppendLine();
        foreach (ResultTable table in summary.Tables)
        {
            markdown.AppendLine(table.ToMarkdown());
        }

        foreach (string chart in summary.Charts)
        {
            markdown.AppendLine(CultureInfo.InvariantCulture, $"![{chart}]({chart})").AppendLine();
        }

        markdown.AppendLine(CultureInfo.InvariantCulture, $"Measured by `edgeil experiment {experiment.Name}{(experiment.DataArgument(data) is { } dataArgument ? $" --data {dataArgument}" : string.Empty)} --seeds {settings.Seeds}{(settings.Samples is { } n ? $" --samples {n}" : string.Empty)}{(settings.Algorithms is { } list ? $" --algorithms {string.Join(',', list.Select(a => a.Name()))}" : string.Empty)}{(settings.Tasks is { } taskList ? $" --tasks {string.Join(',', taskList)}" : string.Empty)}{(settings.TaskColumn is { } taskColumn ? $" --task-column {taskColumn}" : string.Empty)}{(settings.Alpha is { } alpha ? FormattableString.Invariant($" --alpha {alpha}") : string.Empty)}{(settings.LearningRate is { } lr ? FormattableString.Invariant($" --lr {lr}") : string.Empty)}{(settings.Epsilon is { } eps ? FormattableString.Invariant($" --eps {eps}") : string.Empty)}` in {started.Elapsed.TotalMinutes:F1} minutes on {Environment.ProcessorCount} cores ({System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}).");
        AtomicFile.WriteAllText(Path.Combine(outFolder, "results.md"), markdown.ToString());
        AtomicFile.Write(Path.Combine(outFolder, "results.json"), stream => WriteJson(stream, experiment, dataName, settings, summary, outcomes, partial));
        output.WriteLine();
        foreach (ResultTable table in summary.Tables)
        {
            output.WriteLine(table.ToMarkdown());
        }

        output.WriteLine($"Wrote results.md, results.json and {string.Join(", ", summary.Charts)} to {outFolder}{(partial ? " (partial)" : string.Empty)}.");
        return partial ? ExitCodes.Interrupted : ExitCodes.Success;
    }

    private static void WriteJson(Stream stream, Experiment experiment, string dataName, ExperimentSettings settings, ExperimentSummary summary, IReadOnlyList<ExperimentOutcome> outcomes, bool partial)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("schema", Schema);
        json.WriteString("experiment", experiment.Name);
        json.WriteString("dataset", dataName);
        json.WriteNumber("seeds", settings.Seeds);
        json.WriteBoolean("partial", partial);
        json.WriteStartArray("tables");
        foreach (ResultTable table in summary.Tables)
        {
            table.WriteJson(json);
        }

        json.WriteEndArray();
        json.WriteStartArray("runs");
        foreach (ExperimentOutcome outcome in outcomes)
        {
            json.WriteStartObject();
            json.WriteString("row", outcome.Run.Row);
            json.WriteString("column", outcome.Run.Column);
            json.WritePropertyName("report");
            RunReport.WriteObject(outcome.Result, json);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
