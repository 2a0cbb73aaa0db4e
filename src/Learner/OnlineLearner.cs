using System.Numerics.Tensors;
using EdgeIL.Learner.Kernels;

namespace EdgeIL.Learner;

/// <summary>
/// Trains an <see cref="Mlp"/> one sample (or one mini-batch) at a time with one of the rules of
/// <see cref="LearningAlgorithm"/>. Batch-1 steps allocate nothing once the learner exists.
/// </summary>
/// <remarks>
/// Every rule updates layer <c>n</c> by an outer product of an error <c>e_{n+1}</c> and the
/// presynaptic activity <c>a_n</c>; the rules differ in where the errors come from (inference or
/// backprop), in the per-layer coefficient (a learning rate, or <c>1/s_n</c> for the normalised
/// rules) and in whether the step goes through Adam. A step that could make any weight or
/// optimiser state non-finite is refused as a whole before anything is written, so a rejected step
/// leaves the model bit-for-bit unchanged. An instance is not thread-safe.
/// </remarks>
public sealed class OnlineLearner
{
    /// <summary>
    /// The largest magnitude a step may give a weight or bias (and the largest a checkpoint may
    /// hold). No network this learner trains needs more; a checkpoint with more can only be damaged.
    /// </summary>
    public const float WeightMagnitudeLimit = 1e15f;

    /// <summary>
    /// The largest magnitude a step may let any pre-activation reach for an input inside the range
    /// the applied steps came from. Its square times the widest layer stays below
    /// <see cref="float.MaxValue"/>, so the squared norms a step computes are finite as well.
    /// </summary>
    public const float ActivationMagnitudeLimit = 1e15f;

    // Adam's gradients are squared; keeping them below this keeps the squares finite in float32.
    private const double AdamGradientLimit = 1e18;

    private readonly LearnerWorkspace _single;
    private readonly float[] _oneHot;
    private readonly ForwardBound _forwardBound;
    private readonly float[] _layerScale;
    private readonly float[] _balanceColumns;
    private readonly float[] _balanceFactors;
    private readonly double _adamRatioBound;
    private LearnerWorkspace? _batchWorkspace;
    private float[][]? _batchWeightDirection;
    private float[][]? _batchBiasDirection;
    private ReplayMemory? _replay;

    private readonly SampleKernels _sample;
    private readonly float[] _scaledError;

    /// <summary>Creates a learner that trains <paramref name="model"/> in place.</summary>
    /// <param name="model">The network to train.</param>
    /// <param name="algorithm">The learning rule.</param>
    /// <param name="hyperparameters">Its settings; <see cref="Hyperparameters.For"/> when null.</param>
    public OnlineLearner(Mlp model, LearningAlgorithm algorithm, Hyperparameters? hyperparameters = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!Enum.IsDefined(algorithm))
        {
            throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown learning algorithm.");
        }

        hyperparameters ??= Hyperparameters.For(algorithm);
        hyperparameters.Validate();
        Model = model;
        Algorithm = algorithm;
        Hyperparameters = hyperparameters;
        Adam = algorithm.UsesAdam() ? new AdamState(model) : null;
        _single = new LearnerWorkspace(model.LayerSizes, 1);
        _oneHot = new float[model.OutputSize];
        _forwardBound = new ForwardBound(model);
        _layerScale = new float[model.LayerCount];
        int widestHidden = model.LayerCount > 1 ? model.LayerSizes[1..^1].ToArray().Max() : 0;
        _balanceColumns = new float[widestHidden];
        _balanceFactors = new float[widestHidden];

        // No transposed copy for the Adam rules, whose per-weight steps are not an outer product the copy
        // could follow, nor for a single hidden layer, which has no hidden-to-hidden matrix.
        _sample = new SampleKernels(Adam is null && model.LayerCount > 2 ? new TransposedWeights(model) : null);
        _scaledError = new float[model.LayerSizes[1..].ToArray().Max()];
        double beta1 = hyperparameters.AdamBeta1, beta2 = hyperparameters.AdamBeta2;

