using System.CommandLine;
using System.Globalization;
using EdgeIL.Host.Console;
using EdgeIL.Host.Data;
using EdgeIL.Host.Reports;
using EdgeIL.Host.Runs;
using EdgeIL.Learner;
using EdgeIL.Learner.Checkpoints;
using EdgeIL.Learner.Drift;

namespace EdgeIL.Host.Commands;

/// <summary><c>edgeil replay</c>: one online run of one learner over a dataset replayed as a stream.</summary>
public static class ReplayCommand
{
    private static readonly Option<string> s_out = new("--out")
    {
        Description = "Folder for model.edgeil (the checkpoint), report.json and curve.png. Required.",
        Required = true,
    };

    private static readonly Option<long?> s_samples = new("--samples")
    {
        Description = "Samples to learn from (the stream cycles, reshuffled, past one pass). Default: one pass over the training set",
    };

    private static readonly Option<int> s_seed = new("--seed")
    {
        Description = "Seed of the initial weights and the stream order.",
        DefaultValueFactory = _ => 1,
    };

    private static readonly Option<int> s_batch = new("--batch")
    {
        Description = "Samples per learn step.",
        DefaultValueFactory = _ => 1,
    };

    private static readonly Option<int> s_threads = new("--threads")
    {
        Description = "Threads each batch-1 learn step is split across (docs/algorithms.md, \"Several cores\"); the learned model is the same for any number.",
        DefaultValueFactory = _ => 1,
    };

    private static readonly Option<int> s_evalEvery = new("--eval-every")
    {
        Description = "Samples between held-out evaluations (and at the end).",
        DefaultValueFactory = _ => 1000,
    };

    private static readonly Option<int> s_window = new("--window")
    {
        Description = "Samples in the prequential (predict, then learn) sliding window.",
        DefaultValueFactory = _ => 1000,
    };

    private static readonly Option<float?> s_inputScale = new("--input-scale")
    {
        Description = "Fixed input scale, part of the model. Default: 1/255 for pixel data, 1 for CSV",
    };

    private static readonly Option<float> s_inputOffset = new("--input-offset")
    {
        Description = "Fixed input offset, subtracted before scaling.",
        DefaultValueFactory = _ => 0f,
    };

    private static readonly Option<bool> s_standardize = new("--standardize")
    {
        Description = "Standardise each input feature by its running (Welford) mean and deviation instead of a fixed scale. Default: off",
    };

    private static readonly Option<long?> s_freezeAfter = new("--freeze-input-after")
    {
        Description = "With --standardize: freeze the running mean and deviation after this many samples, so later data is scaled as the early data was. Default: never",
    };

    private static readonly Option<int?> s_traceEvery = new("--trace-every")
    {
        Description = "Write trace.csv to --out: the learner's per-layer measurements (||a_n||^2, s_n, weight and bias change, dead ReLU share, inference residual, output target distance) averaged over every this-many samples (docs/results/lifelong). Default: no trace",
    };

    private static readonly Option<string?> s_detectDrift = new("--detect-drift")
    {
        Description = "Run a drift detector on the prequential loss and print each change it finds, in stream order: adwin (no setting in the loss's units) or page-hinkley (rises only). Default: none",
    };

    private static readonly Option<double> s_driftConfidence = new("--drift-confidence")
    {
        Description = "ADWIN's confidence delta, range (0, 1): the false-alarm probability its test allows.",
        DefaultValueFactory = _ => 0.002,
    };

    private static readonly Option<double> s_driftTolerance = new("--drift-tolerance")
    {
        Description = "Page-Hinkley's tolerance delta: the rise of the mean loss ignored, in the loss's units (per sample; an autoencoder's loss is summed over its outputs).",
        DefaultValueFactory = _ => 0.005,
    };

    private static readonly Option<double> s_driftThreshold = new("--drift-threshold")
    {
        Description = "Page-Hinkley's threshold lambda, in the loss's units: larger means fewer false alarms and later detections.",
        DefaultValueFactory = _ => 50.0,
    };

