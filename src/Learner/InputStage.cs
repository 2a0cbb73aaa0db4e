using System.Numerics.Tensors;

namespace EdgeIL.Learner;

/// <summary>How an <see cref="InputStage"/> gets its offset and scale.</summary>
public enum InputScaling
{
    /// <summary>Fixed offset and scale set by the user (pixels: offset 0, scale 1/255).</summary>
    Fixed,

    /// <summary>Running standardisation: offset and scale follow the mean and standard deviation of the inputs seen so far.</summary>
    Standardize,
}

/// <summary>
/// The model's first stage: <c>x' = (x - offset) (.) scale</c> per feature, so that the network
/// sees inputs of unit scale whatever units a sensor reports in. It belongs to the model (saved in
/// checkpoints and exported to ONNX) so a deployed model takes the same raw input the device sees.
/// </summary>
/// <remarks>
/// Running standardisation keeps Welford's mean and sum of squared deviations in float64, which
/// stays accurate over the millions of samples a device sees where a running sum of squares would
/// cancel catastrophically. <see cref="Observe"/> updates them; after <see cref="Freeze"/> they stay put.
/// </remarks>
public sealed class InputStage
{
    private readonly float[] _offset;
    private readonly float[] _scale;
    private readonly double[] _mean;
    private readonly double[] _squaredDeviations;

    /// <summary>Creates the identity stage (offset 0, scale 1) for <paramref name="features"/> inputs.</summary>
    public InputStage(int features)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        _offset = new float[features];
        _scale = new float[features];
        _mean = new double[features];
        _squaredDeviations = new double[features];
        _scale.AsSpan().Fill(1f);
    }

    /// <summary>The number of input features.</summary>
    public int Features => _offset.Length;

    /// <summary>Whether the offset and scale are fixed or follow the running statistics.</summary>
    public InputScaling Scaling { get; private set; }

    /// <summary>True when running statistics no longer change.</summary>
    public bool Frozen { get; private set; }

    /// <summary>Samples observed by the running statistics.</summary>
    public long Count { get; private set; }

    /// <summary>The per-feature offset subtracted first.</summary>
    public ReadOnlySpan<float> Offset => _offset;

    /// <summary>The per-feature factor applied after the offset.</summary>
    public ReadOnlySpan<float> Scale => _scale;

    /// <summary>The running mean (standardisation only).</summary>
    public ReadOnlySpan<double> Mean => _mean;

    /// <summary>The running sum of squared deviations from the mean (Welford's M2; standardisation only).</summary>
    public ReadOnlySpan<double> SquaredDeviations => _squaredDeviations;

    /// <summary>True when the stage leaves inputs unchanged.</summary>
    public bool IsIdentity => Scaling == InputScaling.Fixed && !_offset.AsSpan().ContainsAnyExcept(0f) && !_scale.AsSpan().ContainsAnyExcept(1f);

    /// <summary>Uses one fixed offset and scale for every feature, e.g. offset 0 and scale 1/255 for pixels.</summary>
    public void SetFixed(float offset, float scale)
    {
        CheckFixed(offset, scale);
        _offset.AsSpan().Fill(offset);
        _scale.AsSpan().Fill(scale);
        Scaling = InputScaling.Fixed;
    }

    /// <summary>Uses a fixed offset and scale per feature.</summary>
    public void SetFixed(ReadOnlySpan<float> offset, ReadOnlySpan<float> scale)
    {
        if (offset.Length != Features || scale.Length != Features)
        {
            throw new ArgumentException($"The input stage has {Features} features; got {offset.Length} offsets and {scale.Length} scales.");
        }

        for (int i = 0; i < Features; i++)
        {
            CheckFixed(offset[i], scale[i]);
        }

        offset.CopyTo(_offset);
        scale.CopyTo(_scale);
        Scaling = InputScaling.Fixed;
    }

    /// <summary>Switches to running standardisation, starting from no samples.</summary>
    public void StartStandardizing()
    {
        Scaling = InputScaling.Standardize;
        Frozen = false;
        Count = 0;
        Array.Clear(_mean);
        Array.Clear(_squaredDeviations);
        Array.Clear(_offset);
        _scale.AsSpan().Fill(1f);
    }

    /// <summary>Stops the running statistics from changing (e.g. before export, or once a device has seen enough).</summary>
    public void Freeze() => Frozen = true;

    /// <summary>
    /// Adds a sample to the running statistics (standardisation, not frozen) and updates offset
    /// and scale. A feature that has not varied keeps scale 1: there is nothing to scale it by yet.
    /// </summary>
    public void Observe(ReadOnlySpan<float> input)
    {
        if (Scaling != InputScaling.Standardize || Frozen)
        {
            return;
        }

        CheckLength(input);
        Count++;
        for (int i = 0; i < _mean.Length; i++)
        {
            double delta = input[i] - _mean[i];
            _mean[i] += delta / Count;
            _squaredDeviations[i] += delta * (input[i] - _mean[i]);
            double variance = _squaredDeviations[i] / Count;
            _offset[i] = (float)_mean[i];
            _scale[i] = variance > 1e-20 ? (float)(1 / Math.Sqrt(variance)) : 1f;
        }
    }

    /// <summary>Computes <c>destination = (input - offset) (.) scale</c>.</summary>
    public void Apply(ReadOnlySpan<float> input, Span<float> destination)
    {
        CheckLength(input);
        TensorPrimitives.Subtract(input, _offset, destination);
        TensorPrimitives.Multiply(destination, _scale, destination);
    }

    /// <summary>Copies offset, scale, mode and statistics into <paramref name="destination"/>.</summary>
    public void CopyTo(InputStage destination)
    {
        if (destination.Features != Features)
        {
            throw new ArgumentException("The destination stage has a different number of features.", nameof(destination));
        }

        _offset.CopyTo(destination._offset, 0);
        _scale.CopyTo(destination._scale, 0);
        _mean.CopyTo(destination._mean, 0);
        _squaredDeviations.CopyTo(destination._squaredDeviations, 0);
        destination.Scaling = Scaling;
        destination.Frozen = Frozen;
        destination.Count = Count;
    }

    /// <summary>Restores a saved running standardisation (checkpoints).</summary>
    public void RestoreStandardization(long count, ReadOnlySpan<double> mean, ReadOnlySpan<double> squaredDeviations, ReadOnlySpan<float> offset, ReadOnlySpan<float> scale, bool frozen)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (mean.Length != Features || squaredDeviations.Length != Features || offset.Length != Features || scale.Length != Features)
        {
            throw new ArgumentException($"The input stage has {Features} features.");
        }

        mean.CopyTo(_mean);
        squaredDeviations.CopyTo(_squaredDeviations);
        offset.CopyTo(_offset);
        scale.CopyTo(_scale);
        Count = count;
        Scaling = InputScaling.Standardize;
        Frozen = frozen;
    }

    private static void CheckFixed(float offset, float scale)
    {
        if (!float.IsFinite(offset) || !float.IsFinite(scale) || scale == 0f)
        {
            throw new ArgumentException($"Input offset {offset} and scale {scale} must be finite, and the scale non-zero.");
        }
    }

    private void CheckLength(ReadOnlySpan<float> input)
    {
        if (input.Length != Features)
        {
            throw new ArgumentException($"Expected {Features} input values, got {input.Length}.", nameof(input));
        }
    }
}
