using BenchmarkDotNet.Attributes;
using EdgeIL.Learner;

namespace EdgeIL.Benchmarks;

/// <summary>
/// One batch-1 learn step of the rules a device would run, on the paper's two MNIST network shapes, on
/// one thread and split across two (<see cref="OnlineLearner.Workers"/>), streaming the MNIST sample in
/// order with its labels (<see cref="MnistSample"/>). Prediction is in <see cref="PredictBenchmarks"/>,
/// against ONNX Runtime.
/// </summary>
/// <remarks>
/// The learner keeps training across BenchmarkDotNet's calls, as a device's does, so a step's time follows the
/// share of active units at the point of the stream the calls reach; on MNIST that share stays at 39-49 % over
/// the first 20,000 samples (docs/benchmarks/performance-model.md).
/// </remarks>
[MemoryDiagnoser]
public class LearnStepBenchmarks : IDisposable
{
    private float[][] _inputs = [];
    private int[] _labels = [];
    private Mlp _model = null!;
    private OnlineLearner _learner = null!;
    private WorkerPool? _workers;
    private int _next;

    [Params("784-256-256-10", "784-500-500-10")]
    public string Layers { get; set; } = "784-256-256-10";

    [Params("il-prox", "il-prox-fast", "il-sgd", "bp-sgd")]
    public string Algorithm { get; set; } = "il-prox";

    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        int[] sizes = Layers.Split('-').Select(int.Parse).ToArray();
        (_inputs, _labels) = MnistSample.Load();
        _model = Mlp.CreateRandom(sizes, OutputHead.Softmax, seed: 1);
        _workers = Threads > 1 ? new WorkerPool(Threads) : null;
        _learner = new OnlineLearner(_model, LearningAlgorithms.Parse(Algorithm)) { Workers = _workers };
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _workers?.Dispose();
        _workers = null;
        GC.SuppressFinalize(this);
    }

    [Benchmark]
    public LearnResult Learn()
    {
        int index = _next++ % _inputs.Length;
        return _learner.LearnClass(_inputs[index], _labels[index]);
    }
}
