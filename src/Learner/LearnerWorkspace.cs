using System.Numerics.Tensors;

namespace EdgeIL.Learner;

/// <summary>
/// The buffers of one learn step for a batch of up to <see cref="BatchCapacity"/> samples, each
/// laid out sample-major (<c>[batch x d_n]</c>). Allocated once per capacity so that the steady
/// state allocates nothing.
/// </summary>
internal sealed class LearnerWorkspace
{
    public LearnerWorkspace(ReadOnlySpan<int> sizes, int batchCapacity)
    {
        BatchCapacity = batchCapacity;
        int layers = sizes.Length;
        Activity = new float[layers][];
        Presynaptic = new float[layers][];
        Prediction = new float[layers][];
        Error = new float[layers][];
        Propagated = new float[layers][];
        for (int n = 0; n < layers; n++)
        {
            int length = checked(sizes[n] * batchCapacity);
            Activity[n] = new float[length];
            Prediction[n] = new float[length];
            Error[n] = new float[length];
            Propagated[n] = new float[length];

            // The input layer passes raw values on (no ReLU), so its presynaptic activity is the activity itself.
            Presynaptic[n] = n == 0 ? Activity[0] : new float[length];
        }

        int outputs = checked(sizes[^1] * batchCapacity);
        Output = new float[outputs];
        Target = new float[outputs];
        Label = new float[outputs];
        Scratch = new float[sizes[^1]];
    }

    public int BatchCapacity { get; }

    /// <summary><c>v_n</c>: feed-forward pre-activations, relaxed into targets by inference.</summary>
    public float[][] Activity { get; }

    /// <summary><c>a_n = phi_n(v_n)</c>.</summary>
    public float[][] Presynaptic { get; }

    /// <summary><c>p_n = W_{n-1} a_{n-1} + b_{n-1}</c>.</summary>
    public float[][] Prediction { get; }

    /// <summary>
    /// <c>e_n</c>, the error every rule's update is made of (<c>Delta W_{n-1}</c> is proportional to
    /// <c>e_n a_{n-1}^T</c>): <c>v_n - p_n</c> for hidden layers and <c>t - sigma(p_N)</c> at the
    /// output under inference; <c>-dL/dh_n</c> under backprop.
    /// </summary>
    public float[][] Error { get; }

    /// <summary><c>g_n = W_n^T e_{n+1}</c>, the bottom-up term of inference.</summary>
    public float[][] Propagated { get; }

    /// <summary><c>sigma(p_N)</c>.</summary>
    public float[] Output { get; }

    /// <summary>The output target <c>t</c>.</summary>
    public float[] Target { get; }

    /// <summary>The label <c>y</c>, copied in so that a rejected step has touched nothing the caller owns.</summary>
    public float[] Label { get; }

    /// <summary>One output vector of scratch space.</summary>
    public float[] Scratch { get; }

    /// <summary><c>s_n = mean_b ||a_n||^2 + 1 + eps</c> over the batch: the denominator of the normalised rules.</summary>
    public float SquaredNorm(int layer, int width, int batch, float epsilon) =>
        TensorPrimitives.SumOfSquares(Presynaptic[layer].AsSpan(0, batch * width)) / batch + 1f + epsilon;

    /// <summary>Computes <see cref="Output"/> <c>= sigma(p_N)</c> from the logits in the last <see cref="Prediction"/>, sample by sample.</summary>
    public void ApplyOutputFunction(OutputHead head, int outputs, int batch)
    {
        for (int b = 0; b < batch; b++)
        {
            OutputFunctions.Apply(head, Prediction[^1].AsSpan(b * outputs, outputs), Output.AsSpan(b * outputs, outputs));
        }
    }
}
