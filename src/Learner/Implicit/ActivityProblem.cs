namespace EdgeIL.Learner.Implicit;

/// <summary>
/// The implicit step's problem over the layer activities (algorithms.md, "The implicit-SGD
/// reference"; paper Definition 4.1):
/// <c>F(v) = L(y, v_N) + sum_n ||e_{n+1}||^2 / (2 alpha s_n)</c> with <c>v_0 = x</c>,
/// <c>a_n = phi_n(v_n)</c>, <c>e_{n+1} = v_{n+1} - W_n a_n - b_n</c> (old weights) and
/// <c>s_n = ||a_n||^2 + 1</c>. The variables are <c>v_1..v_N</c> flattened layer after layer, so the
/// hidden units come first and the output logits last.
/// </summary>
/// <remarks>
/// Why this equals the weight problem: whatever weights produce the activities <c>v</c>, layer
/// <c>n</c>'s new parameters must solve the linear system <c>[W_n' b_n'] [a_n; 1] = v_{n+1}</c>, whose
/// solution closest to the old ones is the NLMS change <c>e_{n+1} [a_n; 1]^T / s_n</c>, of squared norm
/// <c>||e_{n+1}||^2 / s_n</c>; the loss depends on the weights only through <c>v_N</c>. Conversely the
/// NLMS weights reproduce <c>v</c> exactly, layer by layer from <c>v_0 = x</c>, so every <c>v</c> is
/// reachable at exactly that cost. Local minima correspond one to one as well.
/// <para>
/// <c>F</c> is smooth except where a hidden activity crosses 0. On each side of such a kink it is
/// the restriction of a smooth function, so the problem is handled piece by piece: the derivative
/// of a hidden activity splits into a part that is always present (<c>e/(alpha s)</c> of the layer
/// below) and a part that exists only while the unit is active (<c>dT_n/da_n</c> of the layer above).
/// </para>
/// </remarks>
internal sealed class ActivityProblem
{
    private readonly Float64Network _old;
    private readonly double[] _input;
    private readonly double[] _target;
    private readonly double _alpha;
    private readonly int[] _offsets;
    private readonly double[][] _presynaptic;
    private readonly double[][] _error;
    private readonly double[] _squaredNorm;
    private readonly double[] _lossGradient;

    public ActivityProblem(Float64Network old, double[] input, double[] target, double alpha)
    {
        _old = old;
        _input = input;
        _target = target;
        _alpha = alpha;
        int[] sizes = old.Sizes;
        int layers = old.LayerCount;
        _offsets = new int[layers + 2];
        for (int n = 1; n <= layers; n++)
        {
            _offsets[n + 1] = _offsets[n] + sizes[n];
        }

        _presynaptic = new double[layers][];
        _error = new double[layers + 1][];
        _squaredNorm = new double[layers];
        for (int n = 0; n < layers; n++)
        {
            _presynaptic[n] = new double[sizes[n]];
            _error[n + 1] = new double[sizes[n + 1]];
        }

        _lossGradient = new double[sizes[^1]];
        Dimension = _offsets[layers + 1];
        HiddenCount = _offsets[layers];
    }

    /// <summary>The number of activities <c>d_1 + ... + d_N</c>.</summary>
    public int Dimension { get; }

    /// <summary>Activities <c>[0, HiddenCount)</c> are hidden units (behind a ReLU); the rest are output logits.</summary>
    public int HiddenCount { get; }

    public double Alpha => _alpha;

    public Float64Network OldNetwork => _old;

    /// <summary>The index of the first activity of layer <paramref name="layer"/> (1..N).</summary>
    public int Offset(int layer) => _offsets[layer];

    /// <summary>The layer (1..N) and unit of a flat activity index.</summary>
    public (int Layer, int Unit) Locate(int index)
    {
        int layer = 1;
        while (index >= _offsets[layer + 1])
        {
            layer++;
        }

        return (layer, index - _offsets[layer]);
    }

    /// <summary>The activities of a network's feed-forward pass, flattened as the variables are.</summary>
    public double[] ActivitiesOf(Float64Network network)
    {
        double[][] layers = network.Forward(_input);
        double[] flat = new double[Dimension];
        for (int n = 1; n < layers.Length; n++)
        {
            layers[n].CopyTo(flat, _offsets[n]);
        }

        return flat;
    }