        // With beta1^2 < beta2, Cauchy-Schwarz bounds |m_hat| / sqrt(s_hat) by this constant for
        // every step count, so one Adam step moves a weight by at most lr times it.
        _adamRatioBound = 1.0 / Math.Sqrt((1 - beta2) * (1 - beta1 * beta1 / beta2));
    }

    /// <summary>The network being trained.</summary>
    public Mlp Model { get; }

    /// <summary>The learning rule.</summary>
    public LearningAlgorithm Algorithm { get; }

    /// <summary>The rule's settings.</summary>
    public Hyperparameters Hyperparameters { get; }

    /// <summary>Adam's state, for the rules that use Adam; otherwise null.</summary>
    public AdamState? Adam { get; }

    /// <summary>Samples the model has learned from (those of applied steps).</summary>
    public long SamplesSeen { get; set; }

    /// <summary>Measures every applied batch-1 step when set (a trace of a long run); null normally.</summary>
    public LearnerProbe? Probe { get; set; }

    /// <summary>The vector width of the hand-written kernels (tests pin it; normally <see cref="SimdSelection.Current"/>).</summary>
    public SimdLevel SimdLevel { get; set; } = SimdSelection.Current;

    /// <summary>
    /// Gets or sets the threads that split the matrix work of batch-1 steps: the feed-forward pass, the
    /// relaxation and the weight step. Null (the default) runs everything on the calling thread. The results
    /// are the same bits for any number of threads. The caller owns the pool and disposes of it; one pool
    /// serves one learner at a time.
    /// </summary>
    public WorkerPool? Workers
    {
        get => _sample.Workers;
        set => _sample.Workers = value;
    }

    /// <summary>
    /// A learner that continues this one's training with other settings: the same model, Adam state
    /// and samples seen. A device resumed from a checkpoint uses it when its configuration changed a
    /// setting, so tuning a rule never throws away what was learned.
    /// </summary>
    public OnlineLearner WithHyperparameters(Hyperparameters hyperparameters)
    {
        var next = new OnlineLearner(Model, Algorithm, hyperparameters) { SamplesSeen = SamplesSeen, SimdLevel = SimdLevel, Replay = Replay, Workers = Workers };
        if (Adam is { } adam && next.Adam is { } copy)
        {
            copy.CopyFrom(adam);
        }

        return next;
    }

    /// <summary>
    /// Gets or sets the replay memory: when set, every applied step is followed by
    /// <see cref="ReplayMemory.ReplaysPerStep"/> single-sample steps on samples drawn from it, and the
    /// step's own samples are then offered to it. Replayed steps do not count in
    /// <see cref="SamplesSeen"/> and do not feed the input stage's running statistics: they are the
    /// same samples again, not new ones. Null (the default) for none.
    /// </summary>
    /// <exception cref="ArgumentException">The memory's sample sizes differ from the model's.</exception>
    public ReplayMemory? Replay
    {
        get => _replay;
        set
        {
            if (value is not null && (value.InputSize != Model.InputSize || value.OutputSize != Model.OutputSize))
            {
                throw new ArgumentException($"The replay memory holds samples of {value.InputSize} -> {value.OutputSize} values; the model takes {Model.InputSize} -> {Model.OutputSize}.", nameof(value));
            }

            _replay = value;
        }
    }

    /// <summary>
    /// Restores another learner's trained state into this one, in place and without allocating: the
    /// model's parameters and input stage, Adam's moments and the replay memory's contents. A device
    /// rolling back to its known-good model uses it. <see cref="SamplesSeen"/> is left as it is: it
    /// counts the stream, which a rollback does not rewind, and checkpoints are named by it.
    /// </summary>
    /// <param name="source">A learner of the same shape and rule, with a replay memory of the same settings or none when this one has none.</param>
    /// <exception cref="ArgumentException">The learners differ in shape, rule or replay memory.</exception>
    public void RestoreStateFrom(OnlineLearner source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!source.Model.HasSameShape(Model) || source.Algorithm != Algorithm)
        {
            throw new ArgumentException("The learner to restore from differs in shape or rule.", nameof(source));
        }

        if ((_replay is null) != (source._replay is null))
        {
            throw new ArgumentException("One learner has a replay memory and the other has none.", nameof(source));
        }

        source.Model.CopyParametersTo(Model);
        if (Adam is { } adam && source.Adam is { } from)
        {
            adam.CopyFrom(from);
        }

        if (_replay is { } replay)
        {
            replay.CopyFrom(source._replay!);
        }
    }

    /// <summary>One step on one sample with the full inference budget.</summary>
    public LearnResult Learn(ReadOnlySpan<float> input, ReadOnlySpan<float> target) =>
        Learn(input, target, Hyperparameters.Iterations);

    /// <summary>
    /// One step on one sample. <paramref name="iterationBudget"/> may lower the inference budget for
    /// this step (a device under load does); it never raises it past
    /// <see cref="Hyperparameters.Iterations"/>, so a step's cost has a fixed bound.
    /// </summary>
    /// <param name="input">The raw input, length <c>d_0</c>; the model's <see cref="Mlp.Input"/> stage turns it into <c>x</c>.</param>
    /// <param name="target">The label <c>y</c>, length <c>d_N</c>: one-hot for classifiers, the input itself for autoencoders.</param>
    /// <param name="iterationBudget">Inference iterations allowed, range &gt;= 0; ignored by the backprop rules.</param>
    public LearnResult Learn(ReadOnlySpan<float> input, ReadOnlySpan<float> target, int iterationBudget) =>
        LearnBatch(input, target, 1, iterationBudget);

    /// <summary>One step on one sample of class <paramref name="label"/> (a one-hot label).</summary>
    public LearnResult LearnClass(ReadOnlySpan<float> input, int label, int iterationBudget = int.MaxValue)
    {
        if ((uint)label >= (uint)_oneHot.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(label), label, $"Class labels range over 0..{_oneHot.Length - 1}.");
        }

        Array.Clear(_oneHot);
        _oneHot[label] = 1f;
        return Learn(input, _oneHot, iterationBudget);
    }

    /// <summary>
    /// One step on a mini-batch (algorithms.md, appendix B.5): the update averages numerators and
    /// denominators separately, <c>Delta W_n = mean_b(e a^T) / (mean_b ||a||^2 + 1 + eps)</c>.
    /// </summary>
    /// <param name="inputs">The inputs, <c>batchSize x d_0</c> row-major.</param>
    /// <param name="targets">The labels, <c>batchSize x d_N</c> row-major.</param>
    /// <param name="batchSize">Samples in the batch, range &gt;= 1.</param>
    /// <param name="iterationBudget">Inference iterations allowed, range &gt;= 0.</param>
    public LearnResult LearnBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize, int iterationBudget)
    {
        LearnResult result = Step(inputs, targets, batchSize, iterationBudget, fromStream: true);
        if (_replay is { } replay && result.Status == LearnStatus.Applied)
        {
            // Replay first, then remember: the sample just learned is not rehearsed at once, and a
            // sample the guard refused (an outlier) never enters the memory.
            for (int i = 0; i < replay.ReplaysPerStep && replay.Count > 0; i++)
            {
                int slot = replay.Draw();
                Step(replay.Input(slot), replay.Target(slot), 1, iterationBudget, fromStream: false);
            }

            int features = Model.InputSize, outputs = Model.OutputSize;
            for (int b = 0; b < batchSize; b++)
            {
                replay.Offer(inputs.Slice(b * features, features), targets.Slice(b * outputs, outputs));
            }
        }

        return result;
    }

    private LearnResult Step(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batchSize, int iterationBudget, bool fromStream)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(iterationBudget);
        if (inputs.Length != batchSize * Model.InputSize)
        {
            throw new ArgumentException($"Expected {batchSize} x {Model.InputSize} input values, got {inputs.Length}.", nameof(inputs));
        }

        if (targets.Length != batchSize * Model.OutputSize)
        {
            throw new ArgumentException($"Expected {batchSize} x {Model.OutputSize} target values, got {targets.Length}.", nameof(targets));
        }

        if (!IsFinite(inputs) || !IsFinite(targets))
        {
            return new LearnResult(float.NaN, 0f, 0, LearnStatus.RejectedNonFiniteSample);
        }

        LearnerWorkspace workspace = WorkspaceFor(batchSize);
        InputStage stage = Model.Input;
        int features = Model.InputSize;
        for (int b = 0; b < batchSize; b++)
        {
            // The running statistics describe the stream of valid samples, so they take this
            // sample in even if the guard later refuses the weight step.
            ReadOnlySpan<float> input = inputs.Slice(b * features, features);
            if (fromStream)
            {
                stage.Observe(input);
            }

            stage.Apply(input, workspace.Activity[0].AsSpan(b * features, features));
        }

        targets.CopyTo(workspace.Label);
        SampleKernels? sample = batchSize == 1 ? _sample : null;
        sample?.Transposed?.Refresh(Model);
        float loss = (float)(Backpropagation.Forward(Model, workspace, batchSize, SimdLevel, sample) / batchSize);
        OutputTarget.SetErrors(Model, Algorithm, Hyperparameters, workspace, batchSize);
        int iterations = 0;
        if (Algorithm.UsesInference())
        {
            iterations = Math.Min(iterationBudget, Hyperparameters.Iterations);
            InferenceRelaxation.Run(Model, Algorithm, Hyperparameters, workspace, batchSize, iterations, SimdLevel, sample);
        }
        else
        {
            Backpropagation.Run(Model, workspace, batchSize, SimdLevel, sample);
        }

        if (batchSize > 1)
        {
            AccumulateBatchDirections(workspace, batchSize);
        }

        SetLayerScales(workspace, batchSize);
        if (!UpdateIsSafe(inputs, workspace, batchSize))
        {
            return new LearnResult(loss, 0f, iterations, LearnStatus.RejectedNonFiniteUpdate);
        }

        float change = Apply(workspace, batchSize);
        if (!fromStream)
        {
            return new LearnResult(loss, change, iterations, LearnStatus.Applied);
        }

        SamplesSeen += batchSize;
        RebalanceWhenDue(batchSize);
        if (Probe is { } probe && batchSize == 1)
        {
            probe.Record(workspace, _layerScale, Hyperparameters.Epsilon, Algorithm.IsNormalized(), Adam is not null);
        }

        return new LearnResult(loss, change, iterations, LearnStatus.Applied);
    }

    /// <summary>
    /// Rebalances the hidden units (<see cref="UnitBalance"/>) each time the samples seen pass a
    /// multiple of <see cref="Hyperparameters.BalanceInterval"/>, for the normalised rules without Adam
    /// (Adam's moments are per weight and would no longer match rescaled weights). The count is the
    /// checkpointed one, so a resumed learner rebalances when an uninterrupted one would have.
    /// </summary>
    private void RebalanceWhenDue(int batchSize)
    {
        int interval = Hyperparameters.BalanceInterval;
        if (interval > 0 && Adam is null && Algorithm.IsNormalized() && Model.LayerCount > 1
            && SamplesSeen / interval != (SamplesSeen - batchSize) / interval)
        {
            // The function is unchanged but the per-layer bounds are not: MarkChanged makes the
            // guard recompute them exactly before the next step.
            UnitBalance.Apply(Model, _balanceColumns, _balanceFactors);
        }
    }

    /// <summary>The batch-1 buffers, whose final activities and errors the property tests inspect.</summary>
    internal LearnerWorkspace SingleSampleWorkspace => _single;

    /// <summary>The transposed copy of the hidden matrices that batch-1 steps read, or null where there is none.</summary>
    internal TransposedWeights? Transposed => _sample.Transposed;

    private static bool IsFinite(ReadOnlySpan<float> values) =>
        values.IsEmpty || float.IsFinite(TensorPrimitives.MaxMagnitude(values));

    private LearnerWorkspace WorkspaceFor(int batchSize)
    {
        if (batchSize == 1)
        {
            return _single;
        }

        if (_batchWorkspace is null || _batchWorkspace.BatchCapacity < batchSize)
        {
            _batchWorkspace = new LearnerWorkspace(Model.LayerSizes, batchSize);
        }

        return _batchWorkspace;
    }

    /// <summary>
    /// The per-layer coefficient <c>c_n</c> of the step <c>c_n mean_b(e_{n+1} a_n^T)</c>: <c>1/s_n</c>
    /// for the normalised rules, the learning rate for the plain ones, and 1 where Adam takes the
    /// gradient <c>-c_n mean_b(e a^T)</c> instead.
    /// </summary>
    private void SetLayerScales(LearnerWorkspace workspace, int batch)
    {
        for (int n = 0; n < Model.LayerCount; n++)
        {
            _layerScale[n] = Algorithm.IsNormalized()
                ? 1f / workspace.SquaredNorm(n, Model.LayerSizes[n], batch, Hyperparameters.Epsilon)
                : Algorithm.UsesAdam() ? 1f : Hyperparameters.LearningRate;
        }
    }

    /// <summary>
    /// Decides, before anything is written, whether the step keeps every weight and optimiser value
    /// finite, every weight below <see cref="WeightMagnitudeLimit"/>, and the model's predictions
    /// for inputs inside the range the applied steps (this one included) came from below
    /// <see cref="ActivationMagnitudeLimit"/>. <see cref="ForwardBound"/> keeps running bounds, so
    /// the check costs O(units), and O(weights) only when the bounds near a limit.
    /// </summary>
    private bool UpdateIsSafe(ReadOnlySpan<float> inputs, LearnerWorkspace workspace, int batch)
    {
        ReadOnlySpan<int> sizes = Model.LayerSizes;
        bool adam = Adam is not null;
        for (int n = 0; n < Model.LayerCount; n++)
        {
            double errorMax = TensorPrimitives.MaxMagnitude(workspace.Error[n + 1].AsSpan(0, batch * sizes[n + 1]));
            double activityMax = Math.Max(1.0, TensorPrimitives.MaxMagnitude(workspace.Presynaptic[n].AsSpan(0, batch * sizes[n])));
            double scaledErrorMax = Math.Abs((double)_layerScale[n]) * errorMax;
            double gradientBound = scaledErrorMax * activityMax;
            if (!double.IsFinite(gradientBound) || (adam && gradientBound > AdamGradientLimit))
            {
                return false;
            }

            if (adam)
            {
                _forwardBound.SetAdamIncrement(n, Hyperparameters.LearningRate * _adamRatioBound, sizes[n]);
            }
            else
            {
                double activityL1Max = 0;
                for (int b = 0; b < batch; b++)
                {
                    activityL1Max = Math.Max(activityL1Max, TensorPrimitives.SumOfMagnitudes(workspace.Presynaptic[n].AsSpan(b * sizes[n], sizes[n])));
                }

                _forwardBound.SetIncrement(n, scaledErrorMax, activityL1Max);
            }
        }

        return _forwardBound.Admits(Model, inputs, batch, WeightMagnitudeLimit, ActivationMagnitudeLimit);
    }

    private void AccumulateBatchDirections(LearnerWorkspace workspace, int batch)
    {
        ReadOnlySpan<int> sizes = Model.LayerSizes;
        if (_batchWeightDirection is null)
        {
            _batchWeightDirection = new float[Model.LayerCount][];
            _batchBiasDirection = new float[Model.LayerCount][];
            for (int n = 0; n < Model.LayerCount; n++)
            {
                _batchWeightDirection[n] = new float[Model.GetWeights(n).Length];
                _batchBiasDirection[n] = new float[Model.GetBiases(n).Length];
            }
        }

        for (int n = 0; n < Model.LayerCount; n++)
        {
            int inputs = sizes[n];
            int outputs = sizes[n + 1];
            BatchKernels.MeanOuterProducts(
                workspace.Error[n + 1].AsSpan(0, batch * outputs), workspace.Presynaptic[n].AsSpan(0, batch * inputs),
                _batchWeightDirection[n], _batchBiasDirection![n], batch, SimdLevel);
        }
    }

    /// <summary>Writes the step into the model (and Adam's state) and returns the norm of the change.</summary>
    private float Apply(LearnerWorkspace workspace, int batch)
    {
        ReadOnlySpan<int> sizes = Model.LayerSizes;
        double squaredChange = 0;
        if (Adam is { } adam)
        {
            adam.Step++;
            float stepSize = (float)(Hyperparameters.LearningRate / (1 - Math.Pow(Hyperparameters.AdamBeta1, adam.Step)));
            float secondMomentCorrection = (float)(1 / Math.Sqrt(1 - Math.Pow(Hyperparameters.AdamBeta2, adam.Step)));
            for (int n = 0; n < Model.LayerCount; n++)
            {
                squaredChange += AdamLayer(adam, n, workspace, batch, stepSize, secondMomentCorrection);
            }
        }
        else
        {
            for (int n = 0; n < Model.LayerCount; n++)
            {
                float scale = _layerScale[n];
                if (batch == 1)
                {
                    ReadOnlySpan<float> error = workspace.Error[n + 1].AsSpan(0, sizes[n + 1]);
                    ReadOnlySpan<float> presynaptic = workspace.Presynaptic[n].AsSpan(0, sizes[n]);
                    Span<float> scaledError = _scaledError.AsSpan(0, error.Length);
                    TensorPrimitives.Multiply(error, scale, scaledError);
                    _sample.AddOuterProduct(n, Model, _scaledError, workspace.Presynaptic[n], SimdLevel);
                    TensorPrimitives.Add(Model.BiasesArray(n), scaledError, Model.BiasesArray(n));

                    // ||c e a^T||^2 + ||c e||^2 = c^2 ||e||^2 (||a||^2 + 1)
                    squaredChange += (double)scale * scale * TensorPrimitives.SumOfSquares(error) * (TensorPrimitives.SumOfSquares(presynaptic) + 1.0);
                }
                else
                {
                    float[] weights = _batchWeightDirection![n];
                    float[] biases = _batchBiasDirection![n];
                    TensorPrimitives.MultiplyAdd(weights, scale, Model.WeightsArray(n), Model.WeightsArray(n));
                    TensorPrimitives.MultiplyAdd(biases, scale, Model.BiasesArray(n), Model.BiasesArray(n));
                    squaredChange += (double)scale * scale * (TensorPrimitives.SumOfSquares(weights) + TensorPrimitives.SumOfSquares(biases));
                }
            }
        }

        Model.MarkChanged();
        if (batch == 1)
        {
            // The same step went into the transposed copy above; a batch step did not, and the next
            // batch-1 step transposes the matrices again. (The Adam rules keep no copy.)
            _sample.Transposed?.Commit(Model);
        }

        _forwardBound.Commit(Model);
        return (float)Math.Sqrt(squaredChange);
    }

    private double AdamLayer(AdamState adam, int n, LearnerWorkspace workspace, int batch, float stepSize, float secondMomentCorrection)
    {
        int inputs = Model.LayerSizes[n];
        int outputs = Model.LayerSizes[n + 1];
        float beta1 = Hyperparameters.AdamBeta1, beta2 = Hyperparameters.AdamBeta2, epsilon = Hyperparameters.AdamEpsilon;

        // The gradient is -c mean_b(e a^T): row i of a batch-1 gradient is -c e_i a, so the outer
        // product is never stored; a batch's averaged rows were accumulated beforehand.
        float scale = -_layerScale[n];
        float[] weights = Model.WeightsArray(n);
        ReadOnlySpan<float> errors = batch == 1 ? workspace.Error[n + 1].AsSpan(0, outputs) : _batchBiasDirection![n];
        double squaredChange = 0;
        for (int i = 0; i < outputs; i++)
        {
            Span<float> row = weights.AsSpan(i * inputs, inputs);
            float rowScale = batch == 1 ? scale * errors[i] : scale;
            ReadOnlySpan<float> direction = batch == 1 ? workspace.Presynaptic[n].AsSpan(0, inputs) : _batchWeightDirection![n].AsSpan(i * inputs, inputs);
            squaredChange += FusedKernels.AdamStep(
                row, adam.FirstMomentWeights[n].AsSpan(i * inputs, inputs), adam.SecondMomentWeights[n].AsSpan(i * inputs, inputs),
                rowScale, direction, beta1, beta2, stepSize, secondMomentCorrection, epsilon, SimdLevel);
        }

        squaredChange += FusedKernels.AdamStep(
            Model.BiasesArray(n), adam.FirstMomentBiases[n], adam.SecondMomentBiases[n],
            scale, errors, beta1, beta2, stepSize, secondMomentCorrection, epsilon, SimdLevel);
        return squaredChange;
    }
}
