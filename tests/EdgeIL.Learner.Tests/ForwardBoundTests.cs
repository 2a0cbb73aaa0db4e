namespace EdgeIL.Learner.Tests;

/// <summary>
/// The guard's input bound: the largest <c>|(x - offset) scale|</c> over the range of raw inputs, computed in
/// float64. A network of zero weights and biases passes that bound through unchanged, so the limit at which
/// <see cref="ForwardBound.Admits"/> flips from yes to no is the bound itself, to the last bit.
/// </summary>
public class ForwardBoundTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(784)]
    public void Admits_ZeroNetwork_FlipsExactlyAtTheStageOutputBound(int features)
    {
        var random = new Random(features);
        Mlp model = Mlp.CreateRandom([features, 3, 2], OutputHead.Softmax, seed: 1);
        for (int n = 0; n < model.LayerCount; n++)
        {
            model.SetWeights(n, new float[model.LayerSizes[n] * model.LayerSizes[n + 1]]);
            model.SetBiases(n, new float[model.LayerSizes[n + 1]]);
        }

        // Offsets on both sides of the inputs and negative scales, so that either end of the range can give
        // the largest spread and a missing absolute value shows.
        float[] offset = Values(random, features, -50, 50);
        float[] scale = Values(random, features, -3, 3);
        model.Input.SetFixed(offset, scale);
        float[] first = Values(random, features, -100, 100);
        float[] second = Values(random, features, -100, 100);

        var bound = new ForwardBound(model);
        Assert.True(bound.Admits(model, first, 1, 1e30, 1e30));
        bound.Commit(model);

        double expected = 0;
        for (int i = 0; i < features; i++)
        {
            double low = Math.Min(first[i], second[i]), high = Math.Max(first[i], second[i]);
            double spread = Math.Max(Math.Abs(low - offset[i]), Math.Abs(high - offset[i]));
            expected = Math.Max(expected, spread * Math.Abs(scale[i]));
        }

        Assert.True(bound.Admits(model, second, 1, 1e30, expected));
        Assert.False(bound.Admits(model, second, 1, 1e30, Math.BitDecrement(expected)));
    }

    private static float[] Values(Random random, int count, double low, double high) =>
        [.. Enumerable.Range(0, count).Select(_ => (float)(low + ((high - low) * random.NextDouble())))];
}
