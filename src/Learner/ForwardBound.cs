using System.Numerics.Tensors;

namespace EdgeIL.Learner;

/// <summary>
/// The numerical guard's bookkeeping: upper bounds on how far the network can amplify an input,
/// and the range of raw inputs the applied steps came from, so that a step can be refused when it
/// could leave a model that predicts a non-finite value for an input inside that range.
/// </summary>
/// <remarks>
/// <para>
/// For every layer it keeps <c>N_n &gt;= max_i sum_j |W_n[i, j]|</c> (the induced infinity norm) and
/// <c>B_n &gt;= max_i |b_n[i]|</c>. ReLU never increases a magnitude, so an input whose stage output
/// has <c>|x'|_inf &lt;= R</c> gives pre-activations of magnitude at most <c>A_{n+1} = N_n A_n + B_n</c>
/// with <c>A_0 = R</c>: every partial sum the forward pass forms, in any order, is bounded by it too.
/// </para>
/// <para>
/// A step changes row <c>i</c> of layer <c>n</c> by <c>c e_i a_n</c>, which adds at most
/// <c>|c| max|e| ||a_n||_1</c> to <c>N_n</c> (Adam: at most its per-weight step times the row length).
/// Adding that is O(units); the bounds only grow, so when they reach a limit they are recomputed
/// exactly, O(weights), and checked again. A step is refused only when the exact bounds fail.
/// </para>
/// </remarks>
internal sealed class ForwardBound
{
    private readonly double[] _rowSum;
    private readonly double[] _bias;
    private readonly double[] _rowSumIncrement;
    private readonly double[] _biasIncrement;
    private readonly float[] _low;
    private readonly float[] _high;
    private readonly float[] _candidateLow;
    private readonly float[] _candidateHigh;
    // Float64 scratch for StageOutputBound, one value per feature.
    private readonly double[] _lowSpread;
    private readonly double[] _highSpread;
    private readonly double[] _stageValues;
    private bool _hasRange;
    private long _version = -1;

    public ForwardBound(Mlp model)
    {
        _rowSum = new double[model.LayerCount];
        _bias = new double[model.LayerCount];
        _rowSumIncrement = new double[model.LayerCount];
        _biasIncrement = new double[model.LayerCount];
        _low = new float[model.InputSize];
        _high = new float[model.InputSize];
        _candidateLow = new float[model.InputSize];
        _candidateHigh = new float[model.InputSize];
        _lowSpread = new double[model.InputSize];
        _highSpread = new double[model.InputSize];
        _stageValues = new double[model.InputSize];
    }

    /// <summary>
    /// Records the increments of a plain (non-Adam) step on layer <paramref name="layer"/>:
    /// <c>|c| max|e|</c> for the biases, times the largest <c>||a_n||_1</c> of the batch for the rows.
    /// </summary>
    public void SetIncrement(int layer, double scaledErrorMax, double activityL1Max)
    {
        _biasIncrement[layer] = scaledErrorMax;
        _rowSumIncrement[layer] = scaledErrorMax * activityL1Max;
    }

    /// <summary>Records the increments of an Adam step, which moves every parameter by at most <paramref name="parameterStep"/>.</summary>
    public void SetAdamIncrement(int layer, double parameterStep, int rowLength)
    {
        _biasIncrement[layer] = parameterStep;
        _rowSumIncrement[layer] = parameterStep * rowLength;
    }

    /// <summary>
    /// True when, after the step whose increments were set, every parameter stays below
    /// <paramref name="weightLimit"/> and every pre-activation for an input within the applied
    /// range widened by <paramref name="inputs"/> stays below <paramref name="activationLimit"/>.
    /// </summary>
    public bool Admits(Mlp model, ReadOnlySpan<float> inputs, int batch, double weightLimit, double activationLimit)
    {
        int features = model.InputSize;
        if (_hasRange)
        {
            _low.CopyTo(_candidateLow, 0);
            _high.CopyTo(_candidateHigh, 0);
        }
        else
        {
            inputs[..features].CopyTo(_candidateLow);
            inputs[..features].CopyTo(_candidateHigh);
        }

        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> input = inputs.Slice(b * features, features);
            TensorPrimitives.Min(_candidateLow, input, _candidateLow);
            TensorPrimitives.Max(_candidateHigh, input, _candidateHigh);
        }

