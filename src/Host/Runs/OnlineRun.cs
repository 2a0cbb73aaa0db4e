using System.Diagnostics;
using System.Numerics.Tensors;
using EdgeIL.Device.Streams;
using EdgeIL.Host.Data;
using EdgeIL.Learner;

namespace EdgeIL.Host.Runs;

/// <summary>Hears how a run is going: for progress bars and live tables.</summary>
public interface IRunObserver
{
    /// <summary>Called every few hundred samples with the samples done so far and the total.</summary>
    void Progress(long done, long total);

    /// <summary>Called after each held-out evaluation.</summary>
    void Evaluated(Evaluation evaluation);
}

/// <summary>What a run measured.</summary>
public sealed record RunResult(
    RunOptions Options,
    string Dataset,
    OnlineLearner Learner,
    IReadOnlyList<Evaluation> Checkpoints,
    Evaluation Final,
    double LearnMicrosecondsMedian,
    double PredictMicrosecondsMedian,
    long RejectedSteps,
    bool Partial)
{
    /// <summary>Gets the changes the drift detector found in the prequential loss, in stream order (empty without a detector).</summary>
    public IReadOnlyList<DriftEvent> Drifts { get; init; } = [];
}

/// <summary>
/// Streams a training set through a learner one sample (or mini-batch) at a time in a seeded order,
/// scoring each sample before learning from it (prequential) and evaluating the held-out set every
/// <see cref="RunOptions.EvaluateEvery"/> samples and at the end.
/// </summary>
public static class OnlineRun
{
    private const int ProgressInterval = 250;

    /// <summary>Builds the model and learner for <paramref name="options"/> on <paramref name="data"/>, with its input stage.</summary>
    public static OnlineLearner CreateLearner(TrainTestData data, RunOptions options)
    {
        options.Validate();
        int features = data.InputCount;
        if (options.Layers[0] != features)
        {
            throw new ArgumentException($"--layers starts with {options.Layers[0]} but {data.Name} has {features} input features per sample.");
        }

        if (options.Task == LearningTask.Regress && (data.TargetCount == 0 || options.Layers[^1] != data.TargetCount))
        {
            throw new ArgumentException(data.TargetCount == 0
                ? $"--task regress needs real-valued targets; {data.Name} has none."
                : $"--layers ends with {options.Layers[^1]} but {data.Name} has {data.TargetCount} regression targets ({string.Join(", ", data.TargetNames)}).");
        }

        if (options.Task != LearningTask.Regress && data.TargetCount > 0)
        {
            throw new ArgumentException($"{data.Name} was read with regression targets; use --task regress.");
        }

        if (options.Task == LearningTask.Classify && options.Layers[^1] != data.ClassCount)
        {
            throw new ArgumentException($"--layers ends with {options.Layers[^1]} but {data.Name} has {data.ClassCount} classes.");
        }

        if (options.Task == LearningTask.Autoencode && options.Layers[^1] != features)
        {
            throw new ArgumentException($"An autoencoder's --layers must end with the input size {features}, not {options.Layers[^1]}.");
        }

        if (options.Task == LearningTask.Autoencode && options.InputScaling.Standardize && options.ReconstructionHead == OutputHead.Sigmoid)
        {
            throw new ArgumentException("--standardize does not suit --task autoencode: the sigmoid output reconstructs inputs scaled to [0, 1].");
        }

        OutputHead head = options.Task switch
        {
            LearningTask.Classify => OutputHead.Softmax,
            LearningTask.Autoencode => options.ReconstructionHead,
            _ => OutputHead.Identity,
        };
        Mlp model = Mlp.CreateRandom(options.Layers, head, options.Seed);
        InputScalingOptions scaling = options.InputScaling;
        if (scaling.Standardize)
        {
            model.Input.StartStandardizing();
        }
        else
        {
            float defaultScale = data.Kind == DataKind.Pixels ? 1f / 255f : 1f;
            model.Input.SetFixed(scaling.Offset, scaling.Scale ?? defaultScale);
        }

        var learner = new OnlineLearner(model, options.Algorithm, options.Hyperparameters);
        learner.Replay = options.Replay?.Create(model.InputSize, model.OutputSize, (ulong)options.Seed);
        return learner;
    }

