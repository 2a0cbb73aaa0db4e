using EdgeIL.Learner.Kernels;

namespace EdgeIL.Learner.Tests;

/// <summary>
/// The mini-batch passes (matrix-matrix kernels on the whole batch) against the per-sample loop of batch-1
/// kernels they replace, and a whole mini-batch step against the steps the batch-1 path takes one sample at
/// a time.
/// </summary>
public class MiniBatchTests
{
    private const int Batch = 7;
    private static readonly int[] s_sizes = [37, 20, 19, 5];

    [Theory]
    [MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void Forward_Batch_MatchesPerSampleKernels(SimdLevel level)
    {
        (Mlp model, LearnerWorkspace actual, LearnerWorkspace expected) = Setup();
        for (int n = 0; n < model.LayerCount; n++)
        {
            MiniBatchPasses.Forward(model, actual, n, Batch, level);
            int inputs = s_sizes[n], outputs = s_sizes[n + 1];
            for (int b = 0; b < Batch; b++)
            {
                Span<float> p = expected.Prediction[n + 1].AsSpan(b * outputs, outputs);
                MatrixKernels.MultiplyAdd(model.WeightsArray(n), expected.Presynaptic[n].AsSpan(b * inputs, inputs), model.BiasesArray(n), p, level);
                p.CopyTo(expected.Activity[n + 1].AsSpan(b * outputs, outputs));
                if (n + 1 < model.LayerCount)
                {
                    for (int j = 0; j < outputs; j++)
                    {
                        expected.Presynaptic[n + 1][b * outputs + j] = Math.Max(p[j], 0f);
                    }
                }
            }
        }

        AssertSame(expected, actual, level);
    }

    [Theory]
    [MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void Backpropagate_Batch_MatchesPerSampleKernels(SimdLevel level)
    {
        (Mlp model, LearnerWorkspace actual, LearnerWorkspace expected) = Setup();
        for (int n = model.LayerCount - 1; n >= 1; n--)
        {
            MiniBatchPasses.Backpropagate(model, actual, n, Batch, level);
            int inputs = s_sizes[n], outputs = s_sizes[n + 1];
            for (int b = 0; b < Batch; b++)
            {
                Span<float> e = expected.Error[n].AsSpan(b * inputs, inputs);
                MatrixKernels.MultiplyTransposed(model.WeightsArray(n), expected.Error[n + 1].AsSpan(b * outputs, outputs), e, level);
                for (int j = 0; j < inputs; j++)
                {
                    e[j] = expected.Activity[n][b * inputs + j] > 0f ? e[j] : 0f;
                }
            }
        }

        AssertSame(expected, actual, level);
    }

    [Theory]
    [MemberData(nameof(TestData.Levels), MemberType = typeof(TestData))]
    public void InferencePasses_Batch_MatchPerSampleKernels(SimdLevel level)
    {
        (Mlp model, LearnerWorkspace actual, LearnerWorkspace expected) = Setup();
        const int n = 1, hidden = 20, next = 19, outputs = 5;
        MiniBatchPasses.PredictHidden(model, actual, n, Batch, propagate: true, level);
        MiniBatchPasses.ComputeLogits(model, actual, Batch, level);
        MiniBatchPasses.PropagateOutputError(model, actual, Batch, 0.5f, level);
        for (int b = 0; b < Batch; b++)
        {
            FusedKernels.PredictAndPropagate(
                model.WeightsArray(n), expected.Presynaptic[n].AsSpan(b * hidden, hidden), model.BiasesArray(n), expected.Activity[n + 1].AsSpan(b * next, next),
                expected.Prediction[n + 1].AsSpan(b * next, next), expected.Error[n + 1].AsSpan(b * next, next), expected.Propagated[n].AsSpan(b * hidden, hidden), level);
            MatrixKernels.MultiplyAdd(
                model.WeightsArray(2), expected.Presynaptic[2].AsSpan(b * next, next), model.BiasesArray(2), expected.Prediction[3].AsSpan(b * outputs, outputs), level);
            Span<float> g = expected.Propagated[2].AsSpan(b * next, next);
            MatrixKernels.MultiplyTransposed(model.WeightsArray(2), expected.Error[3].AsSpan(b * outputs, outputs), g, level);
            for (int j = 0; j < next; j++)
            {
                g[j] *= 0.5f;
            }
        }

        AssertSame(expected, actual, level);
    }

    [Theory]
    [InlineData(LearningAlgorithm.ILSgd)]
    [InlineData(LearningAlgorithm.BPSgd)]
    public void LearnBatch_PlainRule_EqualsMeanOfSingleSampleSteps(LearningAlgorithm algorithm)
    {
        // The plain rules' step is linear in the samples' outer products, each computed from the model
        // before the step: the batch step is the mean of the steps the batch-1 path takes from the same
        // model on each sample alone.
        var random = new Random(5);
        Mlp start = Mlp.CreateRandom(s_sizes, OutputHead.Softmax, seed: 3);
        float[] inputs = TestData.Uniform(Batch * s_sizes[0], seed: 8);
        float[] labels = new float[Batch * s_sizes[^1]];
        for (int b = 0; b < Batch; b++)
        {
            labels[b * s_sizes[^1] + random.Next(s_sizes[^1])] = 1f;
        }

        float[] before = TestData.Parameters(start);
        double[] expected = new double[before.Length];
        for (int b = 0; b < Batch; b++)
        {
            Mlp single = start.Clone();
            LearnResult step = new OnlineLearner(single, algorithm).Learn(
                inputs.AsSpan(b * s_sizes[0], s_sizes[0]), labels.AsSpan(b * s_sizes[^1], s_sizes[^1]));
            Assert.True(step.Applied);
            float[] after = TestData.Parameters(single);
            for (int k = 0; k < after.Length; k++)
            {
                expected[k] += ((double)after[k] - before[k]) / Batch;
            }
        }

        Mlp batched = start.Clone();
        LearnResult result = new OnlineLearner(batched, algorithm).LearnBatch(inputs, labels, Batch, int.MaxValue);
        Assert.True(result.Applied);
        float[] actual = TestData.Parameters(batched);
        for (int k = 0; k < actual.Length; k++)
        {
            expected[k] += before[k];
        }

        Assert.NotEqual(before, actual);
        TestData.AssertClose(expected, actual, 1e-5, algorithm.ToString());
    }

    [Fact]
    public void LearnBatch_SteadyState_AllocatesNothing()
    {
        foreach (LearningAlgorithm algorithm in LearningAlgorithms.All)
        {
            Mlp model = Mlp.CreateRandom(s_sizes, OutputHead.Softmax, seed: 1);
            var learner = new OnlineLearner(model, algorithm);
            float[] inputs = TestData.Uniform(Batch * s_sizes[0], seed: 2);
            float[] labels = new float[Batch * s_sizes[^1]];
            for (int b = 0; b < Batch; b++)
            {
                labels[b * s_sizes[^1] + b % s_sizes[^1]] = 1f;
            }

            learner.LearnBatch(inputs, labels, Batch, int.MaxValue);

            long allocated = TestData.FewestBytesAllocated(3, () =>
            {
                for (int step = 0; step < 50; step++)
                {
                    learner.LearnBatch(inputs, labels, Batch, int.MaxValue);
                }
            });
            Assert.True(allocated == 0, $"{algorithm.Name()}: {allocated} bytes");
        }
    }

    /// <summary>A model and two identical workspaces of <see cref="Batch"/> samples holding random values (activities above and below zero).</summary>
    private static (Mlp Model, LearnerWorkspace Actual, LearnerWorkspace Expected) Setup()
    {
        Mlp model = Mlp.CreateRandom(s_sizes, OutputHead.Softmax, seed: 11);
        var actual = new LearnerWorkspace(s_sizes, Batch);
        var expected = new LearnerWorkspace(s_sizes, Batch);
        int seed = 0;
        foreach (float[][] buffers in new[] { actual.Activity, actual.Presynaptic, actual.Prediction, actual.Error, actual.Propagated })
        {
            for (int n = 0; n < buffers.Length; n++)
            {
                float[] values = TestData.Uniform(buffers[n].Length, seed: ++seed);
                values.CopyTo(buffers[n], 0);
            }
        }

        Copy(actual, expected);
        return (model, actual, expected);
    }

    private static void Copy(LearnerWorkspace from, LearnerWorkspace to)
    {
        for (int n = 0; n < from.Activity.Length; n++)
        {
            from.Activity[n].CopyTo(to.Activity[n], 0);
            from.Presynaptic[n].CopyTo(to.Presynaptic[n], 0);
            from.Prediction[n].CopyTo(to.Prediction[n], 0);
            from.Error[n].CopyTo(to.Error[n], 0);
            from.Propagated[n].CopyTo(to.Propagated[n], 0);
        }
    }

    private static void AssertSame(LearnerWorkspace expected, LearnerWorkspace actual, SimdLevel level)
    {
        for (int n = 0; n < expected.Activity.Length; n++)
        {
            TestData.AssertClose(ToDouble(expected.Activity[n]), actual.Activity[n], 1e-5, $"v{n} at {level}");
            TestData.AssertClose(ToDouble(expected.Presynaptic[n]), actual.Presynaptic[n], 1e-5, $"a{n} at {level}");
            TestData.AssertClose(ToDouble(expected.Prediction[n]), actual.Prediction[n], 1e-5, $"p{n} at {level}");
            TestData.AssertClose(ToDouble(expected.Error[n]), actual.Error[n], 1e-5, $"e{n} at {level}");
            TestData.AssertClose(ToDouble(expected.Propagated[n]), actual.Propagated[n], 1e-5, $"g{n} at {level}");
        }
    }

    private static double[] ToDouble(float[] values) => [.. values.Select(v => (double)v)];
}