    /// <summary>Splits flat activities into <c>v_0 = x, v_1..v_N</c>.</summary>
    public double[][] Unflatten(ReadOnlySpan<double> activities)
    {
        double[][] layers = new double[_old.Sizes.Length][];
        layers[0] = (double[])_input.Clone();
        for (int n = 1; n < layers.Length; n++)
        {
            layers[n] = activities.Slice(_offsets[n], _old.Sizes[n]).ToArray();
        }

        return layers;
    }

    /// <summary>
    /// The cheapest weights that produce <paramref name="activities"/>: the NLMS change with
    /// <c>eps = 0</c>, <c>W_n' = W_n + e_{n+1} a_n^T / s_n</c>, <c>b_n' = b_n + e_{n+1} / s_n</c>.
    /// </summary>
    public Float64Network WeightsFor(ReadOnlySpan<double> activities)
    {
        Value(activities);
        Float64Network updated = _old.Clone();
        for (int n = 0; n < _old.LayerCount; n++)
        {
            double[] a = _presynaptic[n];
            double[] e = _error[n + 1];
            double s = _squaredNorm[n];
            double[] weights = updated.Weights[n];
            for (int i = 0; i < e.Length; i++)
            {
                double step = e[i] / s;
                for (int j = 0; j < a.Length; j++)
                {
                    weights[i * a.Length + j] += step * a[j];
                }

                updated.Biases[n][i] += step;
            }
        }

        return updated;
    }

    /// <summary><c>F(v)</c>.</summary>
    public double Value(ReadOnlySpan<double> activities)
    {
        double value = 0;
        for (int n = 0; n < _old.LayerCount; n++)
        {
            value += LayerTerm(activities, n);
        }

        return value + HeadLoss.Value(_old.Head, activities[_offsets[_old.LayerCount]..], _target);
    }

    /// <summary>
    /// <c>F(v)</c> and its two derivative parts: <paramref name="direct"/>, present for every
    /// activity (<c>e_n/(alpha s_{n-1})</c>, plus <c>dL/dv_N</c> on the output), and
    /// <paramref name="throughRelu"/>, <c>dT_n/da_n</c>, which counts only while the unit is
    /// active (0 on the output). At a hidden activity of exactly 0 the left derivative is
    /// <c>direct</c> and the right one <c>direct + throughRelu</c>.
    /// </summary>
    /// <param name="activities">The activities <c>v_1..v_N</c>, flattened.</param>
    /// <param name="direct">Receives the derivative part present on both sides of a kink.</param>
    /// <param name="throughRelu">Receives the part present only while the unit is active.</param>
    /// <param name="scale">The largest magnitude among the parts: the size rounding errors in the derivative are relative to.</param>
    public double Evaluate(ReadOnlySpan<double> activities, Span<double> direct, Span<double> throughRelu, out double scale)
    {
        int[] sizes = _old.Sizes;
        int layers = _old.LayerCount;
        double value = 0;
        scale = 0;
        throughRelu.Clear();
        for (int n = 0; n < layers; n++)
        {
            value += LayerTerm(activities, n);
            double[] a = _presynaptic[n];
            double[] e = _error[n + 1];
            double s = _squaredNorm[n];
            double alphaS = _alpha * s;
            Span<double> directLayer = direct.Slice(_offsets[n + 1], sizes[n + 1]);
            for (int i = 0; i < e.Length; i++)
            {
                directLayer[i] = e[i] / alphaS;
                scale = Math.Max(scale, Math.Abs(directLayer[i]));
            }

            if (n >= 1)
            {
                // dT_n/da = -W^T e / (alpha s) - ||e||^2 a / (alpha s^2)
                Span<double> upper = throughRelu.Slice(_offsets[n], sizes[n]);
                Float64Network.MultiplyTransposed(_old.Weights[n], e, upper);
                double q = SumOfSquares(e);
                for (int j = 0; j < upper.Length; j++)
                {
                    upper[j] = -upper[j] / alphaS - q * a[j] / (alphaS * s);
                    scale = Math.Max(scale, Math.Abs(upper[j]));
                }
            }
        }

        ReadOnlySpan<double> logits = activities[_offsets[layers]..];
        value += HeadLoss.Value(_old.Head, logits, _target);
        HeadLoss.Gradient(_old.Head, logits, _target, _lossGradient);
        Span<double> output = direct[_offsets[layers]..];
        for (int i = 0; i < output.Length; i++)
        {
            scale = Math.Max(scale, Math.Abs(_lossGradient[i]));
            output[i] += _lossGradient[i];
        }

        return value;
    }

