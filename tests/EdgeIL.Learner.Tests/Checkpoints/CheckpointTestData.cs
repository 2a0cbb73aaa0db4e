using System.Runtime.InteropServices;
using EdgeIL.Learner.Checkpoints;

namespace EdgeIL.Learner.Tests.Checkpoints;

/// <summary>Small trained learners, their checkpoints, and ways to take checkpoints apart.</summary>
internal static class CheckpointTestData
{
    private static readonly int[] s_sizes = [4, 5, 3];

    public static TheoryData<LearningAlgorithm, OutputHead> AlgorithmsAndHeads()
    {
        var data = new TheoryData<LearningAlgorithm, OutputHead>();
        foreach (LearningAlgorithm algorithm in LearningAlgorithms.All)
        {
            foreach (OutputHead head in Enum.GetValues<OutputHead>())
            {
                data.Add(algorithm, head);
            }
        }

        return data;
    }

    /// <summary>
    /// A learner trained a few single steps and one mini-batch, so Adam's moments and step count are
    /// not trivial. The head also picks the input stage, so that every rule meets every stage:
    /// running standardisation for softmax, fixed per-feature scaling for sigmoid, the identity for
    /// regression.
    /// </summary>
    public static OnlineLearner Trained(LearningAlgorithm algorithm, OutputHead head = OutputHead.Softmax, int seed = 11)
    {
        Mlp model = Mlp.CreateRandom(s_sizes, head, seed);
        if (head == OutputHead.Softmax)
        {
            model.Input.StartStandardizing();
        }
        else if (head == OutputHead.Sigmoid)
        {
            model.Input.SetFixed([0.5f, -1f, 0f, 2f], [0.25f, 2f, -1f, 1f]);
        }

        var learner = new OnlineLearner(model, algorithm);
        var random = new Random(seed);
        Train(learner, random, steps: 3);
        return learner;
    }

    /// <summary>Single steps then a batch of two; every step must apply, or the comparison would prove nothing.</summary>
    public static void Train(OnlineLearner learner, Random random, int steps)
    {
        Mlp model = learner.Model;
        for (int step = 0; step < steps; step++)
        {
            (float[] input, float[] target) = Sample(random, model);
            Assert.True(learner.Learn(input, target).Applied);
        }

        (float[] first, float[] firstTarget) = Sample(random, model);
        (float[] second, float[] secondTarget) = Sample(random, model);
        Assert.True(learner.LearnBatch([.. first, .. second], [.. firstTarget, .. secondTarget], 2, learner.Hyperparameters.Iterations).Applied);
    }

    public static byte[] Save(OnlineLearner learner)
    {
        using var stream = new MemoryStream();
        Checkpoint.Save(learner, stream);
        return stream.ToArray();
    }

    public static OnlineLearner Load(byte[] checkpoint) => Checkpoint.Load(new MemoryStream(checkpoint, writable: false));

    /// <summary>Asserts that two learners hold the same state, every float compared bit for bit.</summary>
    public static void AssertSameState(OnlineLearner expected, OnlineLearner actual)
    {
        Assert.Equal(expected.Algorithm, actual.Algorithm);
        Assert.Equal(expected.Hyperparameters, actual.Hyperparameters);
        Assert.Equal(expected.SamplesSeen, actual.SamplesSeen);
        Assert.Equal(expected.Model.Head, actual.Model.Head);
        Assert.Equal(expected.Model.LayerSizes.ToArray(), actual.Model.LayerSizes.ToArray());
        InputStage expectedStage = expected.Model.Input, actualStage = actual.Model.Input;
        Assert.Equal(expectedStage.Scaling, actualStage.Scaling);
        AssertBitsEqual(expectedStage.Offset, actualStage.Offset);
        AssertBitsEqual(expectedStage.Scale, actualStage.Scale);
        if (expectedStage.Scaling == InputScaling.Standardize)
        {
            Assert.Equal(expectedStage.Frozen, actualStage.Frozen);
            Assert.Equal(expectedStage.Count, actualStage.Count);
            Assert.Equal(MemoryMarshal.Cast<double, long>(expectedStage.Mean).ToArray(), MemoryMarshal.Cast<double, long>(actualStage.Mean).ToArray());
            Assert.Equal(MemoryMarshal.Cast<double, long>(expectedStage.SquaredDeviations).ToArray(), MemoryMarshal.Cast<double, long>(actualStage.SquaredDeviations).ToArray());
        }

        for (int n = 0; n < expected.Model.LayerCount; n++)
        {
            AssertBitsEqual(expected.Model.GetWeights(n), actual.Model.GetWeights(n));
            AssertBitsEqual(expected.Model.GetBiases(n), actual.Model.GetBiases(n));
        }

        Assert.Equal(expected.Adam is null, actual.Adam is null);
        if (expected.Adam is { } adam)
        {
            Assert.Equal(adam.Step, actual.Adam!.Step);
            float[][] expectedBuffers = [.. adam.Buffers()];
            float[][] actualBuffers = [.. actual.Adam.Buffers()];
            Assert.Equal(expectedBuffers.Length, actualBuffers.Length);
            for (int i = 0; i < expectedBuffers.Length; i++)
            {
                AssertBitsEqual(expectedBuffers[i], actualBuffers[i]);
            }
        }
    }

    private static (float[] Input, float[] Target) Sample(Random random, Mlp model)
    {
        float[] input = new float[model.InputSize];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = (float)(2 * random.NextDouble() - 1);
        }

        float[] target = TestData.RandomTarget(model.Head, model.OutputSize, random);

        return (input, target);
    }

    private static void AssertBitsEqual(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual) =>
        Assert.Equal(MemoryMarshal.Cast<float, int>(expected).ToArray(), MemoryMarshal.Cast<float, int>(actual).ToArray());
}
