using BenchmarkDotNet.Attributes;
using EdgeIL.Learner.Kernels;

namespace EdgeIL.Benchmarks;

/// <summary>
/// Each kernel of a batch-1 IL-prox step on 784-500-500-10, alone, at 128-bit vectors (NEON's width) and
/// at 256-bit ones: the measured half of the performance model in docs/benchmarks/performance-model.md,
/// which divides each kernel's bytes and FLOPs by these times. The input has MNIST's share of nonzero
/// pixels (one in five) and the hidden activity the share of active units measured on MNIST (45 %).
/// </summary>
[MemoryDiagnoser]
public class KernelBenchmarks
{
    private const int Inputs = 784;
    private const int Hidden = 500;

    private float[] _w0 = [];
    private float[] _w1 = [];
    private float[] _w1Transposed = [];
    private float[] _bias = [];
    private float[] _x = [];
    private float[] _a = [];
    private float[] _v = [];
    private float[] _p = [];
    private float[] _e = [];
    private float[] _g = [];
    private float[] _u = [];

    [Params(SimdLevel.Vector128, SimdLevel.Vector256)]
    public SimdLevel Level { get; set; } = SimdLevel.Vector256;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        float Uniform() => (float)((2 * random.NextDouble()) - 1) * 0.05f;
        _w0 = Enumerable.Range(0, Hidden * Inputs).Select(_ => Uniform()).ToArray();
        _w1 = Enumerable.Range(0, Hidden * Hidden).Select(_ => Uniform()).ToArray();
        _w1Transposed = new float[_w1.Length];
        for (int i = 0; i < Hidden; i++)
        {
            for (int j = 0; j < Hidden; j++)
            {
                _w1Transposed[(j * Hidden) + i] = _w1[(i * Hidden) + j];
            }
        }

        _bias = Enumerable.Range(0, Hidden).Select(_ => Uniform()).ToArray();
        _x = SyntheticInputs.Sparse(random, Inputs, SyntheticInputs.PixelZeroShare);
        _a = SyntheticInputs.Sparse(random, Hidden, zeroShare: 0.55);
        _v = Enumerable.Range(0, Hidden).Select(_ => Uniform()).ToArray();
        _u = Enumerable.Range(0, Hidden).Select(_ => Uniform() * 1e-3f).ToArray();
        _p = new float[Hidden];
        _e = Enumerable.Range(0, Hidden).Select(_ => Uniform()).ToArray();
        _g = new float[Hidden];
    }

    /// <summary>The feed-forward of the first layer, <c>W_0 x + b_0</c>: once per step.</summary>
    [Benchmark]
    public void FirstLayerForward() => FusedKernels.MultiplyAdd(_w0, _x, _bias, _p, Level);

    /// <summary><c>p_2 = W_1 a_1 + b_1</c> from the transposed copy, at the active units: once per inference iteration.</summary>
    [Benchmark]
    public void HiddenPredictFromTransposed() => FusedKernels.MultiplyTransposedAdd(_w1Transposed, _a, _bias, _p, Level);

    /// <summary><c>g_1 = W_1^T e_2</c> at the active units, from the transposed copy: once per inference iteration but the last.</summary>
    [Benchmark]
    public void HiddenPropagateActiveRows() => FusedKernels.MultiplyActiveRows(_w1Transposed, _e, _a, _g, Level);

    /// <summary>Both products from the row-major matrix in one fused pass: what an iteration cost before the transposed copy (and what the Adam rules still use).</summary>
    [Benchmark]
    public void HiddenPredictAndPropagateRowMajor() => FusedKernels.PredictAndPropagate(_w1, _a, _bias, _v, _p, _e, _g, Level);

    /// <summary>The activity step of one hidden layer: once per layer and inference iteration.</summary>
    [Benchmark]
    public void ActivityStep() => FusedKernels.UpdateActivities(_v, _g, _e, _p, 0.1f, 0.1f, 0f, Level);

    /// <summary>The weight step of the first layer, <c>W_0 += u x^T</c> (the scaled error is tiny, so the weights stay put): once per step.</summary>
    [Benchmark]
    public void FirstLayerUpdate() => FusedKernels.AddOuterProduct(_w0, _u, _x, Level);
}
