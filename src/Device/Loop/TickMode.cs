using System.Globalization;
using System.Numerics.Tensors;
using EdgeIL.Device.Outputs;
using EdgeIL.Device.Targets;
using EdgeIL.Learner;

namespace EdgeIL.Device.Loop;

/// <summary>
/// What one tick does with a frame once the loop has read it: predict, score, and say whether and
/// what to learn. The loop schedules; a mode decides. <see cref="ClassifierTickMode"/> learns labels
/// from a target source, <see cref="AutoencoderTickMode"/> reconstructs its input and scores anomalies.
/// </summary>
/// <remarks>Buffers are made once; neither <see cref="Predict"/> nor <see cref="Learn"/> allocates.</remarks>
public abstract class TickMode
{
    private protected TickMode(OnlineLearner learner)
    {
        ArgumentNullException.ThrowIfNull(learner);
        Learner = learner;
        Output = new float[learner.Model.OutputSize];
    }

    /// <summary>Gets the learner whose model predicts and learns.</summary>
    public OnlineLearner Learner { get; }

    /// <summary>Gets what the targets are, for the start-up summary.</summary>
    public abstract string TargetsDescription { get; }

    /// <summary>Gets the model's output for the last frame.</summary>
    private protected float[] Output { get; }

    /// <summary>
    /// Gets the last frame's prequential loss, scored before learning (cross-entropy for a classifier,
    /// the reconstruction error for an autoencoder); NaN when the frame had nothing to learn.
    /// </summary>
    public double LastLoss { get; private protected set; } = double.NaN;

    /// <summary>Gets the last frame's label; -1 for none (or a self-supervised mode).</summary>
    public int LastLabel { get; private protected set; } = -1;

    /// <summary>
    /// Scores <paramref name="model"/> on a stored frame the way <see cref="LastLoss"/> scores the live
    /// model, so a canary set can compare two models; allocates nothing.
    /// </summary>
    /// <param name="model">A model of this mode's shape.</param>
    /// <param name="frame">The raw frame.</param>
    /// <param name="label">Its label; -1 for a self-supervised mode.</param>
    /// <returns>The loss; lower is better.</returns>
    public abstract double Score(Mlp model, ReadOnlySpan<float> frame, int label);

    /// <summary>Starts the target source, if there is one.</summary>
    public virtual void Start()
    {
    }

    /// <summary>Predicts for <paramref name="frame"/> and scores the prediction.</summary>
    /// <param name="tick">The tick number, for the outcome.</param>
    /// <param name="frame">The frame the source gave.</param>
    /// <param name="frameLabel">The label the source gave with it; -1 for none.</param>
    /// <param name="learn">Whether there is something to learn from this frame.</param>
    /// <returns>What the outputs publish.</returns>
    public abstract TickOutcome Predict(long tick, ReadOnlySpan<float> frame, int frameLabel, out bool learn);

    /// <summary>Learns from the frame last given to <see cref="Predict"/>, within the iteration budget.</summary>
    /// <param name="frame">The same frame.</param>
    /// <param name="iterations">The inference iterations the step may use.</param>
    /// <returns>The learner's result.</returns>
    public abstract LearnResult Learn(ReadOnlySpan<float> frame, int iterations);

    /// <summary>Writes the mode's quality figures into the status.</summary>
    /// <param name="status">The status being filled.</param>
    public abstract void Report(DeviceStatus status);

    /// <summary>The mode's quality figures for the printed status line.</summary>
    /// <returns>A few words, e.g. <c>accuracy 0.912 over 500</c>.</returns>
    public abstract string Summary();
}

/// <summary>A classifier: predicts a class, and learns the label its target source gives, scoring each prediction before learning.</summary>
public sealed class ClassifierTickMode : TickMode
{
    private readonly ITargetSource _targets;
    private readonly float[] _logits;
    private readonly float[] _oneHot;
    private int _label = -1;

    /// <summary>Initializes a new classifier mode.</summary>
    /// <param name="learner">The learner.</param>
    /// <param name="targets">Where labels come from.</param>
    /// <param name="prequentialWindow">The labelled ticks the accuracy is taken over, range &gt;= 1.</param>
    public ClassifierTickMode(OnlineLearner learner, ITargetSource targets, int prequentialWindow)
        : base(learner)
    {
        ArgumentNullException.ThrowIfNull(targets);
        _targets = targets;
        _logits = new float[learner.Model.OutputSize];
        _oneHot = new float[learner.Model.OutputSize];
        Accuracy = new PrequentialWindow(prequentialWindow);
    }

    /// <summary>Gets the prequential accuracy and loss: each labelled prediction scored before the model learns from it.</summary>
    public PrequentialWindow Accuracy { get; }

    /// <inheritdoc/>
    public override string TargetsDescription => _targets.Description;

    /// <inheritdoc/>
    public override void Start() => _targets.Start();

    /// <inheritdoc/>
    public override TickOutcome Predict(long tick, ReadOnlySpan<float> frame, int frameLabel, out bool learn)
    {
        Mlp model = Learner.Model;
        model.ComputeLogits(frame, _logits);
        OutputFunctions.Apply(model.Head, _logits, Output);
        int predicted = TensorPrimitives.IndexOfMax(Output);
        int label = _targets.CurrentLabel(frameLabel);
        _label = (uint)label < (uint)Output.Length ? label : -1;
        learn = _label >= 0;
        LastLabel = _label;
        LastLoss = double.NaN;
        if (learn)
        {
            _oneHot[_label] = 1f;
            LastLoss = OutputFunctions.Loss(model.Head, _logits, _oneHot);
            Accuracy.Add(predicted == _label, LastLoss);
            _oneHot[_label] = 0f;
        }

        return new TickOutcome(tick, predicted, Output[predicted], _label, float.NaN, false);
    }