    /// <summary>Creates the command.</summary>
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("replay", "Replay a dataset as a stream into one learner: prequential and held-out evaluation, then save the model, report.json and curve.png.");
        DataOptions.AddTo(command);
        LearnerOptions.AddTo(command);
        command.Add(s_samples);
        command.Add(s_seed);
        command.Add(s_batch);
        command.Add(s_threads);
        command.Add(s_evalEvery);
        command.Add(s_window);
        command.Add(s_inputScale);
        command.Add(s_inputOffset);
        command.Add(s_standardize);
        command.Add(s_freezeAfter);
        command.Add(s_traceEvery);
        command.Add(s_detectDrift);
        command.Add(s_driftConfidence);
        command.Add(s_driftTolerance);
        command.Add(s_driftThreshold);
        command.Add(s_out);
        command.SetAction(parse =>
        {
            string outFolder = CommandPaths.OutputFolder(parse.GetValue(s_out)!, "--out");
            LearningTask task = parse.GetValue(LearnerOptions.Task);
            TrainTestData data = DataOptions.Load(parse, task);
            LearningAlgorithm algorithm = LearnerOptions.ParseAlgorithm(parse);
            var options = new RunOptions
            {
                Algorithm = algorithm,
                Task = task,
                Layers = LearnerOptions.ParseLayers(parse.GetValue(LearnerOptions.Layers), data, task),
                Hyperparameters = LearnerOptions.Hyperparameters(parse, algorithm, data.Name, task),
                Samples = parse.GetValue(s_samples),
                Seed = parse.GetValue(s_seed),
                BatchSize = parse.GetValue(s_batch),
                LearnerThreads = parse.GetValue(s_threads),
                EvaluateEvery = parse.GetValue(s_evalEvery),
                PrequentialWindow = parse.GetValue(s_window),
                InputScaling = new InputScalingOptions(parse.GetValue(s_standardize), parse.GetValue(s_inputScale), parse.GetValue(s_inputOffset), parse.GetValue(s_freezeAfter)),
                TracePath = parse.GetValue(s_traceEvery) is null ? null : Path.Combine(parse.GetValue(s_out)!, "trace.csv"),
                TraceEvery = parse.GetValue(s_traceEvery) ?? 1000,
                Replay = LearnerOptions.Replay(parse),
                DetectDrift = parse.GetValue(s_detectDrift) is { } detector
                    ? new DriftDetectorSettings(DriftDetectorSettings.Parse(detector), parse.GetValue(s_driftConfidence), parse.GetValue(s_driftTolerance), parse.GetValue(s_driftThreshold))
                    : null,
            };
            return new ReplayRunner(output, error).Run(data, options, outFolder);
        });
        return command;
    }
}

/// <summary>Runs one replay and writes its files.</summary>
public sealed class ReplayRunner(TextWriter output, TextWriter error)
{
    /// <summary>Runs, writes <c>model.edgeil</c>, <c>report.json</c> and <c>curve.png</c>, and returns the exit code.</summary>
    public int Run(TrainTestData data, RunOptions options, string outFolder, bool liveProgress = true)
    {
        string name = options.Algorithm.Name();
        output.WriteLine($"Replaying {data.Name} ({data.Train.Count} training, {data.Test.Count} test samples) into {name} ({options.Task.ToString().ToLowerInvariant()}), layers {string.Join('-', options.Layers)}, batch {options.BatchSize}, seed {options.Seed}.");
        var board = new ProgressBoard(error, liveProgress && ProgressBoard.ConsoleIsLive, name);
        using var cancellation = new ConsoleCancellation();
        Directory.CreateDirectory(outFolder);
        RunResult result = OnlineRun.Execute(data, options, board.Observer(0), cancellation.Token);
        board.Finish();

        Directory.CreateDirectory(outFolder);
        CheckpointFile.Save(result.Learner, Path.Combine(outFolder, "model.edgeil"));
        RunReport.Write(result, Path.Combine(outFolder, "report.json"));
        Comparison.Chart([result], Path.Combine(outFolder, "curve.png"), $"{data.Name}: {name}, batch {options.BatchSize}, seed {options.Seed}");
        output.WriteLine($"{Comparison.HeadlineName(options.Task)} after each number of samples:");
        output.WriteLine(Comparison.Table([result]));
        if (options.DetectDrift is { } detector)
        {
            WriteDrifts(result.Drifts, detector.Kind);
        }

        if (result.RejectedSteps > 0)
        {
            output.WriteLine($"{result.RejectedSteps} steps were refused by the numerical guard (they would have made a weight non-finite): the learning rate is likely too high, or the inputs unscaled.");
        }

        output.WriteLine($"Wrote model.edgeil, report.json and curve.png to {outFolder}{(result.Partial ? " (partial: stopped early)" : string.Empty)}.");
        return result.Partial ? ExitCodes.Interrupted : ExitCodes.Success;
    }

    private void WriteDrifts(IReadOnlyList<DriftEvent> drifts, DriftDetectorKind detector)
    {
        string name = detector == DriftDetectorKind.Adwin ? "ADWIN" : "Page-Hinkley";
        if (drifts.Count == 0)
        {
            output.WriteLine($"{name} found no change in the prequential loss.");
            return;
        }

        output.WriteLine($"{name} found {drifts.Count} change{(drifts.Count == 1 ? string.Empty : "s")} in the prequential loss (mean loss before -> after the estimated start):");
        foreach (DriftEvent drift in drifts)
        {
            DriftDetection detection = drift.Detection;
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  sample {drift.Sample,10}: began about sample {drift.ChangeSample}, {detection.MeanBefore:G4} -> {detection.MeanAfter:G4} ({detection.Size:+0.####;-0.####})"));
        }

        if (drifts.Count == DriftLog.MaximumEvents)
        {
            output.WriteLine($"  (only the first {DriftLog.MaximumEvents} are listed)");
        }
    }
}