    /// <summary>Runs to the end of the stream, or until <paramref name="cancellation"/> fires (then the result is partial).</summary>
    public static RunResult Execute(TrainTestData data, RunOptions options, IRunObserver? observer = null, CancellationToken cancellation = default)
    {
        OnlineLearner learner = CreateLearner(data, options);
        using WorkerPool? workers = options.LearnerThreads > 1 ? new WorkerPool(options.LearnerThreads) : null;
        learner.Workers = workers;
        Mlp model = learner.Model;
        long total = options.Samples ?? data.Train.Count;
        int batch = options.BatchSize;
        int features = model.InputSize;
        int outputs = model.OutputSize;
        bool classify = options.Task == LearningTask.Classify;
        var evaluator = new TestEvaluator(data.Test, outputs, options.TestSamples);
        var window = new PrequentialWindow(options.PrequentialWindow);
        var checkpoints = new List<Evaluation>();
        var learnTimes = new TimingSample();
        var predictTimes = new TimingSample();
        float[] inputs = new float[batch * features];
        float[] targets = new float[batch * outputs];
        float[] logits = new float[outputs];
        float[] row = new float[features];
        float[] rowTargets = new float[data.Train.TargetCount];
        long seen = 0, rejected = 0, nextEvaluation = options.NextEvaluationAfter(0);
        bool partial = false;
        using RunTrace? trace = options.TracePath is null ? null : new RunTrace(learner, options.TracePath);
        var drifts = new DriftLog(options.DetectDrift);

        // Before any learning: where every curve starts (chance for a classifier).
        Record(0);
        using ISampleStream stream = data.OpenTrainStream((ulong)options.Seed, total);
        int inBatch = 0;
        while (stream.TryRead(row, rowTargets, out int label))
        {
            if (cancellation.IsCancellationRequested)
            {
                partial = true;
                break;
            }

            Span<float> input = inputs.AsSpan(inBatch * features, features);
            Span<float> target = targets.AsSpan(inBatch * outputs, outputs);
            row.CopyTo(input);
            switch (options.Task)
            {
                case LearningTask.Classify:
                    target.Clear();
                    target[label] = 1f;
                    break;
                case LearningTask.Autoencode:
                    model.Input.Apply(input, target);
                    break;
                default:
                    rowTargets.CopyTo(target);
                    break;
            }

            long start = Stopwatch.GetTimestamp();
            model.ComputeLogits(input, logits);
            predictTimes.Add(Stopwatch.GetTimestamp() - start);
            double loss = OutputFunctions.Loss(model.Head, logits, target);
            window.Add(classify && TensorPrimitives.IndexOfMax(logits) == label, loss);
            drifts.Add(seen + inBatch + 1, loss);
            if (++inBatch < batch && seen + inBatch < total)
            {
                continue;
            }

            start = Stopwatch.GetTimestamp();
            LearnResult result = learner.LearnBatch(
                inputs.AsSpan(0, inBatch * features), targets.AsSpan(0, inBatch * outputs), inBatch, options.Hyperparameters.Iterations);
            learnTimes.Add(Stopwatch.GetTimestamp() - start);
            rejected += result.Applied ? 0 : 1;
            seen += inBatch;
            inBatch = 0;
            if (seen >= options.InputScaling.FreezeAfter)
            {
                model.Input.Freeze();
            }

            if (trace is not null && seen % options.TraceEvery < batch)
            {
                trace.Write(seen, window.Loss);
            }

            if (seen >= nextEvaluation)
            {
                Record(seen);
                nextEvaluation = options.NextEvaluationAfter(seen);
            }

            if (seen % ProgressInterval < batch)
            {
                observer?.Progress(seen, total);
            }
        }

        if (checkpoints.Count == 0 || checkpoints[^1].Samples != seen)
        {
            Record(seen);
        }

        observer?.Progress(seen, total);

        // The pool is disposed on return; the learner handed back steps on the calling thread.
        learner.Workers = null;
        return new RunResult(
            options, data.Name, learner, checkpoints, checkpoints[^1],
            learnTimes.MedianMicroseconds(), predictTimes.MedianMicroseconds(),
            rejected, partial) { Drifts = drifts.Events };

        void Record(long samples)
        {
            Evaluation evaluation = options.Task switch
            {
                LearningTask.Classify => evaluator.EvaluateClassifier(model, samples) with { PrequentialAccuracy = window.Accuracy },
                LearningTask.Autoencode => evaluator.EvaluateAutoencoder(model, samples),
                _ => evaluator.EvaluateRegression(model, samples),
            };
            evaluation = evaluation with { PrequentialLoss = window.Loss };
            checkpoints.Add(evaluation);
            observer?.Evaluated(evaluation);
        }
    }
}
