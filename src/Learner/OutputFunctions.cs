using System.Numerics;
using System.Numerics.Tensors;

namespace EdgeIL.Learner;

/// <summary>The output functions and losses of <see cref="OutputHead"/>, on spans, allocation-free.</summary>
public static class OutputFunctions
{
    /// <summary>Computes <c>output = sigma(logits)</c> for the head.</summary>
    public static void Apply(OutputHead head, ReadOnlySpan<float> logits, Span<float> output)
    {
        switch (head)
        {
            case OutputHead.Softmax:
                // TensorPrimitives.SoftMax exponentiates the logits as they are, so a logit past ~88
                // overflows to infinity and the output turns NaN; shifting by the largest logit
                // leaves the result unchanged and keeps every exponent at or below 0.
                TensorPrimitives.Subtract(logits, TensorPrimitives.Max(logits), output);
                TensorPrimitives.SoftMax(output, output);
                break;
            case OutputHead.Sigmoid:
                TensorPrimitives.Sigmoid(logits, output);
                break;
            default:
                logits.CopyTo(output);
                break;
        }
    }

    /// <summary>
    /// Computes the loss <c>L(target, sigma(logits))</c> from the logits, in float64 and in the
    /// numerically stable forms (log-sum-exp, softplus) so that a confident wrong answer gives a large
    /// finite loss rather than infinity.
    /// </summary>
    public static double Loss(OutputHead head, ReadOnlySpan<float> logits, ReadOnlySpan<float> target) => Loss<float>(head, logits, target);

    /// <summary>
    /// The loss of <see cref="Loss(OutputHead, ReadOnlySpan{float}, ReadOnlySpan{float})"/> for float32 or
    /// float64 logits and targets, computed in float64 either way: the one definition of every head's loss,
    /// which the float64 reference step also uses. The softmax loss keeps the target's total mass
    /// <c>m = sum t</c>: <c>m logsumexp(z) - t.z</c>, the cross-entropy for a one-hot or probability target.
    /// </summary>
    internal static double Loss<T>(OutputHead head, ReadOnlySpan<T> logits, ReadOnlySpan<T> target)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (logits.Length != target.Length)
        {
            throw new ArgumentException($"The target has {target.Length} values but the network has {logits.Length} outputs.", nameof(target));
        }

        double loss = 0;
        switch (head)
        {
            case OutputHead.Softmax:
            {
                double max = double.NegativeInfinity;
                foreach (T z in logits)
                {
                    max = Math.Max(max, double.CreateTruncating(z));
                }

                double sumExp = 0, targetMass = 0, targetDotLogits = 0;
                for (int i = 0; i < logits.Length; i++)
                {
                    double z = double.CreateTruncating(logits[i]);
                    double t = double.CreateTruncating(target[i]);
                    sumExp += Math.Exp(z - max);
                    targetMass += t;
                    targetDotLogits += t * z;
                }

                loss = (max + Math.Log(sumExp)) * targetMass - targetDotLogits;
                break;
            }

            case OutputHead.Sigmoid:
                for (int i = 0; i < logits.Length; i++)
                {
                    double z = double.CreateTruncating(logits[i]);
                    double softplus = Math.Max(z, 0) + Math.Log(1 + Math.Exp(-Math.Abs(z)));
                    loss += softplus - double.CreateTruncating(target[i]) * z;
                }

                break;
            default:
                for (int i = 0; i < logits.Length; i++)
                {
                    double d = double.CreateTruncating(logits[i]) - double.CreateTruncating(target[i]);
                    loss += 0.5 * d * d;
                }

                break;
        }

        return loss;
    }
}
