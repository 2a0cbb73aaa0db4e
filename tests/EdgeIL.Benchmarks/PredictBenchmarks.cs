using BenchmarkDotNet.Attributes;
using EdgeIL.Learner;
using EdgeIL.Learner.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace EdgeIL.Benchmarks;

/// <summary>
/// One batch-1 prediction in EdgeIL against ONNX Runtime on the same network, exported by EdgeIL's own
/// exporter, on the paper's two MNIST shapes. ONNX Runtime is the baseline so that the ratio column reads
/// as EdgeIL's time over ONNX Runtime's. Both run on one thread over the same MNIST-like inputs (about four
/// fifths zeros); ONNX Runtime reads and writes preallocated tensors over pinned arrays, so neither side
/// allocates a tensor per call and the difference is the arithmetic.
/// </summary>
[MemoryDiagnoser]
public class PredictBenchmarks : IDisposable
{
    private const int Pool = 64;
    private float[][] _inputs = [];
    private Mlp _model = null!;
    private float[] _output = [];
    private int _next;

    private InferenceSession? _session;
    private RunOptions? _runOptions;
    private OrtValue[][] _ortInputs = [];
    private OrtValue[] _ortOutputs = [];
    private readonly string[] _inputNames = [OnnxExport.InputName];

    // The softmax export has both outputs; asking for both into preallocated tensors keeps ONNX Runtime
    // from allocating the one not asked for, and EdgeIL's Predict computes both as well.
    private readonly string[] _outputNames = [OnnxExport.LogitsName, OnnxExport.ProbabilitiesName];

    [Params("784-256-256-10", "784-500-500-10")]
    public string Layers { get; set; } = "784-256-256-10";

    [GlobalSetup]
    public void Setup()
    {
        int[] sizes = Layers.Split('-').Select(int.Parse).ToArray();
        var random = new Random(1);
        _inputs = Enumerable.Range(0, Pool)
            .Select(_ =>
            {
                float[] input = GC.AllocateArray<float>(sizes[0], pinned: true);
                SyntheticInputs.Sparse(random, input.Length, SyntheticInputs.PixelZeroShare).CopyTo(input, 0);
                return input;
            })
            .ToArray();
        _model = Mlp.CreateRandom(sizes, OutputHead.Softmax, seed: 1);
        _output = new float[sizes[^1]];

        using var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(OnnxExport.ToBytes(_model), sessionOptions);
        _runOptions = new RunOptions();
        long[] inputShape = [1, sizes[0]];
        long[] outputShape = [1, sizes[^1]];
        _ortInputs = _inputs.Select(input => new[] { OrtValue.CreateTensorValueFromMemory(input, inputShape) }).ToArray();
        _ortOutputs =
        [
            OrtValue.CreateTensorValueFromMemory(GC.AllocateArray<float>(sizes[^1], pinned: true), outputShape),
            OrtValue.CreateTensorValueFromMemory(GC.AllocateArray<float>(sizes[^1], pinned: true), outputShape),
        ];

        CheckAgreement();
    }

    [Benchmark]
    public float EdgeIL()
    {
        _model.Predict(_inputs[_next++ % Pool], _output);
        return _output[0];
    }

    [Benchmark(Baseline = true)]
    public float OnnxRuntime()
    {
        _session!.Run(_runOptions!, _inputNames, _ortInputs[_next++ % Pool], _outputNames, _ortOutputs);
        return _ortOutputs[1].GetTensorDataAsSpan<float>()[0];
    }

    [GlobalCleanup]
    public void Dispose()
    {
        foreach (OrtValue[] values in _ortInputs)
        {
            values[0].Dispose();
        }

        foreach (OrtValue value in _ortOutputs)
        {
            value.Dispose();
        }

        _ortInputs = [];
        _ortOutputs = [];
        _runOptions?.Dispose();
        _runOptions = null;
        _session?.Dispose();
        _session = null;
        GC.SuppressFinalize(this);
    }

    /// <summary>A benchmark of two programs that compute different things would be meaningless: fail the setup if they disagree.</summary>
    private void CheckAgreement()
    {
        _model.Predict(_inputs[0], _output);
        _session!.Run(_runOptions!, _inputNames, _ortInputs[0], _outputNames, _ortOutputs);
        ReadOnlySpan<float> ort = _ortOutputs[1].GetTensorDataAsSpan<float>();
        for (int i = 0; i < _output.Length; i++)
        {
            if (Math.Abs(ort[i] - _output[i]) > 1e-4f)
            {
                throw new InvalidOperationException($"EdgeIL and ONNX Runtime disagree on output {i}: {_output[i]} vs {ort[i]}.");
            }
        }
    }
}
