using System.Buffers.Binary;
using EdgeIL.Learner.Checkpoints;
using EdgeIL.Learner.Tests.Checkpoints;

namespace EdgeIL.Learner.Tests;

public sealed class ReplayMemoryTests
{
    [Fact]
    public void Offer_LongStream_KeepsAUniformSampleOfIt()
    {
        // Offer 0..9,999 to a reservoir of 500, forty times with different seeds: each sample must be
        // kept with probability 500 / 10,000, whatever its position (Vitter's Algorithm R). Pool the
        // kept positions in tenths of the stream: each tenth should hold a tenth of them.
        int[] tenths = new int[10];
        for (ulong seed = 1; seed <= 40; seed++)
        {
            var memory = new ReplayMemory(500, 1, 1, 1, seed);
            for (int i = 0; i < 10_000; i++)
            {
                memory.Offer([i], [0]);
            }

            Assert.Equal(500, memory.Count);
            Assert.Equal(10_000, memory.Offered);
            for (int slot = 0; slot < memory.Count; slot++)
            {
                tenths[(int)memory.Input(slot)[0] / 1_000]++;
            }
        }

        // 20,000 kept in all, 2,000 expected per tenth with a standard deviation of about 42.
        Assert.All(tenths, count => Assert.InRange(count, 1_800, 2_200));
    }

    [Fact]
    public void Draw_CoversEverySlotEvenly()
    {
        var memory = new ReplayMemory(10, 1, 1, 1, seed: 5);
        for (int i = 0; i < 10; i++)
        {
            memory.Offer([i], [0]);
        }

        int[] drawn = new int[10];
        for (int i = 0; i < 10_000; i++)
        {
            drawn[memory.Draw()]++;
        }

        Assert.All(drawn, count => Assert.InRange(count, 850, 1_150));
    }

    [Fact]
    public void Learn_WithReplay_RemembersTheFirstTaskBetter()
    {
        // Class-incremental: 2,000 samples of classes 0 and 1, then 2,000 of classes 2 and 3. Without
        // replay the model forgets the first pair almost entirely; a reservoir of 200 replayed twice a
        // step keeps most of it.
        double without = FirstTaskAccuracyAfterSecond(replay: null);
        double with = FirstTaskAccuracyAfterSecond(replay: (200, 2));

        Assert.True(with > without + 0.3, $"first task's accuracy: {with:P1} with replay, {without:P1} without");
        Assert.True(with > 0.8, $"first task's accuracy with replay: {with:P1}");
    }

    [Fact]
    public void Learn_AutoencoderWithReplay_RemembersTheFirstRegimeBetter()
    {
        // Self-supervised: 1,500 frames of one pattern family, then 1,500 of another. The reservoir
        // keeps frames of the first, so its reconstruction error stays lower than without replay.
        double without = FirstRegimeErrorAfterSecond(replay: false);
        double with = FirstRegimeErrorAfterSecond(replay: true);

        Assert.True(with < 0.7 * without, $"first regime's reconstruction error: {with:G4} with replay, {without:G4} without");
    }

    [Fact]
    public void Learn_ReplayedSteps_DoNotCountAsSamplesOrFeedTheInputStage()
    {
        OnlineLearner learner = Learner(replay: (50, 3));
        learner.Model.Input.StartStandardizing();
        var random = new Random(1);
        for (int i = 0; i < 100; i++)
        {
            (float[] input, int label) = Sample(random, task: 0);
            Assert.True(learner.LearnClass(input, label).Applied);
        }

        Assert.Equal(100, learner.SamplesSeen);
        Assert.Equal(100, learner.Model.Input.Count);
        Assert.Equal(50, learner.Replay!.Count);
        Assert.Equal(100, learner.Replay.Offered);
    }

    [Fact]
    public void Learn_SampleTheGuardRefuses_NeverEntersTheMemory()
    {
        OnlineLearner learner = Learner(replay: (50, 1));

        Assert.False(learner.LearnClass([float.NaN, 0, 0, 0], 0).Applied);

        Assert.Equal(0, learner.Replay!.Offered);
    }

