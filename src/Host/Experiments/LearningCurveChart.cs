using EdgeIL.Host.Reports;

namespace EdgeIL.Host.Experiments;

/// <summary>The mean held-out accuracy curve of each row of an experiment, with ±std bars.</summary>
internal static class LearningCurveChart
{
    public static void Write(IReadOnlyList<ExperimentOutcome> outcomes, string path, string title)
    {
        var series = new List<Series>();
        foreach (IGrouping<string, ExperimentOutcome> row in outcomes.GroupBy(o => o.Run.Row))
        {
            long[] points = row.First().Result.Checkpoints.Select(c => c.Samples).ToArray();
            SeedStatistics[] curve = points
                .Select(p => SeedStatistics.Of(row.Select(o => o.Result.Checkpoints.Where(c => c.Samples == p).Select(c => c.TestAccuracy * 100).DefaultIfEmpty(double.NaN).First())))
                .ToArray();
            series.Add(new Series(row.Key, points.Select(p => (double)p).ToArray(), curve.Select(s => s.Mean).ToArray(), curve.Select(s => s.StandardDeviation).ToArray()));
        }

        Charts.LearningCurves(path, title, "test accuracy (%)", series);
    }
}
