using EdgeIL.Learner.Checkpoints;
using EdgeIL.Learner.Tests.Checkpoints;

namespace EdgeIL.Learner.Tests;

public class UnitBalanceTests
{
    [Fact]
    public void Apply_RandomNetwork_KeepsEveryPredictionAndLeavesNoUnitLighterThanItsOutgoingWeights()
    {
        Mlp model = RandomModel([7, 6, 3, 6, 5], seed: 3);

        // Make the first layer's units faint for the weights they drive, as a long stream does.
        float[] first = model.GetWeights(0).ToArray();
        float[] firstBiases = model.GetBiases(0).ToArray();
        for (int i = 0; i < first.Length; i++)
        {
            first[i] *= 0.2f;
        }

        for (int i = 0; i < firstBiases.Length; i++)
        {
            firstBiases[i] *= 0.2f;
        }

        model.SetWeights(0, first);
        model.SetBiases(0, firstBiases);
        float[][] inputs = [.. Enumerable.Range(0, 20).Select(i => TestData.Uniform(7, 100 + i))];
        float[][] before = [.. inputs.Select(x => Logits(model, x))];

        // One sweep raises each unit as it is visited, and a later layer's sweep moves the outgoing
        // norms of the units before it; repeated sweeps (one per interval on a stream) settle.
        for (int pass = 0; pass < 60; pass++)
        {
            UnitBalance.Apply(model, new float[6], new float[6]);
        }

        for (int s = 0; s < inputs.Length; s++)
        {
            float[] after = Logits(model, inputs[s]);
            for (int k = 0; k < after.Length; k++)
            {
                Assert.True(Math.Abs(after[k] - before[s][k]) <= 1e-5 * Math.Max(1, Math.Abs(before[s][k])), $"sample {s} output {k}: {before[s][k]} became {after[k]}");
            }
        }

        for (int n = 1; n < model.LayerCount; n++)
        {
            for (int i = 0; i < model.LayerSizes[n]; i++)
            {
                (double inNorm, double outNorm) = Norms(model, n, i);
                Assert.True(outNorm <= inNorm * (1 + 1e-3), $"layer {n} unit {i}: {inNorm} in, {outNorm} out");
            }
        }
    }

    [Fact]
    public void Apply_UnitHeavierThanItsOutgoingWeights_IsLeftAsItIs()
    {
        // Balance only ever raises a faint unit: lowering a heavy one would shrink, for example, a
        // classifier's last hidden layer, whose outgoing weights feed only a few outputs.
        Mlp model = RandomModel([7, 6, 2], seed: 4);
        float[] incoming = model.GetWeights(0).ToArray(), biases = model.GetBiases(0).ToArray(), outgoing = model.GetWeights(1).ToArray();
        bool[] heavy = [.. Enumerable.Range(0, 6).Select(i => Norms(model, 1, i) is var (inNorm, outNorm) && inNorm > outNorm)];
        Assert.Contains(true, heavy);

        UnitBalance.Apply(model, new float[6], new float[6]);

        for (int i = 0; i < 6; i++)
        {
            if (heavy[i])
            {
                Assert.Equal(incoming.AsSpan(i * 7, 7).ToArray(), model.GetWeights(0).Slice(i * 7, 7).ToArray());
                Assert.Equal(biases[i], model.GetBiases(0)[i]);
                Assert.Equal([outgoing[i], outgoing[6 + i]], [model.GetWeights(1)[i], model.GetWeights(1)[6 + i]]);
            }
        }
    }

    [Fact]
    public void Learn_ResumedFromACheckpointBetweenTwoRebalancings_MatchesAnUninterruptedRun()
    {
        // Rebalancing follows the checkpointed sample count, so a device that restarts rebalances
        // exactly when it would have without the restart.
        OnlineLearner uninterrupted = new(RandomModel([6, 5, 2, 5, 6], seed: 8), LearningAlgorithm.ILProx);
        OnlineLearner interrupted = new(RandomModel([6, 5, 2, 5, 6], seed: 8), LearningAlgorithm.ILProx);
        for (int step = 0; step < 13; step++)
        {
            Learn(uninterrupted, step);
            Learn(interrupted, step);
        }

        using var stream = new MemoryStream();
        Checkpoint.Save(interrupted, stream);
        stream.Position = 0;
        OnlineLearner resumed = Checkpoint.Load(stream);
        for (int step = 13; step < 25; step++)
        {
            Learn(uninterrupted, step);
            Learn(resumed, step);
        }

        Assert.Equal(TestData.Parameters(uninterrupted.Model), TestData.Parameters(resumed.Model));
    }

    [Fact]
    public void LearnBatch_CrossingAMultipleOfTheInterval_Rebalances()
    {
        // Batches of 4 with an interval of 10: samples seen 4, 8 (no multiple passed), then 12 (10 passed).
        Mlp model = RandomModel([6, 5, 6], seed: 5);
        var learner = new OnlineLearner(model, LearningAlgorithm.ILProx, Hyperparameters.For(LearningAlgorithm.ILProx) with { BalanceInterval = 10 });
        float[] inputs = TestData.Uniform(24, 9, 0.5f).Select(v => v + 0.5f).ToArray();
        long version = model.Version;
        learner.LearnBatch(inputs, inputs, 4, 25);
        learner.LearnBatch(inputs, inputs, 4, 25);
        Assert.Equal(version + 2, model.Version);

        learner.LearnBatch(inputs, inputs, 4, 25);

        Assert.Equal(version + 4, model.Version);
    }

