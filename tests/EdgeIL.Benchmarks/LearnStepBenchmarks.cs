using BenchmarkDotNet.Attributes;
using EdgeIL.Learner;

namespace EdgeIL.Benchmarks;

/// <summary>
/// One batch-1 learn step of the rules a device would run, and one prediction, on the paper's two
/// MNIST network shapes. Inputs look like MNIST pixels scaled to [0, 1]: about four fifths zeros.
/// </summary>
[MemoryDiagnoser]
public class LearnStepBenchmarks
{
    private const int Pool = 64;
    private float[][] _inputs = [];
    private Mlp _model = null!;
    private OnlineLearner _learner = null!;
    private float[] _output = [];
    private int _next;

    [Params("784-256-256-10", "784-500-500-10")]
    public string Layers { get; set; } = "784-256-256-10";

    [Params("il-prox", "il-prox-fast", "il-sgd", "bp-sgd")]
    public string Algorithm { get; set; } = "il-prox";

    [GlobalSetup]
    public void Setup()
    {
        int[] sizes = Layers.Split('-').Select(int.Parse).ToArray();
        var random = new Random(1);
        _inputs = Enumerable.Range(0, Pool)
            .Select(_ => Enumerable.Range(0, sizes[0]).Select(_ => random.NextDouble() < 0.8 ? 0f : (float)random.NextDouble()).ToArray())
            .ToArray();
        _model = Mlp.CreateRandom(sizes, OutputHead.Softmax, seed: 1);
        _learner = new OnlineLearner(_model, LearningAlgorithms.Parse(Algorithm));
        _output = new float[sizes[^1]];
    }

    [Benchmark]
    public LearnResult Learn()
    {
        int index = _next++ % Pool;
        return _learner.LearnClass(_inputs[index], index % 10);
    }

    [Benchmark]
    public float Predict()
    {
        _model.Predict(_inputs[_next++ % Pool], _output);
        return _output[0];
    }
}
