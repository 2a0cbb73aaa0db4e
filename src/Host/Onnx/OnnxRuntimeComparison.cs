using System.Numerics.Tensors;
using EdgeIL.Learner;
using EdgeIL.Learner.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace EdgeIL.Host.Onnx;

/// <summary>How far ONNX Runtime's outputs for an exported model were from EdgeIL's own.</summary>
/// <param name="BatchSize">Samples per ONNX Runtime run.</param>
/// <param name="Samples">Samples compared.</param>
/// <param name="LogitsDifference">Largest <c>|logit_EdgeIL - logit_ORT|</c> over every sample and output.</param>
/// <param name="LogitsRelativeDifference">Largest <c>|logit_EdgeIL - logit_ORT| / max(1, |logit_EdgeIL|)</c>: the measure for regression outputs, whose scale is the data's.</param>
/// <param name="ProbabilitiesDifference">Largest <c>|p_EdgeIL - p_ORT|</c> of the head's output; null for the identity head, which has none.</param>
/// <param name="SameClass">Samples whose largest logit is the same output in both (the predicted class of a classifier).</param>
public sealed record OnnxComparison(int BatchSize, int Samples, double LogitsDifference, double LogitsRelativeDifference, double? ProbabilitiesDifference, int SameClass)
{
    /// <summary>The share of samples with the same predicted class, 0..1.</summary>
    public double SameClassShare => Samples == 0 ? 1 : (double)SameClass / Samples;

    /// <summary>
    /// True when ONNX Runtime agrees with EdgeIL within <paramref name="tolerance"/>: on the
    /// probabilities (softmax and sigmoid heads), or relatively on the outputs (identity head),
    /// and a classifier (softmax head) predicts the same class for every sample.
    /// </summary>
    public bool Agrees(OutputHead head, double tolerance) => head switch
    {
        OutputHead.Softmax => ProbabilitiesDifference <= tolerance && SameClass == Samples,
        OutputHead.Sigmoid => ProbabilitiesDifference <= tolerance,
        _ => LogitsRelativeDifference <= tolerance,
    };
}

/// <summary>Runs an exported model in ONNX Runtime and the same <see cref="Mlp"/> in EdgeIL on the same raw inputs, and measures the differences.</summary>
public static class OnnxRuntimeComparison
{
    /// <summary>
    /// Feeds the first <paramref name="count"/> samples of <paramref name="features"/> (row-major,
    /// <c>count x d_0</c>) to <paramref name="session"/> in runs of <paramref name="batchSize"/>
    /// samples (the last run may be shorter) and compares every row with
    /// <see cref="Mlp.ComputeLogits"/> and <see cref="Mlp.Predict"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The session's inputs or outputs are not those of an EdgeIL export of this model.</exception>
    public static OnnxComparison Compare(Mlp model, InferenceSession session, ReadOnlySpan<float> features, int count, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        int inputs = model.InputSize;
        int outputs = model.OutputSize;
        if (features.Length < (long)count * inputs)
        {
            throw new ArgumentException($"Expected {count} x {inputs} feature values, got {features.Length}.", nameof(features));
        }

        bool hasProbabilities = model.Head != OutputHead.Identity;
        string[] outputNames = hasProbabilities ? [OnnxExport.LogitsName, OnnxExport.ProbabilitiesName] : [OnnxExport.LogitsName];
        CheckSignature(model, session, outputNames);

        float[] logits = new float[outputs];
        float[] predicted = new float[outputs];
        double logitsDifference = 0, relativeDifference = 0, probabilitiesDifference = 0;
        int sameClass = 0;
        string[] inputNames = [OnnxExport.InputName];
        using var runOptions = new RunOptions();
        for (int start = 0; start < count; start += batchSize)
        {
            int rows = Math.Min(batchSize, count - start);
            float[] batch = features.Slice(start * inputs, rows * inputs).ToArray();
            using OrtValue input = OrtValue.CreateTensorValueFromMemory(batch, [rows, inputs]);
            using IDisposableReadOnlyCollection<OrtValue> results = session.Run(runOptions, inputNames, [input], outputNames);
            ReadOnlySpan<float> runtimeLogits = results.First().GetTensorDataAsSpan<float>();
            ReadOnlySpan<float> runtimeProbabilities = hasProbabilities ? results.ElementAt(1).GetTensorDataAsSpan<float>() : default;
            for (int row = 0; row < rows; row++)
            {
                ReadOnlySpan<float> sample = batch.AsSpan(row * inputs, inputs);
                model.ComputeLogits(sample, logits);
                ReadOnlySpan<float> theirLogits = runtimeLogits.Slice(row * outputs, outputs);
                for (int o = 0; o < outputs; o++)
                {
                    double difference = Math.Abs((double)logits[o] - theirLogits[o]);
                    logitsDifference = Max(logitsDifference, difference);
                    relativeDifference = Max(relativeDifference, difference / Math.Max(1, Math.Abs((double)logits[o])));
                }

                if (TensorPrimitives.IndexOfMax(logits) == TensorPrimitives.IndexOfMax(theirLogits))
                {
                    sameClass++;
                }

                if (hasProbabilities)
                {
                    model.Predict(sample, predicted);
                    ReadOnlySpan<float> theirs = runtimeProbabilities.Slice(row * outputs, outputs);
                    for (int o = 0; o < outputs; o++)
                    {
                        probabilitiesDifference = Max(probabilitiesDifference, Math.Abs((double)predicted[o] - theirs[o]));
                    }
                }
            }
        }

        return new OnnxComparison(batchSize, count, logitsDifference, relativeDifference, hasProbabilities ? probabilitiesDifference : null, sameClass);
    }

    // A NaN on either side is a disagreement as large as it gets, not a value Math.Max may drop.
    private static double Max(double largest, double difference) => double.IsNaN(difference) ? double.PositiveInfinity : Math.Max(largest, difference);

    private static void CheckSignature(Mlp model, InferenceSession session, string[] outputNames)
    {
        if (!session.InputMetadata.TryGetValue(OnnxExport.InputName, out NodeMetadata? input) || session.InputMetadata.Count != 1)
        {
            throw new ArgumentException(
                $"The ONNX model's inputs are {Names(session.InputMetadata.Keys)}; an EdgeIL export has one, '{OnnxExport.InputName}'.");
        }

        if (input.Dimensions.Length != 2 || input.Dimensions[1] != model.InputSize)
        {
            throw new ArgumentException(
                $"The ONNX model's input has shape [{string.Join(", ", input.Dimensions)}]; the EdgeIL model takes [batch, {model.InputSize}].");
        }

        foreach (string name in outputNames)
        {
            if (!session.OutputMetadata.TryGetValue(name, out NodeMetadata? output) || output.Dimensions.Length != 2 || output.Dimensions[1] != model.OutputSize)
            {
                throw new ArgumentException(
                    $"The ONNX model has no output '{name}' of shape [batch, {model.OutputSize}] (its outputs: {Names(session.OutputMetadata.Keys)}); it is not an EdgeIL export of this model.");
            }
        }
    }

    private static string Names(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));
}
