namespace EdgeIL.Learner.Implicit;

/// <summary>
/// A network's parameters, or the change a step makes to them, as one float64 vector in a fixed
/// order: layer by layer (<c>n = 0..N-1</c>), first <c>W_n</c> row-major (<c>d_{n+1} x d_n</c>),
/// then <c>b_n</c>.
/// </summary>
public static class ParameterChange
{
    /// <summary>The number of parameters of a network with layer sizes <paramref name="layerSizes"/>.</summary>
    public static int Count(ReadOnlySpan<int> layerSizes)
    {
        int count = 0;
        for (int n = 0; n + 1 < layerSizes.Length; n++)
        {
            count = checked(count + (layerSizes[n] + 1) * layerSizes[n + 1]);
        }

        return count;
    }

    /// <summary>The positions of layer <paramref name="layer"/>'s weights and biases in the flattened vector.</summary>
    public static Range LayerRange(ReadOnlySpan<int> layerSizes, int layer)
    {
        if ((uint)layer >= (uint)Math.Max(layerSizes.Length - 1, 0))
        {
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"Weight layers range over 0..{layerSizes.Length - 2}.");
        }

        int start = Count(layerSizes[..(layer + 1)]);
        return start..(start + (layerSizes[layer] + 1) * layerSizes[layer + 1]);
    }

    /// <summary>Every parameter of <paramref name="model"/>, widened to float64.</summary>
    public static double[] Flatten(Mlp model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Float64Network.From(model).Flatten();
    }

    /// <summary><c>Delta theta = theta_after - theta_before</c>, computed in float64 from the float32 parameters (so exactly).</summary>
    public static double[] Between(Mlp before, Mlp after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        if (!before.HasSameShape(after))
        {
            throw new ArgumentException("The two networks have different layer sizes or heads.", nameof(after));
        }

        double[] change = Flatten(after);
        double[] start = Flatten(before);
        for (int i = 0; i < change.Length; i++)
        {
            change[i] -= start[i];
        }

        return change;
    }

    /// <summary>The implicit step's change <c>theta' - theta_old</c>.</summary>
    public static double[] Of(ImplicitStepResult step)
    {
        ArgumentNullException.ThrowIfNull(step);
        double[] change = step.NewNetwork.Flatten();
        double[] start = step.OldNetwork.Flatten();
        for (int i = 0; i < change.Length; i++)
        {
            change[i] -= start[i];
        }

        return change;
    }
}
