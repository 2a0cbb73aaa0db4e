using EdgeIL.Learner.Implicit;

namespace EdgeIL.Learner.Tests.Implicit;

/// <summary>
/// The weight problem <c>L(theta) + ||theta - theta_old||^2 / (2 alpha)</c> written out directly over a
/// flat parameter vector, independently of the solver's code, with a dense BFGS to minimise it by
/// brute force. Hidden ReLU slopes at exactly 0 are 0.
/// </summary>
internal sealed class ProximalOracle
{
    private readonly int[] _sizes;
    private readonly OutputHead _head;
    private readonly double[] _old;
    private readonly double[] _input;
    private readonly double[] _target;
    private readonly double _alpha;

    public ProximalOracle(Mlp model, float[] input, float[] target, double alpha)
    {
        _sizes = model.LayerSizes.ToArray();
        _head = model.Head;
        _old = ParameterChange.Flatten(model);
        _input = [.. input.Select(v => (double)v)];
        _target = [.. target.Select(v => (double)v)];
        _alpha = alpha;
    }

    public double[] OldParameters => (double[])_old.Clone();

    public double Loss(double[] theta) => Evaluate(theta, null);

    public double Objective(double[] theta)
    {
        double proximal = 0;
        for (int i = 0; i < theta.Length; i++)
        {
            double d = theta[i] - _old[i];
            proximal += d * d;
        }

        return Loss(theta) + proximal / (2 * _alpha);
    }

    /// <summary>The loss gradient by backprop.</summary>
    public double[] LossGradient(double[] theta)
    {
        double[] gradient = new double[theta.Length];
        Evaluate(theta, gradient);
        return gradient;
    }

    public double[] ObjectiveGradient(double[] theta)
    {
        double[] gradient = LossGradient(theta);
        for (int i = 0; i < theta.Length; i++)
        {
            gradient[i] += (theta[i] - _old[i]) / _alpha;
        }

        return gradient;
    }

    /// <summary>
    /// Dense BFGS with a backtracking line search. Returns the best point found and whether the
    /// gradient fell below <paramref name="gradientTolerance"/> relative to the starting gradient.
    /// </summary>
    public (double[] Theta, double Objective, bool Converged) MinimizeByBfgs(double[] start, int maxIterations, double gradientTolerance)
    {
        int d = start.Length;
        double[] theta = (double[])start.Clone();
        double f = Objective(theta);
        double[] g = ObjectiveGradient(theta);
        double initialGradient = Norm(g);
        double[,] inverse = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            inverse[i, i] = _alpha;
        }

