namespace EdgeIL.Learner;

/// <summary>Adam's moment estimates for every weight and bias, and its step count.</summary>
public sealed class AdamState
{
    internal AdamState(Mlp model)
    {
        FirstMomentWeights = new float[model.LayerCount][];
        SecondMomentWeights = new float[model.LayerCount][];
        FirstMomentBiases = new float[model.LayerCount][];
        SecondMomentBiases = new float[model.LayerCount][];
        for (int n = 0; n < model.LayerCount; n++)
        {
            FirstMomentWeights[n] = new float[model.GetWeights(n).Length];
            SecondMomentWeights[n] = new float[model.GetWeights(n).Length];
            FirstMomentBiases[n] = new float[model.GetBiases(n).Length];
            SecondMomentBiases[n] = new float[model.GetBiases(n).Length];
        }
    }

    /// <summary>How many Adam steps have been applied (t in Adam's bias corrections).</summary>
    public long Step { get; internal set; }

    internal float[][] FirstMomentWeights { get; }

    internal float[][] SecondMomentWeights { get; }

    internal float[][] FirstMomentBiases { get; }

    internal float[][] SecondMomentBiases { get; }

    /// <summary>Every moment buffer in a fixed order (per layer: weights m, weights s, biases m, biases s), for checkpoints.</summary>
    /// <summary>Copies another state's step count and moments into this one (same shape), allocating nothing.</summary>
    internal void CopyFrom(AdamState other)
    {
        Step = other.Step;
        for (int n = 0; n < FirstMomentWeights.Length; n++)
        {
            other.FirstMomentWeights[n].CopyTo(FirstMomentWeights[n], 0);
            other.SecondMomentWeights[n].CopyTo(SecondMomentWeights[n], 0);
            other.FirstMomentBiases[n].CopyTo(FirstMomentBiases[n], 0);
            other.SecondMomentBiases[n].CopyTo(SecondMomentBiases[n], 0);
        }
    }

    internal IEnumerable<float[]> Buffers()
    {
        for (int n = 0; n < FirstMomentWeights.Length; n++)
        {
            yield return FirstMomentWeights[n];
            yield return SecondMomentWeights[n];
            yield return FirstMomentBiases[n];
            yield return SecondMomentBiases[n];
        }
    }
}
