using System.Globalization;
using EdgeIL.Learner;

namespace EdgeIL.Host.Runs;

/// <summary>
/// Writes a <see cref="LearnerProbe"/>'s per-layer measurements to a CSV file every so many
/// samples: the data behind docs/results/lifelong's account of why a rule degrades on a long stream.
/// </summary>
public sealed class RunTrace : IDisposable
{
    private readonly LearnerProbe _probe;
    private readonly Mlp _model;
    private readonly StreamWriter _writer;

    /// <summary>Attaches a probe to <paramref name="learner"/> and starts <paramref name="path"/> with its header.</summary>
    public RunTrace(OnlineLearner learner, string path)
    {
        _model = learner.Model;
        _probe = new LearnerProbe(_model);
        learner.Probe = _probe;
        _writer = new StreamWriter(path);
        var columns = new List<string> { "samples", "prequential_loss", "target_distance", "output_bias_mean" };
        for (int n = 0; n < _model.LayerCount; n++)
        {
            columns.AddRange([$"a2_{n}", $"s_{n}", $"dW_{n}", $"db_{n}", $"weight_rms_{n}", $"bias_mean_{n}", $"residual_{n + 1}"]);
            if (n > 0)
            {
                columns.Add($"dead_{n}");
            }
        }

        _writer.WriteLine(string.Join(',', columns));
    }

    /// <summary>Writes one row of means over the steps since the last row, then starts a new interval.</summary>
    public void Write(long samples, double prequentialLoss)
    {
        var values = new List<double> { samples, prequentialLoss, _probe.TargetDistance, Mean(_model.GetBiases(_model.LayerCount - 1)) };
        for (int n = 0; n < _model.LayerCount; n++)
        {
            values.AddRange([
                _probe.SquaredActivityNorm(n), _probe.Normaliser(n), _probe.WeightChange(n), _probe.BiasChange(n),
                RootMeanSquare(_model.GetWeights(n)), Mean(_model.GetBiases(n)), _probe.Residual(n + 1)]);
            if (n > 0)
            {
                values.Add(_probe.DeadShare(n));
            }
        }

        _writer.WriteLine(string.Join(',', values.Select(v => v.ToString("G6", CultureInfo.InvariantCulture))));
        _writer.Flush();
        _probe.Reset();
    }

    /// <inheritdoc/>
    public void Dispose() => _writer.Dispose();

    private static double Mean(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float v in values)
        {
            sum += v;
        }

        return values.IsEmpty ? 0 : sum / values.Length;
    }

    private static double RootMeanSquare(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float v in values)
        {
            sum += (double)v * v;
        }

        return values.IsEmpty ? 0 : Math.Sqrt(sum / values.Length);
    }
}