    /// <summary>
    /// The Hessian of the smooth piece of <c>F</c> on which hidden unit <c>j</c> is active exactly
    /// when <paramref name="active"/>[j] (for <c>j &lt; HiddenCount</c>); the activities must lie on
    /// that piece's closure (an active unit at <c>v_j &gt;= 0</c>, an inactive one at <c>v_j &lt;= 0</c>).
    /// </summary>
    public double[,] Hessian(ReadOnlySpan<double> activities, ReadOnlySpan<bool> active)
    {
        int[] sizes = _old.Sizes;
        int layers = _old.LayerCount;
        double[,] hessian = new double[Dimension, Dimension];
        for (int n = 0; n < layers; n++)
        {
            LayerTerm(activities, n);
            double[] a = _presynaptic[n];
            double[] e = _error[n + 1];
            double s = _squaredNorm[n];
            double alphaS = _alpha * s;
            int upper = _offsets[n + 1];
            for (int i = 0; i < e.Length; i++)
            {
                hessian[upper + i, upper + i] += 1 / alphaS;
            }

            if (n == 0)
            {
                continue;
            }

            int lower = _offsets[n];
            int inputs = sizes[n];
            double[] weights = _old.Weights[n];
            double q = SumOfSquares(e);
            double[] weightsTransposedError = new double[inputs];
            Float64Network.MultiplyTransposed(weights, e, weightsTransposedError);
            for (int i = 0; i < e.Length; i++)
            {
                // d2T/(du_i da_j) = -W_ij/(alpha s) - 2 e_i a_j/(alpha s^2)
                for (int j = 0; j < inputs; j++)
                {
                    if (!active[lower + j])
                    {
                        continue;
                    }

                    double mixed = -weights[i * inputs + j] / alphaS - 2 * e[i] * a[j] / (alphaS * s);
                    hessian[upper + i, lower + j] += mixed;
                    hessian[lower + j, upper + i] += mixed;
                }
            }

            // d2T/da2 = W^T W/(alpha s) + 2 (W^T e a^T + a e^T W)/(alpha s^2) - q I/(alpha s^2) + 4 q a a^T/(alpha s^3)
            for (int j = 0; j < inputs; j++)
            {
                if (!active[lower + j])
                {
                    continue;
                }

                for (int k = 0; k < inputs; k++)
                {
                    if (!active[lower + k])
                    {
                        continue;
                    }

                    double gram = 0;
                    for (int i = 0; i < e.Length; i++)
                    {
                        gram += weights[i * inputs + j] * weights[i * inputs + k];
                    }

                    double entry = gram / alphaS
                        + 2 * (weightsTransposedError[j] * a[k] + a[j] * weightsTransposedError[k]) / (alphaS * s)
                        + 4 * q * a[j] * a[k] / (alphaS * s * s);
                    if (j == k)
                    {
                        entry -= q / (alphaS * s);
                    }

                    hessian[lower + j, lower + k] += entry;
                }
            }
        }

        int output = _offsets[layers];
        HeadLoss.AddHessian(_old.Head, activities[output..], _target, hessian, output);
        return hessian;
    }

    /// <summary>Computes <c>a_n</c>, <c>s_n</c> and <c>e_{n+1}</c> into the buffers and returns <c>||e_{n+1}||^2 / (2 alpha s_n)</c>.</summary>
    private double LayerTerm(ReadOnlySpan<double> activities, int n)
    {
        double[] a = _presynaptic[n];
        if (n == 0)
        {
            _input.CopyTo(a, 0);
        }
        else
        {
            ReadOnlySpan<double> v = activities.Slice(_offsets[n], a.Length);
            for (int j = 0; j < a.Length; j++)
            {
                a[j] = Math.Max(v[j], 0);
            }
        }

        double s = SumOfSquares(a) + 1;
        _squaredNorm[n] = s;
        double[] e = _error[n + 1];
        Float64Network.MultiplyAdd(_old.Weights[n], a, _old.Biases[n], e);
        ReadOnlySpan<double> target = activities.Slice(_offsets[n + 1], e.Length);
        for (int i = 0; i < e.Length; i++)
        {
            e[i] = target[i] - e[i];
        }

        return SumOfSquares(e) / (2 * _alpha * s);
    }

    private static double SumOfSquares(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double value in values)
        {
            sum += value * value;
        }

        return sum;
    }
}
