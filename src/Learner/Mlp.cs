using System.Numerics.Tensors;
using EdgeIL.Learner.Kernels;

namespace EdgeIL.Learner;

/// <summary>
/// A multilayer perceptron in float32: layers <c>0..N</c> of sizes <c>d_0..d_N</c>, weights
/// <c>W_n</c> (<c>d_{n+1} x d_n</c>, row-major) and biases <c>b_n</c>. The input layer is passed on
/// unchanged (sensor values may be negative, so no ReLU there), hidden layers use ReLU, and the
/// output layer the <see cref="OutputHead"/>'s function.
/// </summary>
/// <remarks>
/// The feed-forward pass is <c>h_0 = x</c>, <c>h_{n+1} = W_n phi_n(h_n) + b_n</c>: activities are
/// pre-activations, the form the paper's theory uses. An instance owns scratch buffers for
/// <see cref="Predict"/>, so one instance must not be used from two threads at once.
/// </remarks>
public sealed class Mlp
{
    private readonly int[] _sizes;
    private readonly float[][] _weights;
    private readonly float[][] _biases;
    private readonly float[][] _activities;

    /// <summary>Creates a network with all weights and biases zero.</summary>
    /// <param name="layerSizes">Sizes <c>d_0..d_N</c>; at least two, each at least 1.</param>
    /// <param name="head">The output function and loss.</param>
    public Mlp(ReadOnlySpan<int> layerSizes, OutputHead head)
    {
        if (layerSizes.Length < 2)
        {
            throw new ArgumentException("A network needs at least an input and an output layer.", nameof(layerSizes));
        }

        foreach (int size in layerSizes)
        {
            if (size < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(layerSizes), size, "Every layer needs at least one unit.");
            }
        }

        if (!Enum.IsDefined(head))
        {
            throw new ArgumentOutOfRangeException(nameof(head), head, "Unknown output head.");
        }

        _sizes = layerSizes.ToArray();
        Head = head;
        Input = new InputStage(_sizes[0]);
        _weights = new float[LayerCount][];
        _biases = new float[LayerCount][];
        _activities = new float[_sizes.Length][];
        for (int n = 0; n < LayerCount; n++)
        {
            _weights[n] = new float[checked(_sizes[n + 1] * _sizes[n])];
            _biases[n] = new float[_sizes[n + 1]];
        }

