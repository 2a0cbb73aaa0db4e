using EdgeIL.Host.Reports;

namespace EdgeIL.Host.Experiments;

/// <summary>The mean held-out curve of each row of an experiment (accuracy, BCE per pixel or RMSE, by task), with ±std bars over seeds.</summary>
internal static class LearningCurveChart
{
    public static void Write(IReadOnlyList<ExperimentOutcome> outcomes, string path, string title)
    {
        Runs.LearningTask task = outcomes[0].Run.Options.Task;
        Charts.LearningCurves(path, title, Comparison.HeadlineName(task), Curves(outcomes, c => Comparison.Headline(task, c), fromSamples: 0));
    }

    /// <summary>
    /// The curves of <paramref name="measure"/> on a logarithmic sample axis, from the first
    /// evaluation after any learning (the untrained model at 0 samples has no place on a log axis).
    /// </summary>
    public static void WriteLogSamples(IReadOnlyList<ExperimentOutcome> outcomes, string path, string title, string yLabel, Func<Runs.Evaluation, double> measure, bool lowerIsBetter) =>
        Charts.LearningCurvesLogSamples(path, title, yLabel, Curves(outcomes, measure, fromSamples: 1), lowerIsBetter);

    private static List<Series> Curves(IReadOnlyList<ExperimentOutcome> outcomes, Func<Runs.Evaluation, double> measure, long fromSamples)
    {
        var series = new List<Series>();
        foreach (IGrouping<string, ExperimentOutcome> row in outcomes.GroupBy(o => o.Run.Row))
        {
            // Every seed of a row shares the schedule, but a stopped (partial) run may lack the later points: take the longest.
            long[] points = row.Select(o => o.Result.Checkpoints).MaxBy(c => c.Count)!.Select(c => c.Samples).Where(s => s >= fromSamples).ToArray();
            SeedStatistics[] curve = points
                .Select(p => SeedStatistics.Of(row.Select(o => o.Result.Checkpoints.Where(c => c.Samples == p).Select(measure).DefaultIfEmpty(double.NaN).First())))
                .ToArray();
            series.Add(new Series(row.Key, points.Select(p => (double)p).ToArray(), curve.Select(s => s.Mean).ToArray(), curve.Select(s => s.StandardDeviation).ToArray()));
        }

        return series;
    }
}
