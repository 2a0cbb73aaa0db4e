using EdgeIL.Device.Streams;
using EdgeIL.Learner;

namespace EdgeIL.Host.Runs;

/// <summary>A model's score on held-out data, or on the stream so far.</summary>
/// <param name="Samples">Samples learned from when measured.</param>
/// <param name="TestAccuracy">Share of held-out samples classified correctly (NaN for autoencoders).</param>
/// <param name="TestLoss">Mean loss per held-out sample.</param>
/// <param name="PrequentialAccuracy">Prequential accuracy over the sliding window (NaN for autoencoders).</param>
/// <param name="TestBcePerPixel">Binary cross-entropy per output of an autoencoder (NaN for classifiers).</param>
public readonly record struct Evaluation(long Samples, double TestAccuracy, double TestLoss, double PrequentialAccuracy, double TestBcePerPixel);

/// <summary>Feed-forward evaluation on a held-out set.</summary>
public sealed class TestEvaluator
{
    private readonly LabeledDataset _test;
    private readonly int _count;
    private readonly float[] _logits;
    private readonly float[] _target;
    private readonly float[] _scaled;

    /// <summary>Evaluates on the first <paramref name="count"/> samples of <paramref name="test"/> (all when null).</summary>
    public TestEvaluator(LabeledDataset test, int outputs, int? count = null)
    {
        _test = test;
        _count = Math.Min(count ?? test.Count, test.Count);
        _logits = new float[outputs];
        _target = new float[outputs];
        _scaled = new float[test.FeatureCount];
    }

    /// <summary>Held-out accuracy and mean loss of a classifier.</summary>
    public (double Accuracy, double Loss) EvaluateClassifier(Mlp model)
    {
        int correct = 0;
        double loss = 0;
        for (int i = 0; i < _count; i++)
        {
            model.ComputeLogits(_test.GetFeatures(i), _logits);
            int label = _test.GetLabel(i);
            correct += IndexOfMax(_logits) == label ? 1 : 0;
            Array.Clear(_target);
            _target[label] = 1f;
            loss += OutputFunctions.Loss(model.Head, _logits, _target);
        }

        return ((double)correct / _count, loss / _count);
    }

    /// <summary>Held-out reconstruction loss of an autoencoder: per sample, and per output (pixel).</summary>
    public (double Loss, double PerPixel) EvaluateAutoencoder(Mlp model)
    {
        double loss = 0;
        for (int i = 0; i < _count; i++)
        {
            ReadOnlySpan<float> raw = _test.GetFeatures(i);
            model.Input.Apply(raw, _scaled);
            model.ComputeLogits(raw, _logits);
            loss += OutputFunctions.Loss(model.Head, _logits, _scaled);
        }

        loss /= _count;
        return (loss, loss / _logits.Length);
    }

    private static int IndexOfMax(ReadOnlySpan<float> values) => System.Numerics.Tensors.TensorPrimitives.IndexOfMax(values);
}
