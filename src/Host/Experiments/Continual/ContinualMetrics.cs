namespace EdgeIL.Host.Experiments.Continual;

/// <summary>
/// The continual-learning measures of an accuracy matrix <c>R[i][j]</c>, the test accuracy on task
/// <c>j</c> after training through task <c>i</c> (rows that were not reached are NaN).
/// </summary>
public static class ContinualMetrics
{
    /// <summary>The tasks trained through: the rows with a value.</summary>
    public static int Completed(double[,] accuracy)
    {
        int rows = 0;
        while (rows < accuracy.GetLength(0) && double.IsFinite(accuracy[rows, 0]))
        {
            rows++;
        }

        return rows;
    }

    /// <summary>Average accuracy: the mean of the last completed row over the tasks trained so far, <c>(1/T) sum_j R[T-1][j]</c>.</summary>
    public static double AverageAccuracy(double[,] accuracy)
    {
        int t = Completed(accuracy);
        return t == 0 ? double.NaN : Enumerable.Range(0, t).Average(j => accuracy[t - 1, j]);
    }

    /// <summary>
    /// Average forgetting (Chaudhry et al., "Riemannian Walk for Incremental Learning", ECCV 2018): for
    /// each task but the last, the best accuracy it ever had before the end minus its accuracy at the
    /// end, averaged; NaN with fewer than two tasks.
    /// </summary>
    public static double AverageForgetting(double[,] accuracy)
    {
        int t = Completed(accuracy);
        if (t < 2)
        {
            return double.NaN;
        }

        return Enumerable.Range(0, t - 1).Average(j => Enumerable.Range(j, t - 1 - j).Max(l => accuracy[l, j]) - accuracy[t - 1, j]);
    }

    /// <summary>
    /// Backward transfer (Lopez-Paz and Ranzato, "Gradient Episodic Memory for Continual Learning",
    /// NeurIPS 2017): <c>(1/(T-1)) sum_{j &lt; T-1} (R[T-1][j] - R[j][j])</c>; negative is forgetting.
    /// </summary>
    public static double BackwardTransfer(double[,] accuracy)
    {
        int t = Completed(accuracy);
        return t < 2 ? double.NaN : Enumerable.Range(0, t - 1).Average(j => accuracy[t - 1, j] - accuracy[j, j]);
    }
}
