using EdgeIL.Host.Runs;
using EdgeIL.Learner;

namespace EdgeIL.Host.Tests;

/// <summary>
/// The long-stream collapse of IL-prox's autoencoder (docs/results/lifelong), reproduced in seconds:
/// on a narrow network the bundled sample collapses within 5,000 samples under the paper's rule,
/// where Fashion-MNIST at 784-256-100-256-784 takes about 48,000.
/// </summary>
public class AutoencoderCollapseTests
{
    private const int Samples = 8_000;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Replay_NarrowAutoencoderAtTheReconstructionDefaults_KeepsImproving(int seed)
    {
        Hyperparameters defaults = RunDefaults.For(LearningAlgorithm.ILProx, Data.DatasetCatalog.SampleName, LearningTask.Autoencode);
        Assert.Equal(Hyperparameters.DefaultBalanceInterval, defaults.BalanceInterval);
        double[] curve = HeldOutLoss(defaults, seed);

        // The first evaluation is the untrained model. After that the curve may wobble but never
        // jumps back: with the collapse, the loss rises from about .18 to .26-.31 and stays there.
        double best = double.MaxValue;
        foreach (double loss in curve[1..])
        {
            best = Math.Min(best, loss);
            Assert.True(loss <= best + 0.02, $"Held-out BCE per pixel rose from {best:F4} to {loss:F4}: {string.Join(", ", curve.Select(l => l.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}");
        }

        Assert.True(curve[^1] < 0.185, $"After {Samples} samples the held-out BCE per pixel is {curve[^1]:F4}.");
    }

    [Fact]
    public void Replay_NarrowAutoencoderWithThePapersRule_Collapses()
    {
        // The same run with the paper's settings (alpha 5, no unit balance): the test above would
        // fail on the paper's rule.
        Hyperparameters paper = PaperDefaults.For(LearningAlgorithm.ILProx, Data.DatasetCatalog.SampleName, LearningTask.Autoencode);
        Assert.Equal(0, paper.BalanceInterval);
        double[] curve = HeldOutLoss(paper, seed: 1);

        double best = curve[1..].Min();
        Assert.True(curve[^1] > best + 0.05, $"The paper's rule did not collapse: best {best:F4}, final {curve[^1]:F4}.");
    }

    [Theory]
    [InlineData(LearningAlgorithm.ILProx, LearningTask.Autoencode, 0.01f, 10)]
    [InlineData(LearningAlgorithm.ILProxFast, LearningTask.Autoencode, 0.01f, 10)]
    [InlineData(LearningAlgorithm.ILProx, LearningTask.Classify, 2.5f, 0)]
    [InlineData(LearningAlgorithm.ILProxAdam, LearningTask.Autoencode, 2.5f, 0)]
    public void RunDefaults_FashionMnist_TakeTheReconstructionDefaultsOnlyForAnAutoencodersNormalisedRule(LearningAlgorithm algorithm, LearningTask task, float alpha, int balanceInterval)
    {
        Hyperparameters defaults = RunDefaults.For(algorithm, "fashion-mnist", task);
        Hyperparameters paper = PaperDefaults.For(algorithm, "fashion-mnist", task);

        Assert.Equal(alpha, defaults.Alpha);
        Assert.Equal(balanceInterval, defaults.BalanceInterval);
        Assert.Equal(paper with { Alpha = 0, BalanceInterval = 0 }, defaults with { Alpha = 0, BalanceInterval = 0 });
    }

    private static double[] HeldOutLoss(Hyperparameters hyperparameters, int seed)
    {
        RunResult result = OnlineRun.Execute(SampleData.Sample, new RunOptions
        {
            Algorithm = LearningAlgorithm.ILProx,
            Task = LearningTask.Autoencode,
            Layers = [784, 64, 16, 64, 784],
            Hyperparameters = hyperparameters,
            Samples = Samples,
            Seed = seed,
            EvaluateEvery = 1_000,
            TestSamples = 500,
        });
        return [.. result.Checkpoints.Select(c => c.TestBcePerPixel)];
    }
}
