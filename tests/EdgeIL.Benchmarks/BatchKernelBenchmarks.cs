using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using EdgeIL.Learner.Kernels;

namespace EdgeIL.Benchmarks;

/// <summary>
/// The three matrix products of a mini-batch step on their own, at batch 64 on the weight shapes of
/// 784-500-500-10 and 784-256-256-10, each against the loop of batch-1 kernels it replaced: the kernels'
/// throughput without the rest of the step around them. <c>Inputs x Outputs</c> is the weight matrix's
/// shape transposed (<c>W</c> is <c>Outputs x Inputs</c>).
/// </summary>
public class BatchKernelBenchmarks
{
    private const int Batch = 64;
    private float[] _weights = [];
    private float[] _bias = [];
    private float[] _x = [];
    private float[] _y = [];
    private float[] _direction = [];
    private float[] _biasDirection = [];
    private float[] _scaledError = [];

    [Params("784x500", "500x500", "784x256", "256x256")]
    public string Shape { get; set; } = "784x500";

    private int Inputs => int.Parse(Shape.Split('x')[0]);

    private int Outputs => int.Parse(Shape.Split('x')[1]);

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        float Next() => (float)(2 * random.NextDouble() - 1);
        _weights = [.. Enumerable.Range(0, Inputs * Outputs).Select(_ => Next())];
        _bias = [.. Enumerable.Range(0, Outputs).Select(_ => Next())];
        _x = [.. Enumerable.Range(0, Batch * Inputs).Select(_ => Next())];
        _y = [.. Enumerable.Range(0, Batch * Outputs).Select(_ => Next())];
        _direction = new float[Inputs * Outputs];
        _biasDirection = new float[Outputs];
        _scaledError = new float[Outputs];
    }

    /// <summary><c>Y = X W^T + b</c>: the feed-forward and inference's predictions.</summary>
    [Benchmark]
    public void MultiplyAdd() => BatchKernels.MultiplyAdd(_weights, _bias, _x, _y, Batch, SimdSelection.Current);

    [Benchmark]
    public void MultiplyAddPerSample()
    {
        int inputs = Inputs, outputs = Outputs;
        for (int b = 0; b < Batch; b++)
        {
            MatrixKernels.MultiplyAdd(_weights, _x.AsSpan(b * inputs, inputs), _bias, _y.AsSpan(b * outputs, outputs), SimdSelection.Current);
        }
    }

    /// <summary><c>G = E W</c>: backprop's and inference's bottom-up terms.</summary>
    [Benchmark]
    public void MultiplyTransposed() => BatchKernels.MultiplyTransposed(_weights, _y, _x, Batch, SimdSelection.Current);

    [Benchmark]
    public void MultiplyTransposedPerSample()
    {
        int inputs = Inputs, outputs = Outputs;
        for (int b = 0; b < Batch; b++)
        {
            MatrixKernels.MultiplyTransposed(_weights, _y.AsSpan(b * outputs, outputs), _x.AsSpan(b * inputs, inputs), SimdSelection.Current);
        }
    }

    /// <summary><c>D = E^T A / B</c>: the averaged numerator of the step.</summary>
    [Benchmark]
    public void MeanOuterProducts() => BatchKernels.MeanOuterProducts(_y, _x, _direction, _biasDirection, Batch, SimdSelection.Current);

    [Benchmark]
    public void MeanOuterProductsPerSample()
    {
        int inputs = Inputs, outputs = Outputs;
        Array.Clear(_direction);
        Array.Clear(_biasDirection);
        for (int b = 0; b < Batch; b++)
        {
            // The per-sample rank-one update the batch step made before: scale the error, add its outer product.
            Span<float> scaled = _scaledError.AsSpan(0, outputs);
            TensorPrimitives.Multiply(_y.AsSpan(b * outputs, outputs), 1f / Batch, scaled);
            FusedKernels.AddOuterProduct(_direction, scaled, _x.AsSpan(b * inputs, inputs), SimdSelection.Current);
            TensorPrimitives.Add(_biasDirection, scaled, _biasDirection);
        }
    }
}
