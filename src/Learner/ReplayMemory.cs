namespace EdgeIL.Learner;

/// <summary>
/// A fixed-size memory of past samples for rehearsal (experience replay): every learn step of an
/// <see cref="OnlineLearner"/> that has one also learns from <see cref="ReplaysPerStep"/> samples drawn
/// from it, so a shift in the stream does not simply overwrite what the model knew.
/// </summary>
/// <remarks>
/// <para>
/// The memory is a reservoir sample (J. S. Vitter, "Random sampling with a reservoir", ACM TOMS 11(1),
/// 1985, Algorithm R): the first <see cref="Capacity"/> samples fill it; the <c>t</c>-th sample after
/// that replaces a uniformly chosen slot with probability <c>Capacity / t</c>. At every moment each
/// sample offered so far is in memory with the same probability, so the memory is a uniform sample of
/// the whole stream, old regimes included, in a bounded space.
/// </para>
/// <para>
/// It holds each sample as the learner received it: the raw input and the target. Its arrays are
/// allocated once; offering and drawing allocate nothing. The random generator (SplitMix64) is part of
/// the state a checkpoint keeps, so a resumed device draws what an uninterrupted one would have.
/// </para>
/// </remarks>
public sealed class ReplayMemory
{
    private readonly float[] _inputs;
    private readonly float[] _targets;
    private ulong _random;

