namespace EdgeIL.Learner.Tests;

public class NumericalGuardTests
{
    [Fact]
    public void Learn_BPSgdAtTheLargestLearningRate_NeverLeavesANonFiniteWeight()
    {
        Mlp model = Mlp.CreateRandom([20, 16, 16, 4], OutputHead.Softmax, seed: 1);
        var learner = new OnlineLearner(model, LearningAlgorithm.BPSgd, new Hyperparameters { LearningRate = LearnerLimits.MaximumLearningRate });
        var random = new Random(2);
        int rejected = 0;
        for (int step = 0; step < 300; step++)
        {
            float[] x = TestData.Uniform(20, seed: step, scale: 255f);
            float[] before = TestData.Parameters(model);
            LearnResult result = learner.LearnClass(x, random.Next(4));
            float[] after = TestData.Parameters(model);
            Assert.All(after, v => Assert.True(float.IsFinite(v)));
            if (!result.Applied)
            {
                rejected++;
                Assert.Equal(LearnStatus.RejectedNonFiniteUpdate, result.Status);
                Assert.Equal(before, after);
            }
        }

        // The guard must actually have had something to stop, or this test proves nothing.
        Assert.True(rejected > 0);
    }

    [Fact]
    public void Learn_EveryRuleAtAbsurdRates_KeepsEveryWeightAndMomentFinite()
    {
        foreach (LearningAlgorithm algorithm in LearningAlgorithms.All)
        {
            Mlp model = Mlp.CreateRandom([10, 8, 3], OutputHead.Softmax, seed: 3);
            var learner = new OnlineLearner(model, algorithm, Hyperparameters.For(algorithm) with
            {
                LearningRate = LearnerLimits.MaximumLearningRate,
                Alpha = LearnerLimits.MaximumAlpha,
                GammaBottom = LearnerLimits.MaximumGamma,
            });
            for (int step = 0; step < 50; step++)
            {
                learner.LearnClass(TestData.Uniform(10, seed: step, scale: 1e15f), step % 3);
                Assert.All(TestData.Parameters(model), v => Assert.True(float.IsFinite(v), algorithm.Name()));
                if (learner.Adam is { } adam)
                {
                    Assert.All(adam.Buffers().SelectMany(b => b), v => Assert.True(float.IsFinite(v), algorithm.Name()));
                }
            }
        }
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Learn_NonFiniteInputOrLabel_IsRejectedBeforeAnyWork(float bad)
    {
        Mlp model = Mlp.CreateRandom([4, 3, 2], OutputHead.Softmax, seed: 1);
        float[] before = TestData.Parameters(model);
        var learner = new OnlineLearner(model, LearningAlgorithm.ILProx);
        Assert.Equal(LearnStatus.RejectedNonFiniteSample, learner.Learn([0f, bad, 1f, 2f], [1f, 0f]).Status);
        Assert.Equal(LearnStatus.RejectedNonFiniteSample, learner.Learn([0f, 1f, 1f, 2f], [bad, 0f]).Status);
        Assert.Equal(before, TestData.Parameters(model));
        Assert.Equal(0, learner.SamplesSeen);
    }

    [Fact]
    public void Learn_AfterWeightsAreSetByHand_GuardUsesTheNewMagnitudes()
    {
        Mlp model = Mlp.CreateRandom([4, 3, 2], OutputHead.Softmax, seed: 1);
        var learner = new OnlineLearner(model, LearningAlgorithm.BPSgd, new Hyperparameters { LearningRate = 1f });
        Assert.True(learner.LearnClass([1f, 2f, 3f, 4f], 0).Applied);

        // Weights near the limit: a step that could push them past it must be refused even though
        // the learner's last own step left them small.
        float[] huge = Enumerable.Repeat(OnlineLearner.WeightMagnitudeLimit * 0.9f, 12).ToArray();
        model.SetWeights(0, huge);
        float[] before = TestData.Parameters(model);
        LearnResult result = learner.LearnClass([1e10f, 1e10f, 1e10f, 1e10f], 1);
        Assert.Equal(LearnStatus.RejectedNonFiniteUpdate, result.Status);
        Assert.Equal(before, TestData.Parameters(model));
    }

    [Fact]
    public void Apply_SoftmaxOfHugeLogits_IsFiniteAndSumsToOne()
    {
        float[] probabilities = new float[3];
        OutputFunctions.Apply(OutputHead.Softmax, [1000f, 0f, -5f], probabilities);
        Assert.Equal([1f, 0f, 0f], probabilities);
        OutputFunctions.Apply(OutputHead.Softmax, [200f, 200f, -1e30f], probabilities);
        Assert.Equal([0.5f, 0.5f, 0f], probabilities);
    }

    [Fact]
    public void Learn_ConfidentClassifierWithHugeLogits_KeepsLearning()
    {
        // Output biases that put one logit past exp's float range: a model that has grown very
        // sure of class 0 must still learn that this sample is class 1, not be stuck refusing steps.
        Mlp model = Mlp.CreateRandom([4, 3, 2], OutputHead.Softmax, seed: 1);
        model.SetBiases(1, [150f, 0f]);
        var learner = new OnlineLearner(model, LearningAlgorithm.ILProx);
        float[] output = new float[2];
        model.Predict([0.1f, 0.2f, 0.3f, 0.4f], output);
        Assert.All(output, p => Assert.True(float.IsFinite(p)));

        LearnResult result = learner.LearnClass([0.1f, 0.2f, 0.3f, 0.4f], 1);
        Assert.True(result.Applied, result.Status.ToString());
        Assert.True(float.IsFinite(result.Loss) && result.Loss > 100, $"loss {result.Loss}");
    }
}
