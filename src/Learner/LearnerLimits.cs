using System.Globalization;

namespace EdgeIL.Learner;

/// <summary>
/// The ranges every value describing a learner must lie in, wherever it comes from: a device
/// configuration, a command line, a checkpoint or an imported model's metadata. Keeping them in one
/// place means a file can never hold a learner that a configuration could not have asked for, and
/// the cost of one learn step (units times inference iterations) has a bound known in advance.
/// </summary>
public static class LearnerLimits
{
    /// <summary>The largest inference budget T. A step's cost grows linearly with it; the paper's settings use 12..25, and the implicit-step comparison runs IL-prox to its fixed point with 2,000.</summary>
    public const int MaximumIterations = 2000;

    /// <summary>The most hidden layers a network may have.</summary>
    public const int MaximumHiddenLayers = 16;

    /// <summary>The widest hidden layer.</summary>
    public const int MaximumHiddenLayerSize = 16_384;

    /// <summary>The widest input or output layer (a camera frame's pixels, an autoencoder's reconstruction).</summary>
    public const int MaximumLayerSize = 1 << 24;

    /// <summary>The largest proximal step size alpha.</summary>
    public const float MaximumAlpha = 1e6f;

    /// <summary>The largest learning rate.</summary>
    public const float MaximumLearningRate = 1e3f;

    /// <summary>The largest activity step weight, gamma_bot or gamma_top.</summary>
    public const float MaximumGamma = 1e3f;

    /// <summary>The largest NLMS damping epsilon.</summary>
    public const float MaximumEpsilon = 1e6f;

    /// <summary>The most samples between two rebalancings of the hidden units (0 turns rebalancing off).</summary>
    public const int MaximumBalanceInterval = 1_000_000;

    /// <summary>The most samples a <see cref="ReplayMemory"/> holds.</summary>
    public const int MaximumReplayCapacity = 1_000_000;

    /// <summary>The most samples replayed after each learn step.</summary>
    public const int MaximumReplaysPerStep = 64;

    /// <summary>
    /// The most values (inputs and targets together) a <see cref="ReplayMemory"/> holds: 256 MB, so
    /// a memory, and the checkpoint that keeps it, fits a board and stays below a checkpoint's size limit.
    /// </summary>
    public const long MaximumReplayValues = 1L << 26;

    /// <summary>
    /// The largest value of a sample counter (samples seen, Adam's step count, the input stage's
    /// observed count). Half of <see cref="long.MaxValue"/>: a counter loaded at the limit can
    /// still be incremented for longer than any device runs (about 10^11 years at 1,000 samples a
    /// second) without overflowing, so a save never fails for it.
    /// </summary>
    public const long MaximumSampleCount = long.MaxValue / 2;

    /// <summary>Writes a limit as messages show it: <c>1e6</c>, not <c>1E+06</c> or <c>1000000</c>.</summary>
    /// <param name="value">The limit.</param>
    /// <returns>The text.</returns>
    public static string Format(double value) => value.ToString("0.###e0", CultureInfo.InvariantCulture);

    /// <summary>Checks a network's layer sizes <c>d_0..d_N</c>, throwing an <see cref="ArgumentException"/> naming the first one out of range.</summary>
    /// <param name="sizes">The layer sizes, input first.</param>
    public static void ValidateLayerSizes(ReadOnlySpan<int> sizes)
    {
        string? problem = LayerSizesProblem(sizes);
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(sizes));
        }
    }

    /// <summary>Describes what is wrong with the layer sizes <c>d_0..d_N</c>, or null when they are in range.</summary>
    /// <param name="sizes">The layer sizes, input first.</param>
    /// <returns>The problem, or null.</returns>
    public static string? LayerSizesProblem(ReadOnlySpan<int> sizes)
    {
        if (sizes.Length < 2 || sizes.Length > MaximumHiddenLayers + 2)
        {
            return $"{sizes.Length} layer sizes; a network has 2..{MaximumHiddenLayers + 2} (at most {MaximumHiddenLayers} hidden layers)";
        }

        for (int i = 0; i < sizes.Length; i++)
        {
            bool hidden = i > 0 && i < sizes.Length - 1;
            int maximum = hidden ? MaximumHiddenLayerSize : MaximumLayerSize;
            if (sizes[i] < 1 || sizes[i] > maximum)
            {
                return $"layer {i} has {sizes[i]} units; {(hidden ? "a hidden" : i == 0 ? "the input" : "the output")} layer has 1..{maximum}";
            }
        }

        return null;
    }

    /// <summary>Describes what is wrong with a replay memory's settings, or null when they are in range.</summary>
    /// <param name="capacity">Samples held.</param>
    /// <param name="replaysPerStep">Samples replayed per learn step.</param>
    /// <param name="inputSize">Values per input.</param>
    /// <param name="outputSize">Values per target.</param>
    /// <returns>The problem, or null.</returns>
    public static string? CheckReplay(int capacity, int replaysPerStep, int inputSize, int outputSize)
    {
        if (capacity < 1 || capacity > MaximumReplayCapacity)
        {
            return $"capacity {capacity} is outside 1..{MaximumReplayCapacity}";
        }

        if (replaysPerStep < 0 || replaysPerStep > MaximumReplaysPerStep)
        {
            return $"{replaysPerStep} replays per step is outside 0..{MaximumReplaysPerStep}";
        }

        long values = (long)capacity * ((long)inputSize + outputSize);
        return values > MaximumReplayValues
            ? $"{capacity} samples of {inputSize} + {outputSize} values need {values} values; at most {MaximumReplayValues} (256 MB) are allowed"
            : null;
    }
}
