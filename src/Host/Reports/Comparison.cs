using System.Globalization;
using System.Text;
using EdgeIL.Host.Runs;
using EdgeIL.Learner;

namespace EdgeIL.Host.Reports;

/// <summary>Side-by-side results of several runs on one stream: a table and a chart of learning curves.</summary>
public static class Comparison
{
    /// <summary>A Markdown table: one row per run, test accuracy at each checkpoint, then prequential accuracy and timing.</summary>
    public static string Table(IReadOnlyList<RunResult> results)
    {
        var text = new StringBuilder();
        long[] samples = results[0].Checkpoints.Select(c => c.Samples).ToArray();
        LearningTask task = results[0].Options.Task;
        bool classify = task == LearningTask.Classify;
        text.Append("| algorithm |");
        foreach (long s in samples)
        {
            text.Append(CultureInfo.InvariantCulture, $" {s} |");
        }

        text.AppendLine(classify ? " prequential | learn µs | predict µs |" : " learn µs | predict µs |");
        text.Append("|---|");
        text.Append(string.Concat(Enumerable.Repeat("---:|", samples.Length + (classify ? 3 : 2))));
        text.AppendLine();
        foreach (RunResult result in results)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {result.Options.Algorithm.Name()}{(result.Partial ? " (partial)" : string.Empty)} |");
            foreach (long s in samples)
            {
                Evaluation? at = result.Checkpoints.Cast<Evaluation?>().FirstOrDefault(c => c!.Value.Samples == s);
                text.Append(at is { } e ? Cell(Headline(task, e), classify ? "F2" : "F4") : " – |");
            }

            if (classify)
            {
                text.Append(Cell(result.Final.PrequentialAccuracy * 100, "F2"));
            }

            text.Append(Cell(result.LearnMicrosecondsMedian, "F0"));
            text.Append(Cell(result.PredictMicrosecondsMedian, "F0"));
            text.AppendLine();
        }

        return text.ToString();

        static string Cell(double value, string format) =>
            double.IsFinite(value) ? " " + value.ToString(format, CultureInfo.InvariantCulture) + " |" : " – |";
    }

    /// <summary>Every run's held-out curve on one chart.</summary>
    public static void Chart(IReadOnlyList<RunResult> results, string path, string title)
    {
        LearningTask task = results[0].Options.Task;
        Series[] series = results
            .Select(r => new Series(
                r.Options.Algorithm.Name(),
                r.Checkpoints.Select(c => (double)c.Samples).ToArray(),
                r.Checkpoints.Select(c => Headline(task, c)).ToArray()))
            .ToArray();
        Charts.LearningCurves(path, title, HeadlineName(task), series);
    }

    /// <summary>The one number that says how a model of this task is doing: accuracy (%), BCE per pixel, or RMSE.</summary>
    public static double Headline(LearningTask task, Evaluation evaluation) => task switch
    {
        LearningTask.Classify => evaluation.TestAccuracy * 100,
        LearningTask.Autoencode => evaluation.TestBcePerPixel,
        _ => evaluation.TestRmse,
    };

    /// <summary>What <see cref="Headline"/> measures, for axis labels and captions.</summary>
    public static string HeadlineName(LearningTask task) => task switch
    {
        LearningTask.Classify => "test accuracy (%)",
        LearningTask.Autoencode => "test BCE per pixel",
        _ => "test RMSE",
    };
}
