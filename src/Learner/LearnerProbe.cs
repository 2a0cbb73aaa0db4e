namespace EdgeIL.Learner;

/// <summary>
/// Per-layer measurements of the learn steps since the last <see cref="Reset"/>: what a long run's
/// trace shows about how the rule behaves (docs/results/lifelong). Attach one with
/// <see cref="OnlineLearner.Probe"/>; it is filled after every applied batch-1 step without
/// allocating, and costs O(units) per step.
/// </summary>
public sealed class LearnerProbe
{
    private readonly int[] _sizes;
    private readonly double[] _squaredActivity;
    private readonly double[] _normaliser;
    private readonly double[] _weightChange;
    private readonly double[] _biasChange;
    private readonly double[] _residual;
    private readonly bool[][] _everActive;
    private double _targetDistance;

    /// <summary>A probe for networks of <paramref name="model"/>'s shape.</summary>
    public LearnerProbe(Mlp model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _sizes = model.LayerSizes.ToArray();
        int layers = model.LayerCount;
        _squaredActivity = new double[layers];
        _normaliser = new double[layers];
        _weightChange = new double[layers];
        _biasChange = new double[layers];
        _residual = new double[layers + 1];
        _everActive = new bool[layers + 1][];
        for (int n = 0; n <= layers; n++)
        {
            _everActive[n] = new bool[_sizes[n]];
        }
    }

    /// <summary>Applied steps measured since the last <see cref="Reset"/>.</summary>
    public long Steps { get; private set; }

    /// <summary>Mean <c>||a_n||^2</c> of layer <paramref name="n"/> (0: the input) after inference.</summary>
    public double SquaredActivityNorm(int n) => Mean(_squaredActivity[n]);

    /// <summary>Mean denominator of layer <paramref name="n"/>'s step under the normalised rules (<c>s_n</c>, with its damping); <c>s_n</c> under the others.</summary>
    public double Normaliser(int n) => Mean(_normaliser[n]);

    /// <summary>Mean Frobenius norm of the change of <c>W_n</c> per step (rules without Adam).</summary>
    public double WeightChange(int n) => Mean(_weightChange[n]);

    /// <summary>Mean norm of the change of <c>b_n</c> per step (rules without Adam).</summary>
    public double BiasChange(int n) => Mean(_biasChange[n]);

    /// <summary>
    /// Root mean square of <c>e_n</c> at the end of the step's inference: for hidden layers the
    /// residual <c>v_n - p_n</c> the weight step then removes, for <c>n = N</c> the output error <c>t - sigma</c>.
    /// </summary>
    public double Residual(int n) => Mean(_residual[n]);

    /// <summary>Root mean square distance of the output target <c>t</c> from the label <c>y</c>.</summary>
    public double TargetDistance => Mean(_targetDistance);

    /// <summary>
    /// The share of the units of hidden layer <paramref name="n"/> whose ReLU output was zero on
    /// every step since the last <see cref="Reset"/>: units that took no part in those steps.
    /// </summary>
    public double DeadShare(int n)
    {
        if (Steps == 0)
        {
            return double.NaN;
        }

        int dead = 0;
        foreach (bool active in _everActive[n])
        {
            dead += active ? 0 : 1;
        }

        return (double)dead / _everActive[n].Length;
    }

    /// <summary>Forgets everything measured so far.</summary>
    public void Reset()
    {
        Steps = 0;
        _targetDistance = 0;
        Array.Clear(_squaredActivity);
        Array.Clear(_normaliser);
        Array.Clear(_weightChange);
        Array.Clear(_biasChange);
        Array.Clear(_residual);
        foreach (bool[] flags in _everActive)
        {
            Array.Clear(flags);
        }
    }

    /// <summary>
    /// Takes in one applied batch-1 step; <paramref name="layerScale"/> is each layer's <c>c_n</c>
    /// (<c>1/normaliser</c> when <paramref name="normalized"/>), which says nothing of the change where Adam took the step.
    /// </summary>
    internal void Record(LearnerWorkspace workspace, ReadOnlySpan<float> layerScale, float epsilon, bool normalized, bool adam)
    {
        int layers = _squaredActivity.Length;
        for (int n = 0; n < layers; n++)
        {
            ReadOnlySpan<float> a = workspace.Presynaptic[n].AsSpan(0, _sizes[n]);
            ReadOnlySpan<float> e = workspace.Error[n + 1].AsSpan(0, _sizes[n + 1]);
            double squaredActivity = SumOfSquares(a);
            double errorNorm = Math.Sqrt(SumOfSquares(e));
            _squaredActivity[n] += squaredActivity;
            _normaliser[n] += normalized ? 1.0 / layerScale[n] : squaredActivity + 1.0 + epsilon;
            double scale = adam ? double.NaN : Math.Abs(layerScale[n]);
            _weightChange[n] += scale * errorNorm * Math.Sqrt(squaredActivity);
            _biasChange[n] += scale * errorNorm;
            _residual[n + 1] += errorNorm / Math.Sqrt(e.Length);
            if (n > 0)
            {
                bool[] active = _everActive[n];
                for (int i = 0; i < a.Length; i++)
                {
                    active[i] |= a[i] > 0f;
                }
            }
        }

        int outputs = _sizes[^1];
        double distance = 0;
        for (int i = 0; i < outputs; i++)
        {
            double d = workspace.Target[i] - workspace.Label[i];
            distance += d * d;
        }

        _targetDistance += Math.Sqrt(distance / outputs);
        Steps++;
    }

    private static double SumOfSquares(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float v in values)
        {
            sum += (double)v * v;
        }

        return sum;
    }

    private double Mean(double sum) => Steps == 0 ? double.NaN : sum / Steps;
}
