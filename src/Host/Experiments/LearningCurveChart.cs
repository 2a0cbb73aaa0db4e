using EdgeIL.Host.Reports;

namespace EdgeIL.Host.Experiments;

/// <summary>The mean held-out curve of each row of an experiment (accuracy, BCE per pixel or RMSE, by task), with ±std bars over seeds.</summary>
internal static class LearningCurveChart
{
    public static void Write(IReadOnlyList<ExperimentOutcome> outcomes, string path, string title)
    {
        Runs.LearningTask task = outcomes[0].Run.Options.Task;
        var series = new List<Series>();
        foreach (IGrouping<string, ExperimentOutcome> row in outcomes.GroupBy(o => o.Run.Row))
        {
            long[] points = row.First().Result.Checkpoints.Select(c => c.Samples).ToArray();
            SeedStatistics[] curve = points
                .Select(p => SeedStatistics.Of(row.Select(o => o.Result.Checkpoints.Where(c => c.Samples == p).Select(c => Comparison.Headline(task, c)).DefaultIfEmpty(double.NaN).First())))
                .ToArray();
            series.Add(new Series(row.Key, points.Select(p => (double)p).ToArray(), curve.Select(s => s.Mean).ToArray(), curve.Select(s => s.StandardDeviation).ToArray()));
        }

        Charts.LearningCurves(path, title, Comparison.HeadlineName(task), series);
    }
}
