using EdgeIL.Learner.IO;
using ScottPlot;

namespace EdgeIL.Host.Reports;

/// <summary>A named series of (x, y) points for a chart.</summary>
/// <param name="Name">The legend text.</param>
/// <param name="X">The x values.</param>
/// <param name="Y">The y values (NaN points are left out).</param>
/// <param name="Error">Optional ± error per point (standard deviation over seeds).</param>
public sealed record Series(string Name, double[] X, double[] Y, double[]? Error = null);

/// <summary>The PNG charts the host writes: learning curves and learning-rate sweeps.</summary>
public static class Charts
{
    private const int Width = 1000;
    private const int Height = 600;

    /// <summary>Every series on one chart, y against samples seen.</summary>
    public static void LearningCurves(string path, string title, string yLabel, IReadOnlyList<Series> series) =>
        Save(path, Build(title, "samples seen", yLabel, series, logX: false, Alignment.LowerRight));

    /// <summary>
    /// Every series on one chart, y against samples seen on a logarithmic x axis (long streams, where
    /// the first thousand samples and the last million both matter); x values must be positive. With
    /// <paramref name="lowerIsBetter"/> (losses) the curves fall, so the legend goes top right.
    /// </summary>
    public static void LearningCurvesLogSamples(string path, string title, string yLabel, IReadOnlyList<Series> series, bool lowerIsBetter)
    {
        // A loss that diverged (1e30 where the others are near 1) would flatten every other curve
        // to a line at 0: such a series is named as off the chart and left out of the y range.
        double[] medians = [.. series.Select(s => Median(s.Y))];
        double reference = medians.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min();
        bool[] offChart = [.. medians.Select(m => lowerIsBetter && reference > 0 && m > 100 * reference)];
        Series[] named = [.. series.Select((s, i) => s with { Name = s.Name + (double.IsNaN(medians[i]) ? " (no finite value)" : offChart[i] ? " (diverged, off the chart)" : string.Empty) })];
        Plot plot = Build(title, "samples seen (log scale)", yLabel, named, logX: true, lowerIsBetter ? Alignment.UpperRight : Alignment.LowerRight);
        if (offChart.Any(o => o))
        {
            double top = series.Where((_, i) => !offChart[i]).SelectMany(s => s.Y.Where(double.IsFinite)).DefaultIfEmpty(reference).Max();
            plot.Axes.SetLimitsY(0, top * 1.1);
        }

        Save(path, plot);
    }

    /// <summary>Final score against the learning rate (or alpha), on a logarithmic x axis.</summary>
    public static void LearningRateSweep(string path, string title, string yLabel, IReadOnlyList<Series> series) =>
        Save(path, Build(title, "learning rate / alpha (log scale)", yLabel, series, logX: true, Alignment.LowerLeft));

    private static Plot Build(string title, string xLabel, string yLabel, IReadOnlyList<Series> series, bool logX, Alignment legend)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        foreach (Series line in series)
        {
            int[] kept = Enumerable.Range(0, line.Y.Length).Where(i => double.IsFinite(line.Y[i])).ToArray();
            double[] xs = kept.Select(i => logX ? Math.Log10(line.X[i]) : line.X[i]).ToArray();
            double[] ys = kept.Select(i => line.Y[i]).ToArray();
            var scatter = plot.Add.Scatter(xs, ys);
            scatter.LegendText = line.Name;
            scatter.LineWidth = 2;
            scatter.MarkerSize = kept.Length <= 30 ? 6 : 0;
            if (line.Error is { } error)
            {
                var bars = plot.Add.ErrorBar(xs, ys, kept.Select(i => error[i]).ToArray());
                bars.Color = scatter.Color;
            }
        }

        if (logX)
        {
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                // Sample counts read better as 1,000,000 than as 1E+06; rates keep G3 (0.01, 2.5).
                LabelFormatter = value => Math.Pow(10, value).ToString(value >= 3 ? "N0" : "G3", System.Globalization.CultureInfo.InvariantCulture),
                IntegerTicksOnly = true,
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            };
        }

        // Learning curves rise to the right; sweeps of a collapsing rule fall there: the caller keeps the legend off the lines.
        plot.ShowLegend(legend);
        return plot;
    }

    private static double Median(double[] values)
    {
        double[] finite = [.. values.Where(double.IsFinite).Order()];
        return finite.Length == 0 ? double.NaN : finite[finite.Length / 2];
    }

    private static void Save(string path, Plot plot)
    {
        byte[] png = plot.GetImageBytes(Width, Height, ImageFormat.Png);
        AtomicFile.Write(path, stream => stream.Write(png));
    }
}
