using System.Globalization;
using EdgeIL.Learner.Implicit;
using Xunit.Abstractions;

namespace EdgeIL.Learner.Tests.Implicit;

/// <summary>
/// Measures how close each learner's one-sample step comes to the implicit step (paper section 4's
/// claim). The numbers are written to the test output, not asserted: they are a result, whatever
/// they are. Only the reference's own validity is asserted.
/// </summary>
public class ImplicitStepMeasurementTests(ITestOutputHelper output)
{
    [Fact]
    public void Compare_LearnersOnSoftmaxNetwork_WritesCosinesWithTheImplicitStep()
    {
        int[] sizes = [6, 5, 4, 3];
        Mlp model = Mlp.CreateRandom(sizes, OutputHead.Softmax, seed: 42);
        var random = new Random(43);
        var samples = new List<(float[] Input, float[] Target)>();
        for (int s = 0; s < 4; s++)
        {
            float[] input = [.. Enumerable.Range(0, sizes[0]).Select(_ => (float)(2 * random.NextDouble() - 1))];
            float[] target = new float[sizes[^1]];
            target[random.Next(target.Length)] = 1;
            samples.Add((input, target));
        }

        var learners = new (string Name, LearningAlgorithm Algorithm, Func<double, Hyperparameters> Settings)[]
        {
            ("IL-prox eps=0", LearningAlgorithm.ILProx, a => Hyperparameters.For(LearningAlgorithm.ILProx) with { Alpha = (float)a, Epsilon = 0f }),
            ("IL-prox eps=0.25", LearningAlgorithm.ILProx, a => Hyperparameters.For(LearningAlgorithm.ILProx) with { Alpha = (float)a }),
            ("IL-prox eps=0 T=2000", LearningAlgorithm.ILProx, a => Hyperparameters.For(LearningAlgorithm.ILProx) with { Alpha = (float)a, Epsilon = 0f, Iterations = 2000 }),
            ("IL-SGD lr=alpha", LearningAlgorithm.ILSgd, a => Hyperparameters.For(LearningAlgorithm.ILSgd) with { LearningRate = (float)a }),
            ("BP-SGD lr=alpha", LearningAlgorithm.BPSgd, a => Hyperparameters.For(LearningAlgorithm.BPSgd) with { LearningRate = (float)a }),
            ("BP-prox", LearningAlgorithm.BPProx, a => Hyperparameters.For(LearningAlgorithm.BPProx) with { Alpha = (float)a }),
        };

        foreach (double alpha in new[] { 0.1, 1, 10 })
        {
            var steps = samples.Select(s => ImplicitStep.Solve(model, s.Input, s.Target, alpha)).ToList();
            var localSteps = samples.Select(s => ImplicitStep.Solve(model, s.Input, s.Target, alpha, ImplicitStepOptions.LocalOnly)).ToList();
            Assert.All(steps.Concat(localSteps), step => Assert.True(step.Residual < 1e-8 && step.KinkConditionsHold));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"alpha {alpha}: implicit step kinks per sample [{string.Join(' ', steps.Select(s => s.Kinks.Count))}], " +
                $"winning starts [{string.Join(' ', steps.Select(s => s.WinningStart))}], residuals <= {steps.Max(s => s.Residual):E1}, " +
                $"layer shares {Shares(steps.Select(Reference))}; local (feed-forward basin) minimum is the global one in " +
                $"{steps.Zip(localSteps).Count(p => p.Second.Objective <= p.First.Objective * (1 + 1e-12))} of {steps.Count}"));
            foreach ((string name, LearningAlgorithm algorithm, Func<double, Hyperparameters> settings) in learners)
            {
                var comparisons = new List<WeightChangeComparison>();
                var localComparisons = new List<WeightChangeComparison>();
                for (int s = 0; s < samples.Count; s++)
                {
                    Mlp after = model.Clone();
                    LearnResult result = new OnlineLearner(after, algorithm, settings(alpha)).Learn(samples[s].Input, samples[s].Target);
                    Assert.True(result.Applied, $"{name} at alpha {alpha}: {result.Status}");
                    comparisons.Add(WeightChangeComparison.Compare(model, after, steps[s]));
                    localComparisons.Add(WeightChangeComparison.Compare(model, after, localSteps[s]));
                }

                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {name,-22} cosine [{string.Join(' ', comparisons.Select(c => c.Cosine.ToString("F3", CultureInfo.InvariantCulture)))}] " +
                    $"mean {comparisons.Average(c => c.Cosine):F3} (local {localComparisons.Average(c => c.Cosine):F3})  " +
                    $"norm ratio {comparisons.Average(c => c.NormRatio):F2}  " +
                    $"layer cosines {LayerCosines(comparisons)}  layer shares {Shares(comparisons.Select(c => c.Layers.Select(l => l.Share).ToArray()))}"));
            }
        }
    }

    private static double[] Reference(ImplicitStepResult step)
    {
        double[] change = ParameterChange.Of(step);
        return [.. WeightChangeComparison.Compare(change, change, step.LayerSizes).Layers.Select(l => l.ReferenceShare)];
    }

    private static string Shares(IEnumerable<double[]> perSample)
    {
        double[][] all = [.. perSample];
        return "[" + string.Join(' ', Enumerable.Range(0, all[0].Length)
            .Select(n => all.Average(s => s[n]).ToString("F2", CultureInfo.InvariantCulture))) + "]";
    }

    /// <summary>Per layer, the mean cosine over the samples where both changed that layer (a dead ReLU layer leaves some unchanged).</summary>
    private static string LayerCosines(List<WeightChangeComparison> comparisons) =>
        "[" + string.Join(' ', Enumerable.Range(0, comparisons[0].Layers.Count).Select(n =>
        {
            double[] defined = [.. comparisons.Select(c => c.Layers[n].Cosine).Where(double.IsFinite)];
            return defined.Length == 0 ? "n/a" : $"{defined.Average().ToString("F2", CultureInfo.InvariantCulture)}/{defined.Length}";
        })) + "]";
}
