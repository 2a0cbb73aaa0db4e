using System.Diagnostics;
using System.Numerics.Tensors;
using EdgeIL.Host.Runs;
using EdgeIL.Learner;

namespace EdgeIL.Host.Experiments.Continual;

/// <summary>One configuration of the continual experiment: a rule, with or without replay, on one stream and seed.</summary>
/// <param name="Row">The table row: the rule's name, with "+ replay" when it has a memory.</param>
/// <param name="Stream">The stream.</param>
/// <param name="Algorithm">The rule.</param>
/// <param name="Hyperparameters">Its settings.</param>
/// <param name="Replay">The replay memory; null for none.</param>
/// <param name="Seed">Seed of the initial weights and the memory's draws (the stream's own order is fixed by its seed).</param>
public sealed record ContinualConfiguration(string Row, ContinualStream Stream, LearningAlgorithm Algorithm, Hyperparameters Hyperparameters, ReplayMemorySettings? Replay, int Seed);

/// <summary>What one continual run measured.</summary>
/// <param name="Configuration">What ran.</param>
/// <param name="Accuracy">
/// <c>R[i][j]</c>: test accuracy (0..1) on task j after training through task i; NaN for rows not reached.
/// </param>
/// <param name="Recovery">
/// For each task boundary i (before task i + 1): samples into the new task until the prequential
/// accuracy over the last <see cref="ContinualRun.RecoveryWindow"/> samples is back to 90 % of its level
/// over the last <see cref="ContinualRun.LevelWindow"/> samples before the shift; -1 when it never was.
/// </param>
/// <param name="LearnMicrosecondsMedian">The median learn step, replays included.</param>
/// <param name="RejectedSteps">Steps the numerical guard refused.</param>
/// <param name="Partial">True when the run was stopped early.</param>
public sealed record ContinualResult(ContinualConfiguration Configuration, double[,] Accuracy, int[] Recovery, double LearnMicrosecondsMedian, long RejectedSteps, bool Partial);

/// <summary>Runs one continual configuration: every task in order, one pass, batch 1, every sample scored before it is learned.</summary>
public static class ContinualRun
{
    /// <summary>Samples the level before a shift is measured over.</summary>
    public const int LevelWindow = 500;

    /// <summary>Samples the accuracy after a shift is measured over.</summary>
    public const int RecoveryWindow = 100;

    /// <summary>The share of the earlier level that counts as recovered.</summary>
    public const double RecoveredShare = 0.9;

    /// <summary>The network: the lifelong experiment's classifier.</summary>
    public static int[] Layers(ContinualStream stream) => [stream.FeatureCount, 256, 256, stream.ClassCount];

    /// <summary>Runs <paramref name="configuration"/>; <paramref name="progress"/> hears the samples done.</summary>
    public static ContinualResult Execute(ContinualConfiguration configuration, IRunObserver? progress, CancellationToken cancellation)
    {
        ContinualStream stream = configuration.Stream;
        int tasks = stream.TaskCount;
        var model = Mlp.CreateRandom(Layers(stream), OutputHead.Softmax, configuration.Seed);
        if (stream.Standardize)
        {
            model.Input.StartStandardizing();
        }
        else
        {
            model.Input.SetFixed(0f, 1f / 255f);
        }

        var learner = new OnlineLearner(model, configuration.Algorithm, configuration.Hyperparameters)
        {
            Replay = configuration.Replay?.Create(model.InputSize, model.OutputSize, (ulong)configuration.Seed),
        };

        (float[] Features, int[] Labels)[] tests = [.. Enumerable.Range(0, tasks).Select(stream.TestSet)];
        double[,] accuracy = new double[tasks, tasks];
        for (int i = 0; i < tasks; i++)
        {
            for (int j = 0; j < tasks; j++)
            {
                accuracy[i, j] = double.NaN;
            }
        }

        int[] recovery = [.. Enumerable.Repeat(-1, Math.Max(0, tasks - 1))];
        float[] features = new float[stream.FeatureCount];
        float[] logits = new float[stream.ClassCount];
        var recent = new CorrectnessWindow(LevelWindow);
        var times = new TimingSample();
        long rejected = 0, done = 0, total = Enumerable.Range(0, tasks).Sum(t => (long)stream.SamplesIn(t));
        bool partial = false;
        for (int task = 0; task < tasks && !partial; task++)
        {
            double level = task == 0 ? double.NaN : recent.Accuracy(LevelWindow);
            for (int index = 0; index < stream.SamplesIn(task); index++)
            {
                if (cancellation.IsCancellationRequested)
                {
                    partial = true;
                    break;
                }

                int label = stream.TrainSample(task, index, features);
                model.ComputeLogits(features, logits);
                recent.Add(TensorPrimitives.IndexOfMax(logits) == label);
                if (task > 0 && recovery[task - 1] < 0 && index + 1 >= RecoveryWindow && recent.Accuracy(RecoveryWindow) >= RecoveredShare * level)
                {
                    recovery[task - 1] = index + 1;
                }

                long start = Stopwatch.GetTimestamp();
                rejected += learner.LearnClass(features, label).Applied ? 0 : 1;
                times.Add(Stopwatch.GetTimestamp() - start);
                if (++done % 500 == 0)
                {
                    progress?.Progress(done, total);
                }
            }

            if (!partial)
            {
                for (int j = 0; j < tasks; j++)
                {
                    accuracy[task, j] = Accuracy(model, tests[j], logits);
                }
            }
        }

        progress?.Progress(done, total);
        return new ContinualResult(configuration, accuracy, recovery, times.MedianMicroseconds(), rejected, partial);
    }

    private static double Accuracy(Mlp model, (float[] Features, int[] Labels) test, float[] logits)
    {
        int d = model.InputSize;
        int correct = 0;
        for (int i = 0; i < test.Labels.Length; i++)
        {
            model.ComputeLogits(test.Features.AsSpan(i * d, d), logits);
            correct += TensorPrimitives.IndexOfMax(logits) == test.Labels[i] ? 1 : 0;
        }

        return test.Labels.Length == 0 ? double.NaN : (double)correct / test.Labels.Length;
    }

    /// <summary>The latest prediction outcomes, for accuracies over the last few of them.</summary>
    private sealed class CorrectnessWindow(int capacity)
    {
        private readonly bool[] _ring = new bool[capacity];
        private int _next;
        private int _count;

        public void Add(bool correct)
        {
            _ring[_next] = correct;
            _next = (_next + 1) % _ring.Length;
            _count = Math.Min(_count + 1, _ring.Length);
        }

        public double Accuracy(int last)
        {
            int n = Math.Min(last, _count);
            int correct = 0;
            for (int k = 1; k <= n; k++)
            {
                correct += _ring[(_next - k + _ring.Length) % _ring.Length] ? 1 : 0;
            }

            return n == 0 ? double.NaN : (double)correct / n;
        }
    }
}
