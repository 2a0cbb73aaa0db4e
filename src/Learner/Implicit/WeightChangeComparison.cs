namespace EdgeIL.Learner.Implicit;

/// <summary>How one weight layer's change compares with the reference's.</summary>
/// <param name="Layer">The weight layer <c>n</c> (its <c>W_n</c> and <c>b_n</c>).</param>
/// <param name="Cosine">The cosine between the two changes restricted to this layer; NaN when either is zero.</param>
/// <param name="Share">This layer's share of the learner's squared change, <c>||Delta theta_n||^2 / ||Delta theta||^2</c>; NaN when there is no change.</param>
/// <param name="ReferenceShare">The same share for the reference's change.</param>
/// <param name="NormRatio">The learner's change in this layer over the reference's (infinity when only the learner changes it, NaN when neither does).</param>
public readonly record struct LayerChangeComparison(int Layer, double Cosine, double Share, double ReferenceShare, double NormRatio);

/// <summary>
/// Compares a learner's weight change with a reference change (normally the implicit step's): the
/// direction (cosine), the size (norm ratio) and how each spreads its change over the layers.
/// </summary>
/// <remarks>
/// The numbers are reported as measured; nothing is normalised or clipped to look closer than it is.
/// </remarks>
public sealed class WeightChangeComparison
{
    private WeightChangeComparison(double cosine, double norm, double referenceNorm, IReadOnlyList<LayerChangeComparison> layers)
    {
        Cosine = cosine;
        Norm = norm;
        ReferenceNorm = referenceNorm;
        Layers = layers;
    }

    /// <summary>The cosine between the whole changes, in [-1, 1]; NaN when either is zero.</summary>
    public double Cosine { get; }

    /// <summary>The Euclidean norm of the learner's change.</summary>
    public double Norm { get; }

    /// <summary>The Euclidean norm of the reference's change.</summary>
    public double ReferenceNorm { get; }

    /// <summary><see cref="Norm"/> / <see cref="ReferenceNorm"/>: above 1 the learner moved further than the reference.</summary>
    public double NormRatio => Ratio(Norm, ReferenceNorm);

    /// <summary>One entry per weight layer, in order.</summary>
    public IReadOnlyList<LayerChangeComparison> Layers { get; }

    /// <summary>
    /// Compares the change a learner made (from <paramref name="before"/> to <paramref name="after"/>)
    /// with the implicit step <paramref name="reference"/>, which must have been solved for <paramref name="before"/>.
    /// </summary>
    public static WeightChangeComparison Compare(Mlp before, Mlp after, ImplicitStepResult reference)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(reference);
        if (before.Head != reference.Head || !before.LayerSizes.SequenceEqual(reference.LayerSizes))
        {
            throw new ArgumentException("The network has a different shape from the one the reference step was solved for.", nameof(before));
        }

        if (!ParameterChange.Flatten(before).AsSpan().SequenceEqual(reference.OldNetwork.Flatten()))
        {
            throw new ArgumentException("The network's parameters are not the ones the reference step started from.", nameof(before));
        }

        return Compare(ParameterChange.Between(before, after), ParameterChange.Of(reference), reference.LayerSizes);
    }

    /// <summary>Compares two flattened changes (the order of <see cref="ParameterChange"/>) of a network with layer sizes <paramref name="layerSizes"/>.</summary>
    public static WeightChangeComparison Compare(ReadOnlySpan<double> change, ReadOnlySpan<double> referenceChange, ReadOnlySpan<int> layerSizes)
    {
        int count = ParameterChange.Count(layerSizes);
        if (change.Length != count)
        {
            throw new ArgumentException($"Expected {count} changes for this network, got {change.Length}.", nameof(change));
        }

        if (referenceChange.Length != count)
        {
            throw new ArgumentException($"Expected {count} changes for this network, got {referenceChange.Length}.", nameof(referenceChange));
        }

        if (!AllFinite(change))
        {
            throw new ArgumentException("The change holds NaN or infinity.", nameof(change));
        }

        if (!AllFinite(referenceChange))
        {
            throw new ArgumentException("The reference change holds NaN or infinity.", nameof(referenceChange));
        }

        (double dot, double squares, double referenceSquares) = Products(change, referenceChange);
        var layers = new LayerChangeComparison[layerSizes.Length - 1];
        for (int n = 0; n < layers.Length; n++)
        {
            Range range = ParameterChange.LayerRange(layerSizes, n);
            (double layerDot, double layerSquares, double layerReferenceSquares) = Products(change[range], referenceChange[range]);
            layers[n] = new LayerChangeComparison(
                n,
                CosineOf(layerDot, layerSquares, layerReferenceSquares),
                squares == 0 ? double.NaN : layerSquares / squares,
                referenceSquares == 0 ? double.NaN : layerReferenceSquares / referenceSquares,
                Ratio(Math.Sqrt(layerSquares), Math.Sqrt(layerReferenceSquares)));
        }

        return new WeightChangeComparison(CosineOf(dot, squares, referenceSquares), Math.Sqrt(squares), Math.Sqrt(referenceSquares), layers);
    }

    private static (double Dot, double Squares, double ReferenceSquares) Products(ReadOnlySpan<double> change, ReadOnlySpan<double> reference)
    {
        double dot = 0, squares = 0, referenceSquares = 0;
        for (int i = 0; i < change.Length; i++)
        {
            dot += change[i] * reference[i];
            squares += change[i] * change[i];
            referenceSquares += reference[i] * reference[i];
        }

        return (dot, squares, referenceSquares);
    }

    private static double CosineOf(double dot, double squares, double referenceSquares) =>
        squares == 0 || referenceSquares == 0 ? double.NaN : Math.Clamp(dot / (Math.Sqrt(squares) * Math.Sqrt(referenceSquares)), -1, 1);

    private static double Ratio(double norm, double referenceNorm) =>
        referenceNorm == 0 ? (norm == 0 ? double.NaN : double.PositiveInfinity) : norm / referenceNorm;

    private static bool AllFinite(ReadOnlySpan<double> values)
    {
        foreach (double value in values)
        {
            if (!double.IsFinite(value))
            {
                return false;
            }
        }

        return true;
    }
}