    /// <summary>Initializes an empty memory.</summary>
    /// <param name="capacity">Samples held, range 1..<see cref="LearnerLimits.MaximumReplayCapacity"/>; with the sample sizes, at most <see cref="LearnerLimits.MaximumReplayValues"/> values.</param>
    /// <param name="replaysPerStep">Samples replayed after each learn step (k), range 0..<see cref="LearnerLimits.MaximumReplaysPerStep"/>.</param>
    /// <param name="inputSize">Values per input (<c>d_0</c>).</param>
    /// <param name="outputSize">Values per target (<c>d_N</c>).</param>
    /// <param name="seed">Seed of the draws.</param>
    public ReplayMemory(int capacity, int replaysPerStep, int inputSize, int outputSize, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputSize, 1);
        if (LearnerLimits.CheckReplay(capacity, replaysPerStep, inputSize, outputSize) is { } problem)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"Replay memory: {problem}.");
        }

        Capacity = capacity;
        ReplaysPerStep = replaysPerStep;
        InputSize = inputSize;
        OutputSize = outputSize;
        _inputs = new float[(long)capacity * inputSize];
        _targets = new float[(long)capacity * outputSize];
        _random = seed;
    }

    /// <summary>Gets the samples the memory holds when full.</summary>
    public int Capacity { get; }

    /// <summary>Gets the samples replayed after each learn step (k).</summary>
    public int ReplaysPerStep { get; }

    /// <summary>Gets the values per input.</summary>
    public int InputSize { get; }

    /// <summary>Gets the values per target.</summary>
    public int OutputSize { get; }

    /// <summary>Gets the samples held now.</summary>
    public int Count { get; private set; }

    /// <summary>Gets the samples offered over the memory's life (the reservoir's <c>t</c>).</summary>
    public long Offered { get; private set; }

    /// <summary>Gets the bytes the stored samples take (allocated up front, whatever <see cref="Count"/> is).</summary>
    public long MemoryBytes => ((long)_inputs.Length + _targets.Length) * sizeof(float);

    /// <summary>Gets the generator's state, for checkpoints.</summary>
    internal ulong RandomState => _random;

    /// <summary>Offers a sample the learner has just learned from; it is kept with the reservoir's probability.</summary>
    /// <param name="input">The raw input, length <see cref="InputSize"/>.</param>
    /// <param name="target">The target, length <see cref="OutputSize"/>.</param>
    public void Offer(ReadOnlySpan<float> input, ReadOnlySpan<float> target)
    {
        if (input.Length != InputSize || target.Length != OutputSize)
        {
            throw new ArgumentException($"Expected an input of {InputSize} and a target of {OutputSize} values, got {input.Length} and {target.Length}.");
        }

        // Counting stops where checkpoints stop accepting it; by then a slot is replaced with
        // probability below 1e-12 per sample, so the reservoir is as good as frozen anyway.
        Offered = Math.Min(Offered + 1, LearnerLimits.MaximumSampleCount);
        int slot;
        if (Count < Capacity)
        {
            slot = Count++;
        }
        else
        {
            long draw = (long)(NextRandom() % (ulong)Offered);
            if (draw >= Capacity)
            {
                return;
            }

            slot = (int)draw;
        }

        input.CopyTo(_inputs.AsSpan(slot * InputSize, InputSize));
        target.CopyTo(_targets.AsSpan(slot * OutputSize, OutputSize));
    }

    /// <summary>Draws a stored sample uniformly.</summary>
    /// <returns>The slot of the sample; see <see cref="Input"/> and <see cref="Target"/>.</returns>
    /// <exception cref="InvalidOperationException">The memory is empty.</exception>
    public int Draw()
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("The replay memory is empty.");
        }

        return (int)(NextRandom() % (ulong)Count);
    }

    /// <summary>Gets the input stored in <paramref name="slot"/>.</summary>
    /// <param name="slot">A slot below <see cref="Count"/>.</param>
    /// <returns>The input.</returns>
    public ReadOnlySpan<float> Input(int slot) => _inputs.AsSpan(CheckSlot(slot) * InputSize, InputSize);

    /// <summary>Gets the target stored in <paramref name="slot"/>.</summary>
    /// <param name="slot">A slot below <see cref="Count"/>.</param>
    /// <returns>The target.</returns>
    public ReadOnlySpan<float> Target(int slot) => _targets.AsSpan(CheckSlot(slot) * OutputSize, OutputSize);

    /// <summary>Copies another memory's contents and generator into this one (a rollback restoring a saved state).</summary>
    /// <param name="other">A memory of the same capacity and sample sizes.</param>
    public void CopyFrom(ReplayMemory other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Capacity != Capacity || other.InputSize != InputSize || other.OutputSize != OutputSize)
        {
            throw new ArgumentException("The replay memories differ in capacity or sample sizes.", nameof(other));
        }

        other.StoredInputs.CopyTo(_inputs);
        other.StoredTargets.CopyTo(_targets);
        Count = other.Count;
        Offered = other.Offered;
        _random = other._random;
    }

    /// <summary>The stored inputs, <see cref="Count"/> rows (for checkpoints).</summary>
    internal ReadOnlySpan<float> StoredInputs => _inputs.AsSpan(0, Count * InputSize);

    /// <summary>The stored targets, <see cref="Count"/> rows (for checkpoints).</summary>
    internal ReadOnlySpan<float> StoredTargets => _targets.AsSpan(0, Count * OutputSize);

    /// <summary>Restores a checkpointed state; the caller has validated every value.</summary>
    internal void Restore(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int count, long offered, ulong random)
    {
        inputs.CopyTo(_inputs);
        targets.CopyTo(_targets);
        Count = count;
        Offered = offered;
        _random = random;
    }

    private int CheckSlot(int slot)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(slot, Count);
        return slot;
    }

    // SplitMix64 (Steele, Lea and Flood, OOPSLA 2014): one 64-bit state, which a checkpoint can hold.
    private ulong NextRandom()
    {
        ulong z = _random += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>A replay memory's settings, as the command line and the device configuration give them.</summary>
/// <param name="Capacity">Samples held, range 1..<see cref="LearnerLimits.MaximumReplayCapacity"/>.</param>
/// <param name="ReplaysPerStep">Samples replayed after each learn step, range 0..<see cref="LearnerLimits.MaximumReplaysPerStep"/>.</param>
public sealed record ReplayMemorySettings(int Capacity, int ReplaysPerStep)
{
    /// <summary>Creates an empty memory for a model of <paramref name="inputSize"/> inputs and <paramref name="outputSize"/> outputs.</summary>
    /// <param name="inputSize">Values per input.</param>
    /// <param name="outputSize">Values per target.</param>
    /// <param name="seed">Seed of the draws.</param>
    /// <returns>The memory.</returns>
    public ReplayMemory Create(int inputSize, int outputSize, ulong seed) => new(Capacity, ReplaysPerStep, inputSize, outputSize, seed);

    /// <summary>Describes what is wrong with these settings for a model of the given sizes, or null when they are in range.</summary>
    /// <param name="inputSize">Values per input.</param>
    /// <param name="outputSize">Values per target.</param>
    /// <returns>The problem, or null.</returns>
    public string? Problem(int inputSize, int outputSize) => LearnerLimits.CheckReplay(Capacity, ReplaysPerStep, inputSize, outputSize);
}