    /// <inheritdoc/>
    public override LearnResult Learn(ReadOnlySpan<float> frame, int iterations) => Learner.LearnClass(frame, _label, iterations);

    /// <inheritdoc/>
    public override double Score(Mlp model, ReadOnlySpan<float> frame, int label)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.ComputeLogits(frame, _logits);
        _oneHot[label] = 1f;
        double loss = OutputFunctions.Loss(model.Head, _logits, _oneHot);
        _oneHot[label] = 0f;
        return loss;
    }

    /// <inheritdoc/>
    public override void Report(DeviceStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        status.PrequentialAccuracy = double.IsNaN(Accuracy.Accuracy) ? null : Math.Round(Accuracy.Accuracy, 4);
        status.PrequentialCount = Accuracy.Count;
    }

    /// <inheritdoc/>
    public override string Summary() =>
        $"accuracy {(Accuracy.Count == 0 ? "-" : Accuracy.Accuracy.ToString("F3", CultureInfo.InvariantCulture))} over {Accuracy.Count}";
}

/// <summary>
/// Self-supervised: the model reconstructs its input, the reconstruction error is an anomaly score,
/// and every frame is something to learn.
/// </summary>
public sealed class AutoencoderTickMode : TickMode
{
    private readonly float[] _target;
    private readonly float[] _scoreTarget;
    private readonly float[] _scoreOutput;

    /// <summary>Initializes a new autoencoder mode.</summary>
    /// <param name="learner">The learner; its output size must equal its input size.</param>
    /// <param name="anomaly">The detector the reconstruction errors go to.</param>
    public AutoencoderTickMode(OnlineLearner learner, AnomalyDetector anomaly)
        : base(learner)
    {
        ArgumentNullException.ThrowIfNull(anomaly);
        if (learner.Model.OutputSize != learner.Model.InputSize)
        {
            throw new ArgumentException("A self-supervised model reconstructs its input, so its output size must equal its input size.", nameof(learner));
        }

        Anomaly = anomaly;
        _target = new float[learner.Model.OutputSize];
        _scoreTarget = new float[learner.Model.OutputSize];
        _scoreOutput = new float[learner.Model.OutputSize];
    }

    /// <summary>Gets the anomaly detector.</summary>
    public AnomalyDetector Anomaly { get; }

    /// <inheritdoc/>
    public override string TargetsDescription => "none: self-supervised autoencoder, reconstruction error as anomaly score";

    /// <inheritdoc/>
    public override TickOutcome Predict(long tick, ReadOnlySpan<float> frame, int frameLabel, out bool learn)
    {
        // The target is the input as the network sees it (after the input stage); a sigmoid head can
        // only reach 0..1, so its target is clamped there.
        Mlp model = Learner.Model;
        model.Input.Apply(frame, _target);
        if (model.Head == OutputHead.Sigmoid)
        {
            TensorPrimitives.Clamp(_target, 0f, 1f, _target);
        }

        model.Predict(frame, Output);
        float score = MeanSquaredError(Output, _target);
        bool anomalous = Anomaly.Observe(score);
        learn = true;
        LastLoss = score;
        return new TickOutcome(tick, -1, float.NaN, -1, score, anomalous);
    }

    /// <inheritdoc/>
    public override LearnResult Learn(ReadOnlySpan<float> frame, int iterations) => Learner.Learn(frame, _target, iterations);

    /// <inheritdoc/>
    /// <remarks>Has buffers of its own, so it may run between a tick's predict and learn without disturbing the learning target.</remarks>
    public override double Score(Mlp model, ReadOnlySpan<float> frame, int label)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.Input.Apply(frame, _scoreTarget);
        if (model.Head == OutputHead.Sigmoid)
        {
            TensorPrimitives.Clamp(_scoreTarget, 0f, 1f, _scoreTarget);
        }

        model.Predict(frame, _scoreOutput);
        return MeanSquaredError(_scoreOutput, _scoreTarget);
    }

    /// <inheritdoc/>
    public override void Report(DeviceStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        status.AnomalyScore = double.IsFinite(Anomaly.LastScore) ? Anomaly.LastScore : null;
        status.AnomalyMean = Anomaly.Count > 0 ? Anomaly.Mean : null;
        status.Anomalies = Anomaly.Anomalies;
    }

    /// <inheritdoc/>
    public override string Summary() => string.Create(
        CultureInfo.InvariantCulture,
        $"anomaly score {Anomaly.LastScore:G4} (mean {Anomaly.Mean:G4}, {Anomaly.Anomalies} anomalies)");

    private static float MeanSquaredError(ReadOnlySpan<float> output, ReadOnlySpan<float> target)
    {
        double sum = 0;
        for (int i = 0; i < output.Length; i++)
        {
            double difference = output[i] - target[i];
            sum += difference * difference;
        }

        return (float)(sum / output.Length);
    }
}
