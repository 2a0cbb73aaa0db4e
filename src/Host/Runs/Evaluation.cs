using System.Numerics.Tensors;
using EdgeIL.Device.Streams;
using EdgeIL.Learner;

namespace EdgeIL.Host.Runs;

/// <summary>A model's score on held-out data and on the stream so far; NaN where a measure does not apply to the task.</summary>
/// <param name="Samples">Samples learned from when measured.</param>
/// <param name="TestAccuracy">Share of held-out samples classified correctly (classifiers).</param>
/// <param name="TestLoss">Mean loss per held-out sample.</param>
/// <param name="PrequentialAccuracy">Prequential accuracy over the sliding window (classifiers).</param>
/// <param name="TestBcePerPixel">Binary cross-entropy per output (autoencoders).</param>
/// <param name="TestRmse">Root mean squared error per target (regression).</param>
/// <param name="PrequentialLoss">Mean loss over the prequential sliding window.</param>
/// <param name="TestMse">Mean squared reconstruction error per output (autoencoders with an identity head), in standardised units.</param>
public readonly record struct Evaluation(
    long Samples,
    double TestAccuracy = double.NaN,
    double TestLoss = double.NaN,
    double PrequentialAccuracy = double.NaN,
    double TestBcePerPixel = double.NaN,
    double TestRmse = double.NaN,
    double PrequentialLoss = double.NaN,
    double TestMse = double.NaN);

/// <summary>Feed-forward evaluation on a held-out set.</summary>
public sealed class TestEvaluator
{
    private readonly LabeledDataset _test;
    private readonly int _count;
    private readonly float[] _logits;
    private readonly float[] _target;
    private readonly float[] _features;

    /// <summary>Evaluates on the first <paramref name="count"/> samples of <paramref name="test"/> (all when null).</summary>
    /// <param name="test">The held-out samples, with their labels or regression targets.</param>
    /// <param name="outputs">Model outputs.</param>
    /// <param name="count">Samples to evaluate; null for all.</param>
    public TestEvaluator(LabeledDataset test, int outputs, int? count = null)
    {
        _test = test;
        _count = Math.Min(count ?? test.Count, test.Count);
        _logits = new float[outputs];
        _target = new float[outputs];
        _features = new float[test.FeatureCount];
    }

    /// <summary>Held-out accuracy and mean cross-entropy of a classifier.</summary>
    public Evaluation EvaluateClassifier(Mlp model, long samples)
    {
        int correct = 0;
        double loss = 0;
        for (int i = 0; i < _count; i++)
        {
            _test.CopyFeatures(i, _features);
            model.ComputeLogits(_features, _logits);
            int label = _test.GetLabel(i);
            correct += TensorPrimitives.IndexOfMax(_logits) == label ? 1 : 0;
            Array.Clear(_target);
            _target[label] = 1f;
            loss += OutputFunctions.Loss(model.Head, _logits, _target);
        }

        return new Evaluation(samples, TestAccuracy: (double)correct / _count, TestLoss: loss / _count);
    }

    /// <summary>
    /// Held-out reconstruction loss of an autoencoder, per sample, and per output: binary cross-entropy
    /// per pixel for a sigmoid head, mean squared error for an identity head.
    /// </summary>
    public Evaluation EvaluateAutoencoder(Mlp model, long samples)
    {
        double loss = 0;
        for (int i = 0; i < _count; i++)
        {
            _test.CopyFeatures(i, _features);
            model.Input.Apply(_features, _target);
            model.ComputeLogits(_features, _logits);
            loss += OutputFunctions.Loss(model.Head, _logits, _target);
        }

        loss /= _count;

        // An identity head's loss is 0.5 ||z - t||^2 per sample, so the mean squared error per output is 2 loss / outputs.
        return model.Head == OutputHead.Sigmoid
            ? new Evaluation(samples, TestLoss: loss, TestBcePerPixel: loss / _logits.Length)
            : new Evaluation(samples, TestLoss: loss, TestMse: 2 * loss / _logits.Length);
    }

    /// <summary>Held-out squared-error loss and root mean squared error of a regression model, in the targets' units.</summary>
    public Evaluation EvaluateRegression(Mlp model, long samples)
    {
        double loss = 0;
        for (int i = 0; i < _count; i++)
        {
            _test.CopyFeatures(i, _features);
            _test.CopyTargets(i, _target);
            model.ComputeLogits(_features, _logits);
            loss += OutputFunctions.Loss(model.Head, _logits, _target.AsSpan(0, _test.TargetCount));
        }

        loss /= _count;

        // The loss is 0.5 ||z - t||^2 per sample, so the mean squared error per target is 2 loss / targets.
        return new Evaluation(samples, TestLoss: loss, TestRmse: Math.Sqrt(2 * loss / _logits.Length));
    }
}