        double inputBound = StageOutputBound(model.Input);
        if (_version != model.Version)
        {
            Recompute(model);
        }

        if (Fits(inputBound, weightLimit, activationLimit))
        {
            return true;
        }

        Recompute(model);
        return Fits(inputBound, weightLimit, activationLimit);
    }

    /// <summary>Takes in the step <see cref="Admits"/> allowed, after it was written into the model.</summary>
    public void Commit(Mlp model)
    {
        for (int n = 0; n < _rowSum.Length; n++)
        {
            _rowSum[n] += _rowSumIncrement[n];
            _bias[n] += _biasIncrement[n];
        }

        _candidateLow.CopyTo(_low, 0);
        _candidateHigh.CopyTo(_high, 0);
        _hasRange = true;
        _version = model.Version;
    }

    /// <summary>
    /// The largest <c>|x'|</c> the input stage gives for a raw input inside the candidate range, in float64
    /// so that it cannot overflow first. It runs as vector passes, since a per-feature loop was a tenth of a
    /// small network's <c>bp-sgd</c> step; widening a float to a double is exact, so the passes give that loop's bits.
    /// </summary>
    private double StageOutputBound(InputStage stage)
    {
        Span<double> low = _lowSpread, high = _highSpread, stageValues = _stageValues;
        TensorPrimitives.ConvertTruncating<float, double>(_candidateLow, low);
        TensorPrimitives.ConvertTruncating<float, double>(_candidateHigh, high);
        TensorPrimitives.ConvertTruncating<float, double>(stage.Offset, stageValues);

        // low <= high, so the larger of |low - offset| and |high - offset| is max(offset - low, high - offset).
        TensorPrimitives.Subtract(stageValues, low, low);
        TensorPrimitives.Subtract(high, stageValues, high);
        TensorPrimitives.Max(low, high, low);
        TensorPrimitives.ConvertTruncating<float, double>(stage.Scale, stageValues);
        TensorPrimitives.Abs(stageValues, stageValues);
        TensorPrimitives.Multiply(low, stageValues, low);
        return TensorPrimitives.Max<double>(low);
    }

    private bool Fits(double inputBound, double weightLimit, double activationLimit)
    {
        // The input itself must fit too: a stage output past the limit is refused whatever the weights.
        double activation = inputBound;
        if (!(activation <= activationLimit))
        {
            return false;
        }

        for (int n = 0; n < _rowSum.Length; n++)
        {
            double rowSum = _rowSum[n] + _rowSumIncrement[n];
            double bias = _bias[n] + _biasIncrement[n];
            activation = (rowSum * activation) + bias;
            if (!(rowSum < weightLimit && bias < weightLimit && activation <= activationLimit))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The exact bounds. Float rounding in the row sums is irrelevant here: the limits sit more than
    /// twenty orders of magnitude below <see cref="float.MaxValue"/>.
    /// </summary>
    private void Recompute(Mlp model)
    {
        for (int n = 0; n < model.LayerCount; n++)
        {
            ReadOnlySpan<float> weights = model.GetWeights(n);
            int inputs = model.LayerSizes[n];
            double largest = 0;
            for (int row = 0; row < weights.Length; row += inputs)
            {
                largest = Math.Max(largest, TensorPrimitives.SumOfMagnitudes(weights.Slice(row, inputs)));
            }

            _rowSum[n] = largest;
            _bias[n] = TensorPrimitives.MaxMagnitude(model.GetBiases(n));
        }

        _version = model.Version;
    }
}
