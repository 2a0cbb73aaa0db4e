using System.CommandLine;
using System.Globalization;
using EdgeIL.Host.Console;
using EdgeIL.Host.Data;
using EdgeIL.Host.Reports;
using EdgeIL.Host.Runs;
using EdgeIL.Learner;
using EdgeIL.Learner.IO;

namespace EdgeIL.Host.Commands;

/// <summary><c>edgeil demo</c>: IL-prox and BP-SGD side by side on the bundled MNIST sample.</summary>
public static class DemoCommand
{
    private static readonly Option<string> s_out = new("--out")
    {
        Description = "Folder for the chart, the report and each run's report.json.",
        DefaultValueFactory = _ => "out",
    };

    private static readonly Option<long?> s_samples = new("--samples")
    {
        Description = "Samples to stream to each learner. Default: one pass over the sample's 5,000 training images.",
    };

    private static readonly Option<int> s_seed = new("--seed")
    {
        Description = "Seed of the initial weights and the stream order.",
        DefaultValueFactory = _ => 1,
    };

    /// <summary>Creates the command.</summary>
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("demo", "Stream the bundled MNIST sample into IL-prox and BP-SGD side by side; print a summary and write a chart and a report to ./out.")
        {
            s_out,
            s_samples,
            s_seed,
        };
        command.SetAction(parse => new DemoRunner(output, error).Run(CommandPaths.OutputFolder(parse.GetValue(s_out)!, "--out"), parse.GetValue(s_samples), parse.GetValue(s_seed)));
        return command;
    }
}

/// <summary>Runs the demo, writing to the given writers.</summary>
public sealed class DemoRunner(TextWriter output, TextWriter error)
{
    private static readonly LearningAlgorithm[] s_algorithms = [LearningAlgorithm.ILProx, LearningAlgorithm.BPSgd];

    /// <summary>Runs both learners concurrently (one per core) and reports; returns the exit code.</summary>
    public int Run(string outFolder, long? samples, int seed, bool liveProgress = true)
    {
        TrainTestData data = DatasetCatalog.Load(DatasetCatalog.SampleName);
        output.WriteLine($"EdgeIL demo: {data.Train.Count} training and {data.Test.Count} test images of MNIST (bundled sample), network 784-256-256-10, batch 1, one sample at a time.");
        var board = new ProgressBoard(error, liveProgress && ProgressBoard.ConsoleIsLive, s_algorithms.Select(a => a.Name()).ToArray());
        using var cancellation = new ConsoleCancellation();
        Task<RunResult>[] runs = s_algorithms
            .Select((algorithm, index) => Task.Run(() => OnlineRun.Execute(
                data,
                new RunOptions
                {
                    Algorithm = algorithm,
                    Layers = [784, 256, 256, 10],
                    Hyperparameters = Hyperparameters.For(algorithm),
                    Samples = samples,
                    Seed = seed,
                    EvaluateEvery = 500,
                    PrequentialWindow = 500,
                },
                board.Observer(index),
                cancellation.Token)))
            .ToArray();
        RunResult[] results = Task.WhenAll(runs).GetAwaiter().GetResult();
        board.Finish();

        string table = Comparison.Table(results);
        output.WriteLine();
        output.WriteLine("Test accuracy (%) on the 1,000 held-out images after each number of samples:");
        output.WriteLine(table);
        Directory.CreateDirectory(outFolder);
        foreach (RunResult result in results)
        {
            RunReport.Write(result, Path.Combine(outFolder, result.Options.Algorithm.Name(), "report.json"));
        }

        string chart = Path.Combine(outFolder, "demo.png");
        Comparison.Chart(results, chart, "Online MNIST (bundled sample), batch 1: IL-prox vs BP-SGD");
        bool partial = results.Any(r => r.Partial);
        string report = Path.Combine(outFolder, "demo.md");
        AtomicFile.WriteAllText(report, string.Create(
            CultureInfo.InvariantCulture,
            $"""
            # EdgeIL demo{(partial ? " (partial: stopped early)" : string.Empty)}

            Online learning, batch 1, one pass over the bundled MNIST sample ({data.Train.Count} training images, {data.Test.Count}
            held out), network 784-256-256-10, seed {seed}, the defaults of algorithms.md.
            Cells: test accuracy (%) after that many samples; prequential: accuracy on the last 500
            samples, each scored before it was learned; timings: medians per sample on this machine.

            {table}
            ![learning curves](demo.png)
            """));
        output.WriteLine($"Wrote {chart}, {report} and a report.json per algorithm under {outFolder}.");
        return partial ? ExitCodes.Interrupted : ExitCodes.Success;
    }
}