        for (int n = 0; n < _sizes.Length; n++)
        {
            _activities[n] = new float[_sizes[n]];
        }
    }

    /// <summary>
    /// Creates a network initialised as the paper's code does in spirit: every weight and bias drawn
    /// from <c>U(-1/sqrt(d_in), 1/sqrt(d_in))</c>, from a generator seeded with <paramref name="seed"/>.
    /// </summary>
    public static Mlp CreateRandom(ReadOnlySpan<int> layerSizes, OutputHead head, int seed)
    {
        var model = new Mlp(layerSizes, head);
        var random = new Random(seed);
        for (int n = 0; n < model.LayerCount; n++)
        {
            double bound = 1.0 / Math.Sqrt(model._sizes[n]);
            Fill(model._weights[n], random, bound);
            Fill(model._biases[n], random, bound);
        }

        return model;

        static void Fill(float[] values, Random random, double bound)
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (float)((2 * random.NextDouble() - 1) * bound);
            }
        }
    }

    /// <summary>Sizes <c>d_0..d_N</c> of the layers.</summary>
    public ReadOnlySpan<int> LayerSizes => _sizes;

    /// <summary>The number <c>N</c> of weight layers (one less than the number of layers).</summary>
    public int LayerCount => _sizes.Length - 1;

    /// <summary>The input size <c>d_0</c>.</summary>
    public int InputSize => _sizes[0];

    /// <summary>The output size <c>d_N</c>.</summary>
    public int OutputSize => _sizes[^1];

    /// <summary>The output function and loss.</summary>
    public OutputHead Head { get; }

    /// <summary>The input stage <c>x' = (x - offset) (.) scale</c> every input passes before layer 0; the identity by default.</summary>
    public InputStage Input { get; }

    /// <summary>The number of weights and biases.</summary>
    public long ParameterCount => CountParameters(_sizes);

    /// <summary>The number of weights and biases of an MLP with the layer sizes <c>d_0..d_N</c>: <c>sum_n d_{n+1} (d_n + 1)</c>.</summary>
    /// <param name="layerSizes">The layer sizes, each range &gt;= 0.</param>
    /// <returns>The count, in 64 bits so that sizes read from an untrusted file cannot overflow it.</returns>
    public static long CountParameters(ReadOnlySpan<int> layerSizes)
    {
        long count = 0;
        for (int n = 0; n + 1 < layerSizes.Length; n++)
        {
            count += (long)layerSizes[n + 1] * (layerSizes[n] + 1L);
        }

        return count;
    }

    /// <summary>
    /// Increases whenever the parameters change, so that a learner can tell its cached facts about
    /// the weights (their magnitude bound) from stale ones.
    /// </summary>
    public long Version { get; private set; }

    /// <summary>The weights <c>W_n</c>, <c>d_{n+1} x d_n</c> row-major.</summary>
    public ReadOnlySpan<float> GetWeights(int layer) => _weights[layer];

    /// <summary>The biases <c>b_n</c>, length <c>d_{n+1}</c>.</summary>
    public ReadOnlySpan<float> GetBiases(int layer) => _biases[layer];

    /// <summary>Replaces the weights <c>W_n</c> (<c>d_{n+1} x d_n</c> row-major).</summary>
    public void SetWeights(int layer, ReadOnlySpan<float> weights)
    {
        CheckLength(weights, _weights[layer].Length, nameof(weights));
        weights.CopyTo(_weights[layer]);
        Version++;
    }

    /// <summary>Replaces the biases <c>b_n</c>.</summary>
    public void SetBiases(int layer, ReadOnlySpan<float> biases)
    {
        CheckLength(biases, _biases[layer].Length, nameof(biases));
        biases.CopyTo(_biases[layer]);
        Version++;
    }

    /// <summary>Copies every parameter of this network, and its input stage, into <paramref name="destination"/>, which must have the same shape.</summary>
    public void CopyParametersTo(Mlp destination)
    {
        if (!HasSameShape(destination))
        {
            throw new ArgumentException("The destination network has a different shape.", nameof(destination));
        }

        for (int n = 0; n < LayerCount; n++)
        {
            _weights[n].CopyTo(destination._weights[n], 0);
            _biases[n].CopyTo(destination._biases[n], 0);
        }

        Input.CopyTo(destination.Input);

        destination.Version++;
    }

    /// <summary>A deep copy.</summary>
    public Mlp Clone()
    {
        var copy = new Mlp(_sizes, Head);
        CopyParametersTo(copy);
        return copy;
    }

    /// <summary>True when both networks have the same layer sizes and head.</summary>
    public bool HasSameShape(Mlp other) => other.Head == Head && other._sizes.AsSpan().SequenceEqual(_sizes);

    /// <summary>Computes the logits <c>h_N</c> of the feed-forward pass from a raw input (before the input stage).</summary>
    public void ComputeLogits(ReadOnlySpan<float> input, Span<float> logits)
    {
        CheckLength(input, InputSize, nameof(input));
        CheckLength(logits, OutputSize, nameof(logits));
        Input.Apply(input, _activities[0]);
        ReadOnlySpan<float> presynaptic = _activities[0];
        for (int n = 0; n < LayerCount; n++)
        {
            Span<float> next = n == LayerCount - 1 ? logits : _activities[n + 1];
            MatrixKernels.MultiplyAdd(_weights[n], presynaptic, _biases[n], next, SimdSelection.Current);
            if (n < LayerCount - 1)
            {
                TensorPrimitives.Max(next, 0f, next);
                presynaptic = next;
            }
        }
    }

    /// <summary>Computes <c>output = sigma(h_N)</c>: class probabilities, reconstructions or regression values.</summary>
    public void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        ComputeLogits(input, output);
        OutputFunctions.Apply(Head, output, output);
    }

    /// <summary>The index of the largest output (the predicted class of a classifier).</summary>
    public int PredictClass(ReadOnlySpan<float> input)
    {
        Span<float> logits = _activities[^1];
        ComputeLogits(input, logits);
        return TensorPrimitives.IndexOfMax(logits);
    }

    internal float[] WeightsArray(int layer) => _weights[layer];

    internal float[] BiasesArray(int layer) => _biases[layer];

    internal void MarkChanged() => Version++;

    private static void CheckLength(ReadOnlySpan<float> values, int expected, string name)
    {
        if (values.Length != expected)
        {
            throw new ArgumentException($"Expected {expected} values, got {values.Length}.", name);
        }
    }
}
