namespace EdgeIL.Learner.Implicit;

/// <summary>
/// Chooses the ReLU derivative of a hidden unit whose pre-activation is exactly 0, where the
/// derivative is not defined: any value in [0, 1] is an element of the Clarke subdifferential.
/// </summary>
/// <param name="layer">The hidden layer <c>n</c>, 1..N-1.</param>
/// <param name="unit">The unit within the layer.</param>
/// <param name="backpropagatedError">
/// <c>(W_n^T dL/dh_{n+1})_unit</c>, the gradient reaching the unit's output before the derivative is applied.
/// </param>
internal delegate double KinkDerivative(int layer, int unit, double backpropagatedError);

/// <summary>
/// The EdgeIL network in float64 (same layout as <see cref="Mlp"/>), with the forward pass and the
/// loss gradient by backprop that the implicit-step reference needs. Not a hot-path type.
/// </summary>
internal sealed class Float64Network
{
    public Float64Network(int[] sizes, OutputHead head)
    {
        Sizes = sizes;
        Head = head;
        Weights = new double[sizes.Length - 1][];
        Biases = new double[sizes.Length - 1][];
        for (int n = 0; n < Weights.Length; n++)
        {
            Weights[n] = new double[sizes[n + 1] * sizes[n]];
            Biases[n] = new double[sizes[n + 1]];
        }
    }

    public int[] Sizes { get; }

    public OutputHead Head { get; }

    public double[][] Weights { get; }

    public double[][] Biases { get; }

    public int LayerCount => Sizes.Length - 1;

    /// <summary>The number of weights and biases.</summary>
    public int ParameterCount => checked((int)Mlp.CountParameters(Sizes));

    /// <summary>Widens every float32 parameter exactly.</summary>
    public static Float64Network From(Mlp model)
    {
        var network = new Float64Network(model.LayerSizes.ToArray(), model.Head);
        for (int n = 0; n < network.LayerCount; n++)
        {
            Widen(model.GetWeights(n), network.Weights[n]);
            Widen(model.GetBiases(n), network.Biases[n]);
        }

        return network;

        static void Widen(ReadOnlySpan<float> source, double[] destination)
        {
            for (int i = 0; i < source.Length; i++)
            {
                destination[i] = source[i];
            }
        }
    }

    public Float64Network Clone()
    {
        var copy = new Float64Network(Sizes, Head);
        for (int n = 0; n < LayerCount; n++)
        {
            Weights[n].CopyTo(copy.Weights[n], 0);
            Biases[n].CopyTo(copy.Biases[n], 0);
        }

        return copy;
    }

    /// <summary>All parameters in the order ParameterChange documents: layer by layer, <c>W_n</c> row-major then <c>b_n</c>.</summary>
    public double[] Flatten()
    {
        double[] flat = new double[ParameterCount];
        int offset = 0;
        for (int n = 0; n < LayerCount; n++)
        {
            Weights[n].CopyTo(flat, offset);
            offset += Weights[n].Length;
            Biases[n].CopyTo(flat, offset);
            offset += Biases[n].Length;
        }

        return flat;
    }

    /// <summary>Adds <paramref name="scale"/> times the flattened <paramref name="direction"/> to every parameter.</summary>
    public void AddScaled(ReadOnlySpan<double> direction, double scale)
    {
        int offset = 0;
        for (int n = 0; n < LayerCount; n++)
        {
            offset = Add(Weights[n], direction, offset, scale);
            offset = Add(Biases[n], direction, offset, scale);
        }

        static int Add(double[] values, ReadOnlySpan<double> direction, int offset, double scale)
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] += scale * direction[offset + i];
            }

            return offset + values.Length;
        }
    }

    /// <summary>The pre-activations <c>h_0 = x</c>, <c>h_{n+1} = W_n phi_n(h_n) + b_n</c>, for <c>n = 0..N</c>.</summary>
    public double[][] Forward(ReadOnlySpan<double> input)
    {
        double[][] activities = new double[Sizes.Length][];
        activities[0] = input.ToArray();
        for (int n = 0; n < LayerCount; n++)
        {
            double[] presynaptic = Presynaptic(activities[n], n);
            double[] next = new double[Sizes[n + 1]];
            MultiplyAdd(Weights[n], presynaptic, Biases[n], next);
            activities[n + 1] = next;
        }

        return activities;
    }

    /// <summary>
    /// The gradient of the loss with respect to every parameter, by backprop from the given
    /// pre-activations (usually <see cref="Forward"/>'s), into <paramref name="gradient"/>. A hidden unit
    /// whose pre-activation is exactly 0 gets the derivative <paramref name="kinkDerivative"/> chooses,
    /// or 0 when it is null (the learner's convention).
    /// </summary>
    public void Backpropagate(double[][] activities, ReadOnlySpan<double> target, Float64Network gradient, KinkDerivative? kinkDerivative = null)
    {
        double[] delta = new double[Sizes[^1]];
        HeadLoss.Gradient(Head, activities[^1], target, delta);
        for (int n = LayerCount - 1; n >= 0; n--)
        {
            double[] presynaptic = Presynaptic(activities[n], n);
            int inputs = Sizes[n];
            double[] gradientWeights = gradient.Weights[n];
            for (int i = 0; i < delta.Length; i++)
            {
                for (int j = 0; j < inputs; j++)
                {
                    gradientWeights[i * inputs + j] = delta[i] * presynaptic[j];
                }
            }

            delta.CopyTo(gradient.Biases[n], 0);
            if (n == 0)
            {
                break;
            }

            double[] below = new double[inputs];
            MultiplyTransposed(Weights[n], delta, below);
            for (int j = 0; j < inputs; j++)
            {
                double h = activities[n][j];
                double slope = h > 0 ? 1 : h < 0 ? 0 : kinkDerivative?.Invoke(n, j, below[j]) ?? 0;
                below[j] *= slope;
            }

            delta = below;
        }
    }

    /// <summary><c>a_n = phi_n(v_n)</c>: the identity on the input layer, ReLU on hidden layers.</summary>
    public static double[] Presynaptic(double[] activity, int layer)
    {
        if (layer == 0)
        {
            return activity;
        }

        double[] presynaptic = new double[activity.Length];
        for (int j = 0; j < activity.Length; j++)
        {
            presynaptic[j] = Math.Max(activity[j], 0);
        }

        return presynaptic;
    }

    /// <summary><c>destination = W a + b</c> with <c>W</c> row-major.</summary>
    public static void MultiplyAdd(double[] weights, ReadOnlySpan<double> input, double[] biases, Span<double> destination)
    {
        int inputs = input.Length;
        for (int i = 0; i < destination.Length; i++)
        {
            double sum = biases[i];
            for (int j = 0; j < inputs; j++)
            {
                sum += weights[i * inputs + j] * input[j];
            }

            destination[i] = sum;
        }
    }

    /// <summary><c>destination = W^T e</c> with <c>W</c> row-major.</summary>
    public static void MultiplyTransposed(double[] weights, ReadOnlySpan<double> error, Span<double> destination)
    {
        int inputs = destination.Length;
        destination.Clear();
        for (int i = 0; i < error.Length; i++)
        {
            for (int j = 0; j < inputs; j++)
            {
                destination[j] += weights[i * inputs + j] * error[i];
            }
        }
    }
}