    [Fact]
    public void Learn_WithReplay_AllocatesNothingOnceWarm()
    {
        OnlineLearner learner = Learner(replay: (64, 4));
        var random = new Random(2);
        float[][] inputs = new float[256][];
        int[] labels = new int[256];
        for (int i = 0; i < inputs.Length; i++)
        {
            (inputs[i], labels[i]) = Sample(random, task: i % 2);
        }

        for (int i = 0; i < 100; i++)
        {
            learner.LearnClass(inputs[i], labels[i]);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 100; i < inputs.Length; i++)
        {
            learner.LearnClass(inputs[i], labels[i]);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Checkpoint_WithReplay_ResumesExactlyAsAnUninterruptedLearner()
    {
        OnlineLearner uninterrupted = Learner(replay: (30, 2));
        var random = new Random(3);
        (float[] Input, int Label)[] stream = [.. Enumerable.Range(0, 200).Select(i => Sample(random, task: i / 100))];
        foreach ((float[] input, int label) in stream[..120])
        {
            uninterrupted.LearnClass(input, label);
        }

        OnlineLearner resumed = CheckpointTestData.Load(CheckpointTestData.Save(uninterrupted));
        Assert.Equal(30, resumed.Replay!.Capacity);
        Assert.Equal(2, resumed.Replay.ReplaysPerStep);
        Assert.Equal(120, resumed.Replay.Offered);
        foreach ((float[] input, int label) in stream[120..])
        {
            uninterrupted.LearnClass(input, label);
            resumed.LearnClass(input, label);
        }

        CheckpointTestData.AssertSameState(uninterrupted, resumed);
        Assert.Equal(uninterrupted.Replay!.RandomState, resumed.Replay.RandomState);
    }

    [Fact]
    public void Checkpoint_ReplayCountBeyondCapacity_IsRefusedNamingTheSection()
    {
        OnlineLearner learner = Learner(replay: (30, 2));
        var random = new Random(4);
        for (int i = 0; i < 10; i++)
        {
            (float[] input, int label) = Sample(random, task: 0);
            learner.LearnClass(input, label);
        }

        byte[] bytes = CheckpointTestData.Save(learner);
        int payload = CheckpointSections.PayloadOffset(bytes, "RPLY");
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(payload + 8), 31);

        CheckpointFormatException error = Assert.Throws<CheckpointFormatException>(() => CheckpointTestData.Load(CheckpointSections.WithChecksum(bytes)));
        Assert.Contains("RPLY", error.Message);
    }

    [Theory]
    [InlineData(LearningAlgorithm.ILProx)]
    [InlineData(LearningAlgorithm.BPAdam)]
    public void RestoreStateFrom_KnownGoodCopy_BringsBackEverythingButTheSampleCount(LearningAlgorithm algorithm)
    {
        // A device keeps a second learner as its known-good state and rolls back to it in place.
        var random = new Random(8);
        OnlineLearner current = new(Mlp.CreateRandom([4, 16, 4], OutputHead.Softmax, seed: 3), algorithm) { Replay = new ReplayMemory(20, 1, 4, 4, seed: 2) };
        OnlineLearner knownGood = new(new Mlp([4, 16, 4], OutputHead.Softmax), algorithm) { Replay = new ReplayMemory(20, 1, 4, 4, seed: 9) };
        for (int i = 0; i < 50; i++)
        {
            (float[] input, int label) = Sample(random, task: 0);
            current.LearnClass(input, label);
        }

        knownGood.RestoreStateFrom(current);
        byte[] saved = CheckpointTestData.Save(knownGood);
        for (int i = 0; i < 50; i++)
        {
            (float[] input, int label) = Sample(random, task: 1);
            current.LearnClass(input, label);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        current.RestoreStateFrom(knownGood);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        Assert.Equal(100, current.SamplesSeen);
        OnlineLearner expected = CheckpointTestData.Load(saved);
        expected.SamplesSeen = current.SamplesSeen;
        CheckpointTestData.AssertSameState(expected, current);
        Assert.Equal(knownGood.Replay!.RandomState, current.Replay!.RandomState);
    }

    [Fact]
    public void RestoreStateFrom_OtherShape_IsRefused()
    {
        OnlineLearner learner = Learner(replay: null);
        var other = new OnlineLearner(Mlp.CreateRandom([4, 8, 4], OutputHead.Softmax, seed: 3), LearningAlgorithm.ILProx);

        Assert.Throws<ArgumentException>(() => learner.RestoreStateFrom(other));
        Assert.Throws<ArgumentException>(() => learner.RestoreStateFrom(Learner(replay: (10, 1))));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1_000_001, 1)]
    [InlineData(10, -1)]
    [InlineData(10, 65)]
    [InlineData(100_000, 1)]
    public void Constructor_OutOfRange_Throws(int capacity, int perStep)
    {
        // 100,000 samples of 784 + 784 values would take 627 MB: above the 256 MB limit.
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReplayMemory(capacity, perStep, 784, 784, seed: 1));
    }