    [Theory]
    [InlineData(OutputHead.Sigmoid, Hyperparameters.DefaultBalanceInterval)]
    [InlineData(OutputHead.Identity, Hyperparameters.DefaultBalanceInterval)]
    [InlineData(OutputHead.Softmax, 0)]
    public void Load_CheckpointWrittenBeforeTheBalanceInterval_TakesTheDefaultForTheModelsKind(OutputHead head, int expected)
    {
        var learner = new OnlineLearner(RandomModel([4, 3, 2], seed: 1, head), LearningAlgorithm.ILProx, Hyperparameters.For(LearningAlgorithm.ILProx) with { BalanceInterval = 7 });
        using var stream = new MemoryStream();
        Checkpoint.Save(learner, stream);

        OnlineLearner current = Checkpoint.Load(new MemoryStream(stream.ToArray()));
        OnlineLearner old = Checkpoint.Load(new MemoryStream(CheckpointSections.WithSectionShortenedTo(stream.ToArray(), "HYPR", 44)));

        Assert.Equal(7, current.Hyperparameters.BalanceInterval);
        Assert.Equal(expected, old.Hyperparameters.BalanceInterval);
        Assert.Equal(learner.Hyperparameters with { BalanceInterval = 0 }, old.Hyperparameters with { BalanceInterval = 0 });
    }

    [Theory]
    [InlineData(LearningAlgorithm.ILProx)]
    [InlineData(LearningAlgorithm.ILProxFast)]
    [InlineData(LearningAlgorithm.BPProx)]
    public void ForReconstruction_NormalisedRule_TakesTheSmallAlphaAndBalance(LearningAlgorithm algorithm)
    {
        Hyperparameters classifier = Hyperparameters.For(algorithm);
        Hyperparameters reconstruction = Hyperparameters.ForReconstruction(algorithm);

        Assert.Equal(0, classifier.BalanceInterval);
        Assert.Equal(Hyperparameters.DefaultBalanceInterval, reconstruction.BalanceInterval);
        Assert.Equal(Hyperparameters.ReconstructionAlpha, reconstruction.Alpha);
        Assert.Equal(classifier, reconstruction with { Alpha = classifier.Alpha, BalanceInterval = 0 });
    }

    [Theory]
    [InlineData(LearningAlgorithm.BPSgd)]
    [InlineData(LearningAlgorithm.BPAdam)]
    [InlineData(LearningAlgorithm.ILProxAdam)]
    public void ForReconstruction_OtherRules_KeepTheirDefaults(LearningAlgorithm algorithm)
    {
        Assert.Equal(Hyperparameters.For(algorithm), Hyperparameters.ForReconstruction(algorithm));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(LearnerLimits.MaximumBalanceInterval + 1)]
    public void Validate_BalanceIntervalOutOfRange_NamesTheSetting(int interval)
    {
        var exception = Assert.Throws<ArgumentException>(() => (Hyperparameters.For(LearningAlgorithm.ILProx) with { BalanceInterval = interval }).Validate());

        Assert.Contains(nameof(Hyperparameters.BalanceInterval), exception.Message, StringComparison.Ordinal);
    }

    private static void Learn(OnlineLearner learner, int step)
    {
        float[] x = TestData.Uniform(6, 1000 + step, 0.5f).Select(v => v + 0.5f).ToArray();
        Assert.True(learner.Learn(x, x).Applied);
    }

    /// <summary>Unit <paramref name="i"/> of hidden layer <paramref name="n"/>: squared norms of its incoming row with bias, and of its outgoing column.</summary>
    private static (double In, double Out) Norms(Mlp model, int n, int i)
    {
        int fanIn = model.LayerSizes[n - 1], units = model.LayerSizes[n], outputs = model.LayerSizes[n + 1];
        float[] incoming = model.GetWeights(n - 1).ToArray(), biases = model.GetBiases(n - 1).ToArray(), outgoing = model.GetWeights(n).ToArray();
        double inNorm = incoming.AsSpan(i * fanIn, fanIn).ToArray().Sum(w => (double)w * w) + ((double)biases[i] * biases[i]);
        double outNorm = Enumerable.Range(0, outputs).Sum(j => (double)outgoing[(j * units) + i] * outgoing[(j * units) + i]);
        return (inNorm, outNorm);
    }

    private static float[] Logits(Mlp model, float[] input)
    {
        float[] logits = new float[model.OutputSize];
        model.ComputeLogits(input, logits);
        return logits;
    }

    private static Mlp RandomModel(int[] sizes, int seed, OutputHead head = OutputHead.Sigmoid)
    {
        var model = new Mlp(sizes, head);
        for (int n = 0; n < model.LayerCount; n++)
        {
            model.SetWeights(n, TestData.Uniform(sizes[n] * sizes[n + 1], seed * 100 + n, 1f / MathF.Sqrt(sizes[n])));
            model.SetBiases(n, TestData.Uniform(sizes[n + 1], seed * 100 + 50 + n, 0.1f));
        }

        return model;
    }
}
