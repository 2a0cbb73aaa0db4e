using EdgeIL.Learner.Kernels;

namespace EdgeIL.Learner.Tests;

/// <summary>
/// The opt-in parallel learn step (docs/algorithms.md, "Several cores"): the same bits for every number of
/// threads, and a pool that parks, reports its workers' failures and stops.
/// </summary>
public class WorkerPoolTests
{
    public static TheoryData<LearningAlgorithm, SimdLevel> RulesAndWidths() =>
        TestData.AtEveryWidth(LearningAlgorithm.ILProx, LearningAlgorithm.ILProxFast, LearningAlgorithm.BPSgd, LearningAlgorithm.ILAdam);

    [Theory]
    [MemberData(nameof(RulesAndWidths))]
    public void Learn_AnyNumberOfThreads_GivesTheSameBitsAsOne(LearningAlgorithm algorithm, SimdLevel level)
    {
        // Both large matrices are split, with widths that leave remainders after every vector width and
        // every thread's share.
        int[] sizes = [784, 203, 650, 10];
        Assert.True(sizes[0] * sizes[1] >= SampleKernels.SplitThreshold && sizes[1] * sizes[2] >= SampleKernels.SplitThreshold);
        float[] expected = Train(sizes, algorithm, level, threads: 1);
        // Two threads split every product evenly; three leave an uneven last share.
        foreach (int threads in new[] { 2, 3 })
        {
            TestData.AssertSameBits(expected, Train(sizes, algorithm, level, threads), $"{algorithm} at {level}, {threads} threads against one");
        }
    }

    [Fact]
    public void Share_EveryPartCount_CoversEachItemOnceOnAlignedStarts()
    {
        foreach (int length in new[] { 0, 1, 15, 16, 17, 500, 513 })
        {
            foreach (int parts in new[] { 1, 2, 3, 4, 7 })
            {
                foreach (int alignment in new[] { 1, 16 })
                {
                    int next = 0;
                    for (int part = 0; part < parts; part++)
                    {
                        (int start, int end) = SampleKernels.Share(length, part, parts, alignment);
                        Assert.Equal(next, start);
                        Assert.True(start % alignment == 0 || start == length, $"{length}/{parts}: part {part} starts at {start}");
                        next = end;
                    }

                    Assert.Equal(length, next);
                }
            }
        }
    }

    [Fact]
    public async Task Run_AfterTheWorkersParked_StillRunsEveryPart()
    {
        using var pool = new WorkerPool(3);
        var work = new CountingWork(3);
        pool.Run(work);

        // Long enough for every worker to stop spinning and park. A lost wake-up would leave the second run
        // waiting for ever, so it runs under a time limit (a TimeoutException) instead of hanging the suite.
        Thread.Sleep(50);
        await Task.Run(() => pool.Run(work)).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([2, 2, 2], work.Runs);
    }

    [Fact]
    public void Run_AWorkerThrows_TheCallerGetsTheExceptionAndThePoolStillWorks()
    {
        using var pool = new WorkerPool(2);
        var failing = new CountingWork(2) { FailingPart = 1 };
        InvalidOperationException exception = Assert.Throws<InvalidOperationException>(() => pool.Run(failing));
        Assert.Equal("part 1 failed", exception.Message);

        var work = new CountingWork(2);
        pool.Run(work);
        Assert.Equal([1, 1], work.Runs);
    }

    [Fact]
    public void Learn_AfterThePoolIsDisposed_Throws()
    {
        var pool = new WorkerPool(2);
        var learner = new OnlineLearner(Mlp.CreateRandom([784, 203, 650, 10], OutputHead.Softmax, seed: 1), LearningAlgorithm.ILProx) { Workers = pool };
        Assert.True(learner.LearnClass(TestData.Uniform(784, seed: 1), 3).Applied);
        pool.Dispose();
        Assert.Throws<ObjectDisposedException>(() => learner.LearnClass(TestData.Uniform(784, seed: 2), 3));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(WorkerPool.MaxThreads + 1)]
    public void Constructor_ThreadsOutOfRange_Throws(int threads) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkerPool(threads));

    private static float[] Train(int[] sizes, LearningAlgorithm algorithm, SimdLevel level, int threads)
    {
        using var pool = threads > 1 ? new WorkerPool(threads) : null;
        Mlp model = Mlp.CreateRandom(sizes, OutputHead.Softmax, seed: 5);
        var learner = new OnlineLearner(model, algorithm) { SimdLevel = level, Workers = pool };
        var random = new Random(3);
        for (int step = 0; step < 6; step++)
        {
            float[] x = TestData.Uniform(sizes[0], seed: step);
            Array.Clear(x, 0, sizes[0] / 3);
            Assert.True(learner.LearnClass(x, random.Next(sizes[^1])).Applied);
        }

        return TestData.Parameters(model);
    }

    private sealed class CountingWork(int parts) : IPartitionedWork
    {
        public int[] Runs { get; } = new int[parts];

        public int FailingPart { get; init; } = -1;

        public void Run(int part, int parts)
        {
            if (part == FailingPart)
            {
                throw new InvalidOperationException($"part {part} failed");
            }

            Interlocked.Increment(ref Runs[part]);
        }
    }
}
