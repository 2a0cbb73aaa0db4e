namespace EdgeIL.Learner.Tests;

public class AllocationTests
{
    public static TheoryData<LearningAlgorithm> Algorithms => [.. LearningAlgorithms.All];

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void PredictAndLearn_BatchOne_AllocateNothingInSteadyState(LearningAlgorithm algorithm) =>
        AssertNoAllocation(algorithm, probe: false);

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void PredictAndLearn_WithProbeAttached_AllocateNothingInSteadyState(LearningAlgorithm algorithm) =>
        AssertNoAllocation(algorithm, probe: true);

    private static void AssertNoAllocation(LearningAlgorithm algorithm, bool probe)
    {
        Mlp model = Mlp.CreateRandom([64, 32, 32, 10], OutputHead.Softmax, seed: 1);
        var learner = new OnlineLearner(model, algorithm) { Probe = probe ? new LearnerProbe(model) : null };
        float[][] inputs = Enumerable.Range(0, 16).Select(i => TestData.Uniform(64, seed: i)).ToArray();
        float[] output = new float[10];
        float[] label = TestData.OneHot(3, 10);
        void Run(int steps)
        {
            for (int step = 0; step < steps; step++)
            {
                float[] x = inputs[step % inputs.Length];
                model.Predict(x, output);
                learner.Learn(x, label, iterationBudget: 5 + step % 30);
                learner.LearnClass(x, step % 10);
            }
        }

        Run(20);

        Assert.Equal(0, TestData.FewestBytesAllocated(3, () => Run(1000)));
    }
}
