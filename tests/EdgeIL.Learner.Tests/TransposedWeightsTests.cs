using EdgeIL.Learner.Kernels;

namespace EdgeIL.Learner.Tests;

/// <summary>
/// The transposed copy of the hidden matrices (docs/algorithms.md, "Reading only the active units") must
/// always equal the model it was taken from, and the steps read from it must be the steps of the rule.
/// </summary>
public class TransposedWeightsTests
{
    private static readonly int[] Sizes = [20, 13, 9, 6, 4];

    public static TheoryData<LearningAlgorithm, SimdLevel> RulesAndWidths() =>
        TestData.AtEveryWidth(LearningAlgorithm.ILProx, LearningAlgorithm.ILProxFast, LearningAlgorithm.ILSgd, LearningAlgorithm.BPSgd, LearningAlgorithm.BPProx);

    [Theory]
    [MemberData(nameof(RulesAndWidths))]
    public void Learn_ManySteps_CopyEqualsTheModelAfterEveryStep(LearningAlgorithm algorithm, SimdLevel level)
    {
        Mlp model = Mlp.CreateRandom(Sizes, OutputHead.Softmax, seed: 4);
        var learner = new OnlineLearner(model, algorithm) { SimdLevel = level };
        var random = new Random(9);
        for (int step = 0; step < 60; step++)
        {
            float[] x = TestData.Uniform(Sizes[0], seed: step);
            if (step % 3 == 0)
            {
                // Zero inputs switch units off, so rows of the copy are skipped and others written.
                Array.Clear(x, 0, Sizes[0] / 2);
            }

            Assert.True(learner.LearnClass(x, random.Next(Sizes[^1])).Applied);
            AssertCopyMatches(learner, $"{algorithm} at {level}, step {step}");
        }
    }

    [Fact]
    public void Learn_AfterTheModelChangesOutsideTheLearner_ReadsTheNewWeights()
    {
        Mlp model = Mlp.CreateRandom(Sizes, OutputHead.Softmax, seed: 4);
        var learner = new OnlineLearner(model, LearningAlgorithm.ILProx);
        float[] x = TestData.Uniform(Sizes[0], seed: 1);
        Assert.True(learner.LearnClass(x, 1).Applied);

        Mlp other = Mlp.CreateRandom(Sizes, OutputHead.Softmax, seed: 77);
        model.SetWeights(1, other.GetWeights(1));
        Mlp reference = model.Clone();
        var referenceLearner = new OnlineLearner(reference, LearningAlgorithm.ILProx);

        Assert.True(learner.LearnClass(x, 2).Applied);
        Assert.True(referenceLearner.LearnClass(x, 2).Applied);

        // A stale copy would have relaxed against the old W_1 and stepped elsewhere.
        Assert.Equal(TestData.Parameters(reference), TestData.Parameters(model));
        AssertCopyMatches(learner, "after SetWeights");
    }

    [Fact]
    public void Learn_WithUnitBalance_CopyFollowsTheRebalancedWeights()
    {
        int[] sizes = [16, 12, 5, 12, 16];
        Mlp model = Mlp.CreateRandom(sizes, OutputHead.Sigmoid, seed: 2);
        var learner = new OnlineLearner(model, LearningAlgorithm.ILProx, Hyperparameters.ForReconstruction(LearningAlgorithm.ILProx) with { BalanceInterval = 3 });
        for (int step = 1; step <= 20; step++)
        {
            float[] x = TestData.Uniform(sizes[0], seed: step).Select(v => (v + 1) / 2).ToArray();
            Assert.True(learner.Learn(x, x).Applied);

            // A balance at the end of a step (every third) changes the model and leaves the copy behind;
            // the next step must transpose again before it reads the copy, and then writes its own step
            // into both, so after every other step the two agree without any help from the test.
            if (step % 3 != 0)
            {
                AssertCopyMatches(learner, $"step {step}");
            }
        }
    }