        for (int iteration = 0; iteration < maxIterations; iteration++)
        {
            if (Norm(g) <= gradientTolerance * Math.Max(initialGradient, 1e-300))
            {
                return (theta, f, true);
            }

            double[] direction = new double[d];
            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j < d; j++)
                {
                    direction[i] -= inverse[i, j] * g[j];
                }
            }

            double slope = Dot(direction, g);
            if (slope >= 0)
            {
                ResetInverse(inverse);
                for (int i = 0; i < d; i++)
                {
                    direction[i] = -_alpha * g[i];
                }

                slope = Dot(direction, g);
            }

            double t = 1;
            double[] next = new double[d];
            double nextF = double.NaN;
            bool accepted = false;
            for (int attempt = 0; attempt < 60; attempt++, t *= 0.5)
            {
                for (int i = 0; i < d; i++)
                {
                    next[i] = theta[i] + t * direction[i];
                }

                nextF = Objective(next);
                if (nextF <= f + 1e-4 * t * slope)
                {
                    accepted = true;
                    break;
                }
            }

            if (!accepted)
            {
                return (theta, f, false);
            }

            double[] nextG = ObjectiveGradient(next);
            double[] s = new double[d];
            double[] y = new double[d];
            for (int i = 0; i < d; i++)
            {
                s[i] = next[i] - theta[i];
                y[i] = nextG[i] - g[i];
            }

            double sy = Dot(s, y);
            if (sy > 1e-300)
            {
                UpdateInverse(inverse, s, y, sy);
            }

            (theta, f, g) = (next, nextF, nextG);
        }

        return (theta, f, Norm(g) <= gradientTolerance * Math.Max(initialGradient, 1e-300));

        void ResetInverse(double[,] h)
        {
            Array.Clear(h);
            for (int i = 0; i < d; i++)
            {
                h[i, i] = _alpha;
            }
        }
    }

    public static double Norm(ReadOnlySpan<double> values) => Math.Sqrt(Dot(values, values));

    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    private static void UpdateInverse(double[,] h, double[] s, double[] y, double sy)
    {
        int d = s.Length;
        double[] hy = new double[d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                hy[i] += h[i, j] * y[j];
            }
        }

        double yhy = Dot(y, hy);
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                h[i, j] += (sy + yhy) * s[i] * s[j] / (sy * sy) - (hy[i] * s[j] + s[i] * hy[j]) / sy;
            }
        }
    }

    private double Evaluate(double[] theta, double[]? gradient)
    {
        int layers = _sizes.Length - 1;
        int[] offsets = new int[layers + 1];
        for (int n = 0; n < layers; n++)
        {
            offsets[n + 1] = offsets[n] + (_sizes[n] + 1) * _sizes[n + 1];
        }

        double[][] pre = new double[layers + 1][];
        double[][] post = new double[layers + 1][];
        pre[0] = _input;
        post[0] = _input;
        for (int n = 0; n < layers; n++)
        {
            int inputs = _sizes[n], outputs = _sizes[n + 1];
            pre[n + 1] = new double[outputs];
            for (int i = 0; i < outputs; i++)
            {
                double sum = theta[offsets[n] + inputs * outputs + i];
                for (int j = 0; j < inputs; j++)
                {
                    sum += theta[offsets[n] + i * inputs + j] * post[n][j];
                }

                pre[n + 1][i] = sum;
            }

            post[n + 1] = n + 1 < layers ? [.. pre[n + 1].Select(v => Math.Max(v, 0))] : pre[n + 1];
        }

        double[] z = pre[layers];
        double loss = 0;
        double[] delta = new double[z.Length];
        switch (_head)
        {
            case OutputHead.Softmax:
                double max = z.Max();
                double sumExp = z.Sum(v => Math.Exp(v - max));
                double mass = _target.Sum();
                for (int i = 0; i < z.Length; i++)
                {
                    loss -= _target[i] * z[i];
                    delta[i] = mass * Math.Exp(z[i] - max) / sumExp - _target[i];
                }

                loss += mass * (max + Math.Log(sumExp));
                break;
            case OutputHead.Sigmoid:
                for (int i = 0; i < z.Length; i++)
                {
                    loss += Math.Log(1 + Math.Exp(-Math.Abs(z[i]))) + Math.Max(z[i], 0) - _target[i] * z[i];
                    delta[i] = 1 / (1 + Math.Exp(-z[i])) - _target[i];
                }

                break;
            default:
                for (int i = 0; i < z.Length; i++)
                {
                    loss += 0.5 * (z[i] - _target[i]) * (z[i] - _target[i]);
                    delta[i] = z[i] - _target[i];
                }

                break;
        }

        if (gradient is null)
        {
            return loss;
        }

        for (int n = layers - 1; n >= 0; n--)
        {
            int inputs = _sizes[n], outputs = _sizes[n + 1];
            double[] below = new double[inputs];
            for (int i = 0; i < outputs; i++)
            {
                for (int j = 0; j < inputs; j++)
                {
                    gradient[offsets[n] + i * inputs + j] = delta[i] * post[n][j];
                    below[j] += theta[offsets[n] + i * inputs + j] * delta[i];
                }

                gradient[offsets[n] + inputs * outputs + i] = delta[i];
            }

            for (int j = 0; j < inputs; j++)
            {
                below[j] = pre[n][j] > 0 ? below[j] : 0;
            }

            delta = below;
        }

        return loss;
    }
}
