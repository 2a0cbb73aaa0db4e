namespace EdgeIL.Learner.Tests;

/// <summary>Every rule learns, within its budget, and its step does what its name says.</summary>
public class LearningRuleTests
{
    public static TheoryData<LearningAlgorithm> Algorithms => [.. LearningAlgorithms.All];

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Learn_SeparableProblem_ReachesHighAccuracy(LearningAlgorithm algorithm)
    {
        // Three Gaussian clusters in 8 dimensions: separable by a linear boundary with margin.
        const int classes = 3, features = 8;
        var random = new Random(7);
        float[][] centres = Enumerable.Range(0, classes).Select(c => TestData.Uniform(features, seed: 100 + c, scale: 2f)).ToArray();
        (float[] X, int Label) Sample()
        {
            int label = random.Next(classes);
            float[] x = centres[label].Select(v => v + (float)(0.3 * Gaussian(random))).ToArray();
            return (x, label);
        }

        Mlp model = Mlp.CreateRandom([features, 16, 16, classes], OutputHead.Softmax, seed: 3);
        Hyperparameters hyperparameters = Hyperparameters.For(algorithm);
        if (algorithm.UsesAdam())
        {
            // The paper's Adam rates are tuned for 60,000 MNIST samples; this problem has 600.
            hyperparameters = hyperparameters with { LearningRate = 0.01f };
        }

        var learner = new OnlineLearner(model, algorithm, hyperparameters);
        for (int step = 0; step < 600; step++)
        {
            (float[] x, int label) = Sample();
            Assert.True(learner.LearnClass(x, label).Applied);
        }

        int correct = 0;
        for (int test = 0; test < 300; test++)
        {
            (float[] x, int label) = Sample();
            correct += model.PredictClass(x) == label ? 1 : 0;
        }

        Assert.True(correct >= 285, $"{algorithm.Name()}: {correct}/300 correct");
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Learn_RepeatedSample_LowersItsLoss(LearningAlgorithm algorithm)
    {
        foreach (OutputHead head in Enum.GetValues<OutputHead>())
        {
            Mlp model = Mlp.CreateRandom([6, 5, 4, 3], head, seed: 9);
            var learner = new OnlineLearner(model, algorithm);
            float[] x = TestData.Uniform(6, seed: 1);
            float[] y = head == OutputHead.Identity ? [0.5f, -1f, 2f] : [0f, 1f, 0f];
            float first = learner.Learn(x, y).Loss;
            float last = first;
            for (int step = 0; step < 5; step++)
            {
                LearnResult result = learner.Learn(x, y);
                Assert.True(result.Applied);
                Assert.True(result.Loss < last, $"{algorithm.Name()} {head}: loss {result.Loss} after {last}");
                last = result.Loss;
            }
        }
    }

    [Fact]
    public void LearnBatch_IdenticalSamples_EqualsOneStepOnTheSample()
    {
        foreach (LearningAlgorithm algorithm in LearningAlgorithms.All)
        {
            float[] x = TestData.Uniform(6, seed: 1);
            float[] y = TestData.OneHot(1, 3);
            Mlp single = Mlp.CreateRandom([6, 5, 4, 3], OutputHead.Softmax, seed: 2);
            Mlp batched = single.Clone();
            new OnlineLearner(single, algorithm).Learn(x, y);
            new OnlineLearner(batched, algorithm).LearnBatch([.. x, .. x, .. x, .. x], [.. y, .. y, .. y, .. y], 4, 25);
            float[] expected = TestData.Parameters(single);
            float[] actual = TestData.Parameters(batched);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5f, $"{algorithm.Name()} parameter {i}: {expected[i]} vs {actual[i]}");
            }
        }
    }

    [Fact]
    public void LearnBatch_BPSgd_StepsAlongTheMeanGradient()
    {
        float[] x1 = TestData.Uniform(6, seed: 1), x2 = TestData.Uniform(6, seed: 2);
        float[] y1 = TestData.OneHot(0, 3), y2 = TestData.OneHot(2, 3);
        Mlp start = Mlp.CreateRandom([6, 5, 3], OutputHead.Softmax, seed: 4);
        float[] before = TestData.Parameters(start);
        float[] Step(float[] x, float[] y)
        {
            Mlp model = start.Clone();
            new OnlineLearner(model, LearningAlgorithm.BPSgd).Learn(x, y);
            return TestData.Parameters(model);
        }

        float[] after1 = Step(x1, y1), after2 = Step(x2, y2);
        Mlp batched = start.Clone();
        new OnlineLearner(batched, LearningAlgorithm.BPSgd).LearnBatch([.. x1, .. x2], [.. y1, .. y2], 2, 0);
        float[] actual = TestData.Parameters(batched);
        for (int i = 0; i < before.Length; i++)
        {
            float expected = before[i] + 0.5f * ((after1[i] - before[i]) + (after2[i] - before[i]));
            Assert.True(Math.Abs(expected - actual[i]) <= 1e-6f, $"parameter {i}: {expected} vs {actual[i]}");
        }
    }

    [Fact]
    public void WithHyperparameters_AdamLearner_KeepsModelMomentsAndSamplesSeen()
    {
        var learner = new OnlineLearner(Mlp.CreateRandom([6, 5, 3], OutputHead.Softmax, seed: 1), LearningAlgorithm.BPAdam);
        for (int step = 0; step < 5; step++)
        {
            learner.LearnClass(TestData.Uniform(6, seed: step), step % 3);
        }

        OnlineLearner retuned = learner.WithHyperparameters(learner.Hyperparameters with { LearningRate = 1e-3f });

        Assert.Same(learner.Model, retuned.Model);
        Assert.Equal(1e-3f, retuned.Hyperparameters.LearningRate);
        Assert.Equal(5, retuned.SamplesSeen);
        Assert.Equal(5, retuned.Adam!.Step);
        Assert.Equal(learner.Adam!.Buffers().SelectMany(b => b), retuned.Adam.Buffers().SelectMany(b => b));
        Assert.Contains(retuned.Adam.Buffers().SelectMany(b => b), v => v != 0f);
    }

    [Fact]
    public void Constructor_InvalidHyperparameter_NamesIt()
    {
        Mlp model = Mlp.CreateRandom([3, 2], OutputHead.Softmax, seed: 1);
        var error = Assert.Throws<ArgumentException>(() => new OnlineLearner(model, LearningAlgorithm.ILProx, new Hyperparameters { Alpha = -1f }));
        Assert.Contains("Alpha", error.Message);
        error = Assert.Throws<ArgumentException>(() => new OnlineLearner(model, LearningAlgorithm.BPAdam, new Hyperparameters { AdamBeta1 = 0.9999f }));
        Assert.Contains("AdamBeta1", error.Message);
    }

    [Fact]
    public void Learn_WrongShapes_AreRefusedWithTheExpectedSize()
    {
        var learner = new OnlineLearner(Mlp.CreateRandom([3, 4, 2], OutputHead.Softmax, seed: 1), LearningAlgorithm.ILProx);
        Assert.Contains("1 x 3", Assert.Throws<ArgumentException>(() => learner.Learn(new float[4], new float[2])).Message);
        Assert.Contains("1 x 2", Assert.Throws<ArgumentException>(() => learner.Learn(new float[3], new float[3])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => learner.LearnClass(new float[3], 2));
    }

    [Fact]
    public void Names_RoundTrip_AndUnknownNamesListTheKnownOnes()
    {
        foreach (LearningAlgorithm algorithm in LearningAlgorithms.All)
        {
            Assert.Equal(algorithm, LearningAlgorithms.Parse(algorithm.Name()));
        }

        Assert.Contains("il-prox-fast", Assert.Throws<ArgumentException>(() => LearningAlgorithms.Parse("il-fast")).Message);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
