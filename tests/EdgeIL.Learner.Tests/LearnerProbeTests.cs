namespace EdgeIL.Learner.Tests;

public class LearnerProbeTests
{
    [Fact]
    public void Record_ILProxStep_NormaliserIsSquaredActivityPlusOnePlusEps()
    {
        Mlp model = Mlp.CreateRandom([6, 5, 4, 3], OutputHead.Softmax, seed: 1);
        var learner = new OnlineLearner(model, LearningAlgorithm.ILProx) { Probe = new LearnerProbe(model) };

        learner.LearnClass(TestData.Uniform(6, seed: 2), label: 1);

        LearnerProbe probe = learner.Probe!;
        Assert.Equal(1, probe.Steps);
        for (int n = 0; n < model.LayerCount; n++)
        {
            Assert.Equal(probe.SquaredActivityNorm(n) + 1 + learner.Hyperparameters.Epsilon, probe.Normaliser(n), 4);

            // NLMS: ||Delta W_n|| = ||e|| ||a|| / s_n and ||Delta b_n|| = ||e|| / s_n.
            Assert.Equal(probe.BiasChange(n) * Math.Sqrt(probe.SquaredActivityNorm(n)), probe.WeightChange(n), 6);
        }

        Assert.True(probe.TargetDistance > 0);
    }

    [Fact]
    public void DeadShare_HiddenLayerSwitchedOff_IsOneAndResetForgetsIt()
    {
        Mlp model = Mlp.CreateRandom([4, 3, 2], OutputHead.Softmax, seed: 1);

        // Every hidden unit's pre-activation is -100 for any input in [0, 1]: all three are dead.
        model.SetWeights(0, new float[12]);
        model.SetBiases(0, [-100f, -100f, -100f]);
        var learner = new OnlineLearner(model, LearningAlgorithm.ILProx) { Probe = new LearnerProbe(model) };

        learner.LearnClass([0.5f, 0.1f, 0.9f, 0.3f], label: 0);
        learner.LearnClass([0.2f, 0.4f, 0.6f, 0.8f], label: 1);

        Assert.Equal(1.0, learner.Probe!.DeadShare(1));
        learner.Probe.Reset();
        Assert.Equal(0, learner.Probe.Steps);
        Assert.True(double.IsNaN(learner.Probe.DeadShare(1)));
    }

    [Fact]
    public void Record_RefusedSample_IsNotCounted()
    {
        Mlp model = Mlp.CreateRandom([4, 3, 2], OutputHead.Softmax, seed: 1);
        var learner = new OnlineLearner(model, LearningAlgorithm.ILProx) { Probe = new LearnerProbe(model) };

        LearnResult result = learner.LearnClass([float.NaN, 0, 0, 0], label: 0);

        Assert.False(result.Applied);
        Assert.Equal(0, learner.Probe!.Steps);
    }
}