    [Fact]
    public void Replay_OfAnotherShape_IsRefused()
    {
        OnlineLearner learner = Learner(replay: null);

        Assert.Throws<ArgumentException>(() => learner.Replay = new ReplayMemory(10, 1, 5, 4, seed: 1));
    }

    private static double FirstRegimeErrorAfterSecond(bool replay)
    {
        var learner = new OnlineLearner(Mlp.CreateRandom([8, 6, 8], OutputHead.Identity, seed: 5), LearningAlgorithm.ILProx);
        if (replay)
        {
            learner.Replay = new ReplayMemory(200, 1, 8, 8, seed: 3);
        }

        var random = new Random(12);
        for (int regime = 0; regime < 2; regime++)
        {
            for (int i = 0; i < 1_500; i++)
            {
                float[] frame = Frame(random, regime);
                Assert.True(learner.Learn(frame, frame).Applied);
            }
        }

        var test = new Random(77);
        float[] output = new float[8];
        double error = 0;
        for (int i = 0; i < 200; i++)
        {
            float[] frame = Frame(test, regime: 0);
            learner.Model.Predict(frame, output);
            error += frame.Zip(output, (a, b) => (a - b) * (a - b)).Sum() / 8;
        }

        return error / 200;

        // Regime 0 lights the first four inputs, regime 1 the last four, each frame with its own amplitudes.
        static float[] Frame(Random random, int regime) =>
            [.. Enumerable.Range(0, 8).Select(i => i / 4 == regime ? (float)(0.5 + random.NextDouble()) : (float)(0.05 * random.NextDouble()))];
    }

    private static double FirstTaskAccuracyAfterSecond((int Capacity, int PerStep)? replay)
    {
        OnlineLearner learner = Learner(replay);
        var random = new Random(7);
        for (int task = 0; task < 2; task++)
        {
            for (int i = 0; i < 2_000; i++)
            {
                (float[] input, int label) = Sample(random, task);
                learner.LearnClass(input, label);
            }
        }

        int correct = 0;
        float[] logits = new float[4];
        var test = new Random(99);
        for (int i = 0; i < 500; i++)
        {
            (float[] input, int label) = Sample(test, task: 0);
            learner.Model.ComputeLogits(input, logits);
            correct += Array.IndexOf(logits, logits.Max()) == label ? 1 : 0;
        }

        return correct / 500.0;
    }

    private static OnlineLearner Learner((int Capacity, int PerStep)? replay)
    {
        var learner = new OnlineLearner(Mlp.CreateRandom([4, 16, 4], OutputHead.Softmax, seed: 3), LearningAlgorithm.ILProx);
        if (replay is { } settings)
        {
            learner.Replay = new ReplayMemory(settings.Capacity, settings.PerStep, 4, 4, seed: 11);
        }

        return learner;
    }

    /// <summary>Class c is a bump on feature c; task 0 has classes 0 and 1, task 1 classes 2 and 3.</summary>
    private static (float[] Input, int Label) Sample(Random random, int task)
    {
        int label = (2 * task) + random.Next(2);
        float[] input = new float[4];
        for (int i = 0; i < 4; i++)
        {
            input[i] = (float)(0.3 * random.NextDouble());
        }

        input[label] += 1f;
        return (input, label);
    }
}
