using BenchmarkDotNet.Attributes;
using EdgeIL.Learner;

namespace EdgeIL.Benchmarks;

/// <summary>
/// One mini-batch learn step (<see cref="OnlineLearner.LearnBatch"/>) at the batch sizes of
/// <c>experiment minibatch</c> and <c>data-constrained</c>, on the paper's two MNIST network shapes, with
/// the rule's full inference budget. Inputs look like MNIST pixels scaled to [0, 1]: about four fifths
/// zeros. A few batches are cycled so that the step does not see the same inputs every time.
/// </summary>
[MemoryDiagnoser]
public class MiniBatchBenchmarks
{
    private const int Batches = 4;
    private float[][] _inputs = [];
    private float[][] _targets = [];
    private OnlineLearner _learner = null!;
    private int _next;

    [Params("784-256-256-10", "784-500-500-10")]
    public string Layers { get; set; } = "784-256-256-10";

    [Params("il-prox", "bp-sgd")]
    public string Algorithm { get; set; } = "il-prox";

    [Params(64, 100)]
    public int BatchSize { get; set; } = 64;

    [GlobalSetup]
    public void Setup()
    {
        int[] sizes = Layers.Split('-').Select(int.Parse).ToArray();
        var random = new Random(1);
        _inputs = Enumerable.Range(0, Batches)
            .Select(_ => SyntheticInputs.Sparse(random, BatchSize * sizes[0], SyntheticInputs.PixelZeroShare))
            .ToArray();
        _targets = Enumerable.Range(0, Batches)
            .Select(_ =>
            {
                float[] targets = new float[BatchSize * sizes[^1]];
                for (int b = 0; b < BatchSize; b++)
                {
                    targets[b * sizes[^1] + random.Next(sizes[^1])] = 1f;
                }

                return targets;
            })
            .ToArray();
        var model = Mlp.CreateRandom(sizes, OutputHead.Softmax, seed: 1);
        _learner = new OnlineLearner(model, LearningAlgorithms.Parse(Algorithm));
    }

    [Benchmark]
    public LearnResult LearnBatch()
    {
        int index = _next++ % Batches;
        return _learner.LearnBatch(_inputs[index], _targets[index], BatchSize, _learner.Hyperparameters.Iterations);
    }
}
