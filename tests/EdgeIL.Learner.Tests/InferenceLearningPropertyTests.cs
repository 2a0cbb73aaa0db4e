using System.Numerics.Tensors;

namespace EdgeIL.Learner.Tests;

/// <summary>The checkable facts about IL-prox that algorithms.md states.</summary>
public class InferenceLearningPropertyTests
{
    public static TheoryData<int[]> Shapes => [[6, 5, 4, 3], [10, 8, 3], [4, 7, 7, 7, 2]];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Learn_ILProxWithoutDamping_HiddenPredictionsReachTheirTargets(int[] sizes)
    {
        Mlp model = Mlp.CreateRandom(sizes, OutputHead.Softmax, seed: 11);
        var learner = new OnlineLearner(model, LearningAlgorithm.ILProx, Hyperparameters.For(LearningAlgorithm.ILProx) with { Epsilon = 0f, Alpha = 2f });
        float[] x = TestData.Uniform(sizes[0], seed: 5);
        LearnResult result = learner.Learn(x, TestData.OneHot(1, sizes[^1]));
        Assert.True(result.Applied);

        // NLMS with eps = 0 is the minimum-norm change that makes W_n' a_n + b_n' = v_{n+1} exactly.
        LearnerWorkspace state = learner.SingleSampleWorkspace;
        for (int n = 0; n < model.LayerCount - 1; n++)
        {
            float[] prediction = new float[sizes[n + 1]];
            for (int i = 0; i < prediction.Length; i++)
            {
                prediction[i] = TensorPrimitives.Dot(model.GetWeights(n).Slice(i * sizes[n], sizes[n]), state.Presynaptic[n].AsSpan(0, sizes[n])) + model.GetBiases(n)[i];
            }

            float[] target = state.Activity[n + 1].AsSpan(0, sizes[n + 1]).ToArray();
            double relative = TensorPrimitives.Distance(prediction, target) / Math.Max(TensorPrimitives.Norm(target), 1e-6);
            Assert.True(relative < 1e-4, $"layer {n + 1}: relative error {relative:E2}");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Learn_ILProx_EachLayerChangeIsBoundedByItsErrorOverRootNorm(int[] sizes)
    {
        foreach (float alpha in new[] { 0.01f, 1f, 100f, 1e6f })
        {
            Mlp model = Mlp.CreateRandom(sizes, OutputHead.Softmax, seed: 3);
            Mlp before = model.Clone();
            var learner = new OnlineLearner(model, LearningAlgorithm.ILProx, Hyperparameters.For(LearningAlgorithm.ILProx) with { Alpha = alpha });
            Assert.True(learner.Learn(TestData.Uniform(sizes[0], seed: 8, scale: 3f), TestData.OneHot(0, sizes[^1])).Applied);

            LearnerWorkspace state = learner.SingleSampleWorkspace;
            for (int n = 0; n < model.LayerCount; n++)
            {
                double change = Math.Sqrt(
                    SquaredDistance(model.GetWeights(n), before.GetWeights(n)) + SquaredDistance(model.GetBiases(n), before.GetBiases(n)));
                double s = TensorPrimitives.SumOfSquares(state.Presynaptic[n].AsSpan(0, sizes[n])) + 1 + learner.Hyperparameters.Epsilon;
                double bound = TensorPrimitives.Norm(state.Error[n + 1].AsSpan(0, sizes[n + 1])) / Math.Sqrt(s);

                // The change is measured from float32 weights, each rounded to half an ulp.
                double rounding = Math.Sqrt(model.GetWeights(n).Length + sizes[n + 1]) * 0.5 * Math.ScaleB(MaxMagnitude(model, n), -23);
                Assert.True(change <= bound * (1 + 1e-5) + rounding, $"alpha {alpha}, layer {n}: ||dW|| = {change} > {bound}");
            }
        }
    }

    [Fact]
    public void OutputTarget_AlphaToZero_StaysAtOutput_AlphaLarge_MovesToLabel()
    {
        float[] output = [0.2f, 0.5f, 0.3f];
        float[] label = [0f, 0f, 1f];
        float[] target = new float[3], error = new float[3];
        var hyperparameters = Hyperparameters.For(LearningAlgorithm.ILProx);

        OutputTarget.Compute(LearningAlgorithm.ILProx, hyperparameters with { Alpha = 1e-9f }, 4f, output, label, target, error);
        Assert.True(TensorPrimitives.Distance(target, output) < 1e-7);

        double previous = double.MaxValue;
        foreach (float alpha in new[] { 0.01f, 0.1f, 1f, 10f, 100f, 1e6f })
        {
            OutputTarget.Compute(LearningAlgorithm.ILProx, hyperparameters with { Alpha = alpha }, 4f, output, label, target, error);
            double distance = TensorPrimitives.Distance(target, label);
            Assert.True(distance < previous, $"alpha {alpha}: the target must approach the label monotonically");
            previous = distance;
        }

        Assert.True(previous < 1e-6);
    }

    [Fact]
    public void Learn_ILProxTinyAlpha_BarelyMovesTheWeights()
    {
        Mlp model = Mlp.CreateRandom([6, 5, 3], OutputHead.Softmax, seed: 1);
        var learner = new OnlineLearner(model, LearningAlgorithm.ILProx, Hyperparameters.For(LearningAlgorithm.ILProx) with { Alpha = 1e-7f });
        LearnResult result = learner.Learn(TestData.Uniform(6, seed: 2), TestData.OneHot(2, 3));
        Assert.True(result.Applied);
        Assert.True(result.WeightChange < 1e-5, $"weight change {result.WeightChange}");
    }

    [Fact]
    public void Learn_LowerBudget_UsesFewerIterationsAndNeverMoreThanT()
    {
        Mlp model = Mlp.CreateRandom([6, 5, 4, 3], OutputHead.Softmax, seed: 1);
        var learner = new OnlineLearner(model, LearningAlgorithm.ILProx);
        float[] x = TestData.Uniform(6, seed: 2);
        float[] y = TestData.OneHot(1, 3);
        Assert.Equal(25, learner.Learn(x, y).Iterations);
        Assert.Equal(12, learner.Learn(x, y, iterationBudget: 12).Iterations);
        Assert.Equal(25, learner.Learn(x, y, iterationBudget: 1000).Iterations);
        Assert.Equal(0, learner.Learn(x, y, iterationBudget: 0).Iterations);
        Assert.Throws<ArgumentOutOfRangeException>(() => learner.Learn(x, y, iterationBudget: -1));
    }

    [Fact]
    public void Learn_DifferentBudgets_GiveDifferentSteps()
    {
        float[] x = TestData.Uniform(6, seed: 2);
        float[] y = TestData.OneHot(1, 3);
        float[] Step(int budget)
        {
            Mlp model = Mlp.CreateRandom([6, 5, 4, 3], OutputHead.Softmax, seed: 1);
            new OnlineLearner(model, LearningAlgorithm.ILProx).Learn(x, y, budget);
            return TestData.Parameters(model);
        }

        Assert.NotEqual(Step(25), Step(5));
    }

    private static double MaxMagnitude(Mlp model, int layer) =>
        Math.Max(TensorPrimitives.MaxMagnitude(model.GetWeights(layer)), TensorPrimitives.MaxMagnitude(model.GetBiases(layer)));

    private static double SquaredDistance(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double d = (double)x[i] - y[i];
            sum += d * d;
        }

        return sum;
    }
}
