namespace EdgeIL.Learner.Implicit;

/// <summary>
/// The loss of <see cref="OutputFunctions.Loss(OutputHead, ReadOnlySpan{float}, ReadOnlySpan{float})"/> on float64 logits (the same formulas), with its gradient and Hessian.
/// The softmax loss keeps the target's total mass <c>m = sum t</c> as that method does, so the
/// gradient is <c>m softmax(z) - t</c> (which is <c>sigma(z) - t</c> for a one-hot or probability target).
/// </summary>
internal static class HeadLoss
{
    public static double Value(OutputHead head, ReadOnlySpan<double> logits, ReadOnlySpan<double> target) => OutputFunctions.Loss(head, logits, target);

    public static void Gradient(OutputHead head, ReadOnlySpan<double> logits, ReadOnlySpan<double> target, Span<double> gradient)
    {
        switch (head)
        {
            case OutputHead.Softmax:
            {
                double mass = Sum(target);
                Softmax(logits, gradient);
                for (int i = 0; i < logits.Length; i++)
                {
                    gradient[i] = mass * gradient[i] - target[i];
                }

                break;
            }

            case OutputHead.Sigmoid:
                for (int i = 0; i < logits.Length; i++)
                {
                    gradient[i] = Sigmoid(logits[i]) - target[i];
                }

                break;
            default:
                for (int i = 0; i < logits.Length; i++)
                {
                    gradient[i] = logits[i] - target[i];
                }

                break;
        }
    }

    /// <summary>Adds the Hessian of the loss to the block of <paramref name="hessian"/> that starts at row and column <paramref name="offset"/>.</summary>
    public static void AddHessian(OutputHead head, ReadOnlySpan<double> logits, ReadOnlySpan<double> target, double[,] hessian, int offset)
    {
        int d = logits.Length;
        switch (head)
        {
            case OutputHead.Softmax:
            {
                double mass = Sum(target);
                double[] p = new double[d];
                Softmax(logits, p);
                for (int i = 0; i < d; i++)
                {
                    for (int j = 0; j < d; j++)
                    {
                        hessian[offset + i, offset + j] += mass * ((i == j ? p[i] : 0) - p[i] * p[j]);
                    }
                }

                break;
            }

            case OutputHead.Sigmoid:
                for (int i = 0; i < d; i++)
                {
                    double s = Sigmoid(logits[i]);
                    hessian[offset + i, offset + i] += s * (1 - s);
                }

                break;
            default:
                for (int i = 0; i < d; i++)
                {
                    hessian[offset + i, offset + i] += 1;
                }

                break;
        }
    }

    private static double Sigmoid(double z)
    {
        if (z >= 0)
        {
            return 1 / (1 + Math.Exp(-z));
        }

        double e = Math.Exp(z);
        return e / (1 + e);
    }

    private static void Softmax(ReadOnlySpan<double> logits, Span<double> probabilities)
    {
        double max = double.NegativeInfinity;
        foreach (double z in logits)
        {
            max = Math.Max(max, z);
        }

        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            probabilities[i] = Math.Exp(logits[i] - max);
            sum += probabilities[i];
        }

        for (int i = 0; i < logits.Length; i++)
        {
            probabilities[i] /= sum;
        }
    }

    private static double Sum(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double value in values)
        {
            sum += value;
        }

        return sum;
    }
}