    [Theory]
    [InlineData(LearningAlgorithm.ILProx)]
    [InlineData(LearningAlgorithm.ILSgd)]
    public void Relaxation_FromTheCopy_MatchesTheRelaxationFromTheModel(LearningAlgorithm algorithm)
    {
        foreach (SimdLevel level in Enum.GetValues<SimdLevel>())
        {
            Mlp model = Mlp.CreateRandom(Sizes, OutputHead.Softmax, seed: 6);
            var transposed = new TransposedWeights(model);
            transposed.Refresh(model);
            var sample = new SampleKernels(transposed);
            Hyperparameters hyperparameters = Hyperparameters.For(algorithm);
            float[] x = TestData.Uniform(Sizes[0], seed: 3);
            float[] label = TestData.OneHot(2, Sizes[^1]);

            LearnerWorkspace fromModel = Relax(model, algorithm, hyperparameters, x, label, level, new SampleKernels(transposed: null));
            LearnerWorkspace fromCopy = Relax(model, algorithm, hyperparameters, x, label, level, sample);

            for (int n = 1; n < Sizes.Length; n++)
            {
                string what = $"{algorithm} at {level}, layer {n}";
                TestData.AssertClose(ToDouble(fromModel.Activity[n]), fromCopy.Activity[n], 1e-5, $"v {what}");
                TestData.AssertClose(ToDouble(fromModel.Error[n]), fromCopy.Error[n], 1e-5, $"e {what}");
                TestData.AssertClose(ToDouble(fromModel.Presynaptic[n]), fromCopy.Presynaptic[n], 1e-5, $"a {what}");
            }

            // The comparison above means something only if the relaxation reads the copy: with a damaged
            // copy it must come out different.
            Array.Clear(transposed.LayerArray(2));
            LearnerWorkspace fromDamagedCopy = Relax(model, algorithm, hyperparameters, x, label, level, sample);
            Assert.False(fromDamagedCopy.Activity[2].AsSpan().SequenceEqual(fromCopy.Activity[2]), $"{algorithm} at {level}: the copy was not read");
        }
    }

    [Theory]
    [InlineData(LearningAlgorithm.ILProx)]
    [InlineData(LearningAlgorithm.BPSgd)]
    public void Learn_ReadsTheCopyNotTheModel(LearningAlgorithm algorithm)
    {
        // The other tests compare the copy's results with the model's; they would pass as well if the learner
        // never read the copy. A copy damaged behind the learner's back, at the current version so that it is
        // not transposed again, must change the step.
        Mlp model = Mlp.CreateRandom(Sizes, OutputHead.Softmax, seed: 4);
        var learner = new OnlineLearner(model, algorithm);

        // Positive inputs, as pixels are, so that the first hidden layer has active units whose rows of the
        // copy the step reads: with none active the copy of W_1 could not matter.
        float[] x = [.. TestData.Uniform(Sizes[0], seed: 1).Select(v => (v + 1) / 2)];
        Assert.True(learner.LearnClass(x, 1).Applied);
        Assert.Contains(learner.SingleSampleWorkspace.Presynaptic[1].Take(Sizes[1]), a => a > 0f);
        Mlp reference = model.Clone();
        var referenceLearner = new OnlineLearner(reference, algorithm);

        Array.Clear(learner.Transposed!.LayerArray(1));
        Assert.True(learner.LearnClass(x, 2).Applied);
        Assert.True(referenceLearner.LearnClass(x, 2).Applied);

        Assert.NotEqual(TestData.Parameters(reference), TestData.Parameters(model));
    }

    private static LearnerWorkspace Relax(
        Mlp model, LearningAlgorithm algorithm, Hyperparameters hyperparameters, float[] x, float[] label, SimdLevel level, SampleKernels sample)
    {
        var workspace = new LearnerWorkspace(model.LayerSizes, 1);
        x.CopyTo(workspace.Activity[0], 0);
        label.CopyTo(workspace.Label, 0);
        Backpropagation.Forward(model, workspace, 1, level, sample);
        OutputTarget.SetErrors(model, algorithm, hyperparameters, workspace, 1);
        InferenceRelaxation.Run(model, algorithm, hyperparameters, workspace, 1, hyperparameters.Iterations, level, sample);
        return workspace;
    }

    private static void AssertCopyMatches(OnlineLearner learner, string what)
    {
        Mlp model = learner.Model;
        TransposedWeights copy = learner.Transposed!;
        for (int n = 1; n < model.LayerCount - 1; n++)
        {
            float[] expected = TestData.Transpose(model.GetWeights(n), model.LayerSizes[n + 1], model.LayerSizes[n]);
            TestData.AssertSameBits(expected, copy.Layer(n), $"{what}: layer {n}");
        }
    }

    private static double[] ToDouble(float[] values) => values.Select(v => (double)v).ToArray();
}
