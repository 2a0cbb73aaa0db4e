using EdgeIL.Learner;
using EdgeIL.Learner.Drift;

namespace EdgeIL.Host.Runs;

/// <summary>How the model's input stage is set up.</summary>
/// <param name="Standardize">Running standardisation instead of a fixed scale and offset.</param>
/// <param name="Scale">Fixed scale; null for the data's default (1/255 for pixels, 1 for sensors).</param>
/// <param name="Offset">Fixed offset subtracted before scaling.</param>
/// <param name="FreezeAfter">With <paramref name="Standardize"/>: stop updating the statistics after this many samples (null: never).</param>
public sealed record InputScalingOptions(bool Standardize = false, float? Scale = null, float Offset = 0f, long? FreezeAfter = null);

/// <summary>One online run: a learner, a stream, and how it is measured.</summary>
public sealed record RunOptions
{
    /// <summary>The learning rule.</summary>
    public LearningAlgorithm Algorithm { get; init; } = LearningAlgorithm.ILProx;

    /// <summary>Layer sizes <c>d_0..d_N</c>; for classification <c>d_N</c> is the number of classes, for autoencoders <c>d_N = d_0</c>.</summary>
    public required int[] Layers { get; init; }

    /// <summary>What is learned.</summary>
    public LearningTask Task { get; init; } = LearningTask.Classify;

    /// <summary>
    /// The output of an autoencoder: <see cref="OutputHead.Sigmoid"/> with binary cross-entropy for
    /// inputs scaled to [0, 1] (pixels), or <see cref="OutputHead.Identity"/> with squared error for
    /// standardised sensor readings (as the device's <c>reconstructionHead</c>).
    /// </summary>
    public OutputHead ReconstructionHead { get; init; } = OutputHead.Sigmoid;

    /// <summary>The rule's settings.</summary>
    public required Hyperparameters Hyperparameters { get; init; }

    /// <summary>Samples to learn from; null for one pass over the training set.</summary>
    public long? Samples { get; init; }

    /// <summary>Seeds the initial weights and the order of the stream.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Samples between held-out evaluations; the end of the run is always evaluated.</summary>
    public int EvaluateEvery { get; init; } = 1000;

    /// <summary>
    /// Sample counts at which to evaluate instead of every <see cref="EvaluateEvery"/> (the paper's
    /// tables read accuracy after 1,000, 2,000, 4,000 ... samples); the end is always evaluated.
    /// </summary>
    public IReadOnlyList<long>? EvaluateAt { get; init; }

    /// <summary>Samples per learn step (1: online).</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>Samples in the prequential sliding window.</summary>
    public int PrequentialWindow { get; init; } = 1000;

    /// <summary>Held-out samples evaluated at each checkpoint; null for the whole test set.</summary>
    public int? TestSamples { get; init; }

    /// <summary>The model's input stage.</summary>
    public InputScalingOptions InputScaling { get; init; } = new();

    /// <summary>Where to write the learner's per-layer trace (<see cref="RunTrace"/>); null for none.</summary>
    public string? TracePath { get; init; }

    /// <summary>Samples per row of the trace.</summary>
    public int TraceEvery { get; init; } = 1000;

    /// <summary>The learner's replay memory; null for none.</summary>
    public ReplayMemorySettings? Replay { get; init; }

    /// <summary>The drift detector run on the prequential loss (<see cref="DriftEvent"/>); null for none.</summary>
    public DriftDetectorSettings? DetectDrift { get; init; }

    /// <summary>The threads each batch-1 learn step is split across (<see cref="OnlineLearner.Workers"/>); 1 for none.</summary>
    public int LearnerThreads { get; init; } = 1;

    /// <summary>The first evaluation point after <paramref name="samples"/>.</summary>
    public long NextEvaluationAfter(long samples)
    {
        if (EvaluateAt is null)
        {
            return (samples / EvaluateEvery + 1) * EvaluateEvery;
        }

        foreach (long point in EvaluateAt.Order())
        {
            if (point > samples)
            {
                return point;
            }
        }

        return long.MaxValue;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        Hyperparameters.Validate();
        if (Layers.Length < 2 || Layers.Any(size => size < 1))
        {
            throw new ArgumentException($"--layers {string.Join(',', Layers)}: give at least two sizes, each at least 1.");
        }

        if (Samples is < 1)
        {
            throw new ArgumentException($"--samples {Samples}: must be at least 1.");
        }

        if (ReconstructionHead is not (OutputHead.Sigmoid or OutputHead.Identity))
        {
            throw new ArgumentException($"The reconstruction head {ReconstructionHead}: use Sigmoid or Identity.");
        }

        if (EvaluateEvery < 1)
        {
            throw new ArgumentException($"--eval-every {EvaluateEvery}: must be at least 1.");
        }

        if (TraceEvery < 1)
        {
            throw new ArgumentException($"--trace-every {TraceEvery}: must be at least 1.");
        }

        if (Replay?.Problem(Layers[0], Layers[^1]) is { } replayProblem)
        {
            throw new ArgumentException($"--replay {Replay.Capacity} --replay-per-step {Replay.ReplaysPerStep}: {replayProblem}.");
        }

        if (DetectDrift is not null)
        {
            try
            {
                DetectDrift.Create();
            }
            catch (ArgumentOutOfRangeException exception)
            {
                string option = exception.ParamName switch
                {
                    "delta" when DetectDrift.Kind == DriftDetectorKind.Adwin => "--drift-confidence",
                    "delta" => "--drift-tolerance",
                    _ => "--drift-threshold",
                };
                throw new ArgumentException($"{option}: {exception.Message.Split(" (Parameter", 2)[0]}");
            }
        }

        if (BatchSize < 1)
        {
            throw new ArgumentException($"--batch {BatchSize}: must be at least 1.");
        }

        if (PrequentialWindow < 1)
        {
            throw new ArgumentException($"--window {PrequentialWindow}: must be at least 1.");
        }

        if (LearnerThreads is < 1 or > WorkerPool.MaxThreads)
        {
            throw new ArgumentException($"--threads {LearnerThreads}: must be 1..{WorkerPool.MaxThreads}.");
        }
    }
}
