using EdgeIL.Learner.Kernels;

namespace EdgeIL.Learner.Tests;

public class GoldenStepTests
{
    public static TheoryData<string> Cases => GoldenCase.Names();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Learn_GoldenCase_MatchesIndependentImplementationAfterEveryStep(string name)
    {
        foreach (SimdLevel level in Enum.GetValues<SimdLevel>())
        {
            GoldenCase golden = GoldenCase.Named(name);
            Mlp model = golden.CreateModel();
            var learner = new OnlineLearner(model, golden.Algorithm, golden.Hyperparameters) { SimdLevel = level };
            for (int step = 0; step < golden.Samples.Length; step++)
            {
                LearnResult result = learner.Learn(golden.Samples[step].Input, golden.Samples[step].Label);
                Assert.True(result.Applied, $"{name} step {step}: {result.Status}");
                GoldenParameters expected = golden.AfterEachStep[step];
                for (int n = 0; n < model.LayerCount; n++)
                {
                    AssertClose(expected.Weights[n], model.GetWeights(n), $"{name} ({level}) step {step} W{n}");
                    AssertClose(expected.Biases[n], model.GetBiases(n), $"{name} ({level}) step {step} b{n}");
                }
            }
        }
    }

    [Fact]
    public void GoldenFile_Loaded_CoversTheRulesItWasMadeFor()
    {
        // The file has no IL-Adam or IL-prox + Adam case: those two are checked by the property
        // tests (they compose inference, tested here, with Adam, tested here through BP-Adam).
        LearningAlgorithm[] covered = [.. GoldenCase.All.Select(c => c.Algorithm).Distinct().Order()];
        Assert.Equal(
            [LearningAlgorithm.ILProx, LearningAlgorithm.ILProxFast, LearningAlgorithm.ILSgd, LearningAlgorithm.BPSgd, LearningAlgorithm.BPAdam, LearningAlgorithm.BPProx],
            covered);
        Assert.Contains(GoldenCase.All, c => c.Head == OutputHead.Sigmoid);
    }

    [Fact]
    public void UnitBalanceCase_LearnedWithThePapersRule_DepartsAfterTheFirstRebalancing()
    {
        // The balance cases must test the balance: without it the autoencoder case matches its
        // vectors up to step 10, where the first rebalancing happens, and not after.
        GoldenCase golden = GoldenCase.Named("il-prox-sigmoid-autoencoder-balance");
        Mlp model = golden.CreateModel();
        var learner = new OnlineLearner(model, golden.Algorithm, golden.Hyperparameters with { BalanceInterval = 0 });
        double[] worst = new double[golden.Samples.Length];
        for (int step = 0; step < golden.Samples.Length; step++)
        {
            learner.Learn(golden.Samples[step].Input, golden.Samples[step].Label);
            for (int n = 0; n < model.LayerCount; n++)
            {
                float[] weights = model.GetWeights(n).ToArray();
                worst[step] = Math.Max(worst[step], golden.AfterEachStep[step].Weights[n].Select((w, i) => Math.Abs(w - weights[i])).Max());
            }
        }

        Assert.All(worst[..9], difference => Assert.True(difference < 1e-5, $"{difference}"));
        Assert.True(worst[9] > 1e-2, $"After the first rebalancing the paper's rule differs by only {worst[9]}.");
    }

    /// <summary>
    /// float32 against float64: relative 1e-4 of the larger magnitude, with an absolute floor for
    /// entries near zero where relative error means nothing.
    /// </summary>
    private static void AssertClose(double[] expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = 1e-4 * Math.Max(Math.Abs(expected[i]), 1e-2);
            Assert.True(
                Math.Abs(expected[i] - actual[i]) <= tolerance,
                $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (difference {Math.Abs(expected[i] - actual[i]):E2})");
        }
    }
}
