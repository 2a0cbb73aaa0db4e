using EdgeIL.Learner.Implicit;
using Xunit.Abstractions;

namespace EdgeIL.Learner.Tests.Implicit;

public class ImplicitStepTests(ITestOutputHelper output)
{
    // Optimality at the answer is a local property: these tests skip the exhaustive on/off pattern
    // starts to stay fast. The global search is what the brute-force test checks, with the defaults.
    private static readonly ImplicitStepOptions s_local = new() { PatternStartLimit = 0 };

    public static TheoryData<int[], OutputHead, double> SmallNetworks()
    {
        var data = new TheoryData<int[], OutputHead, double>();
        foreach (int[] sizes in new[] { new[] { 3, 4, 2 }, [5, 6, 4, 3], [4, 3, 3, 2] })
        {
            foreach (OutputHead head in Enum.GetValues<OutputHead>())
            {
                foreach (double alpha in new[] { 0.01, 0.1, 1, 10 })
                {
                    data.Add(sizes, head, alpha);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SmallNetworks))]
    public void Solve_SmallNetwork_SatisfiesWeightProblemOptimality(int[] sizes, OutputHead head, double alpha)
    {
        for (int seed = 1; seed <= 3; seed++)
        {
            (Mlp model, float[] input, float[] target) = Case(sizes, head, seed);

            ImplicitStepResult step = ImplicitStep.Solve(model, input, target, alpha, s_local);

            output.WriteLine(
                $"seed {seed}: residual {step.Residual:E2} convention {step.ConventionResidual:E2} kinks {step.Kinks.Count} " +
                $"iterations {step.Iterations} start {step.WinningStart} objective {step.Objective:G17} reproduction {step.ReproductionError:E1}");
            Assert.True(step.Converged, $"seed {seed} did not converge");
            Assert.True(step.Residual < 1e-8, $"seed {seed}: residual {step.Residual:E3}");
            Assert.True(step.KinkConditionsHold, $"seed {seed}: a kink fails its one-sided conditions");
        }
    }

    public static TheoryData<int[], OutputHead, double> BruteForceCases()
    {
        var data = new TheoryData<int[], OutputHead, double>();
        foreach (OutputHead head in Enum.GetValues<OutputHead>())
        {
            foreach (double alpha in new[] { 0.1, 1, 10 })
            {
                data.Add([3, 4, 2], head, alpha);
                data.Add([4, 3, 3, 2], head, alpha);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SmallNetworks))]
    public void Solve_SmallNetwork_ActivityObjectiveEqualsObjectiveOfTheWeights(int[] sizes, OutputHead head, double alpha)
    {
        (Mlp model, float[] input, float[] target) = Case(sizes, head, seed: 7);

        ImplicitStepResult step = ImplicitStep.Solve(model, input, target, alpha, s_local);

        double direct = new ProximalOracle(model, input, target, alpha).Objective(NewParameters(step));
        Assert.Equal(1, step.WeightObjective / step.Objective, 1e-12);
        Assert.Equal(1, direct / step.Objective, 1e-12);
        Assert.True(step.ReproductionError < 1e-13, $"reproduction error {step.ReproductionError:E2}");
    }

    [Theory]
    [MemberData(nameof(BruteForceCases))]
    public void Solve_BruteForceOverAllWeights_FindsNoLowerObjective(int[] sizes, OutputHead head, double alpha)
    {
        foreach (int seed in new[] { 11, 13 })
        {
            (Mlp model, float[] input, float[] target) = Case(sizes, head, seed);
            AssertBruteForceFindsNoLowerObjective(model, input, target, alpha, seed);
        }
    }

    [Fact]
    public void Solve_BruteForceNearAKink_FindsNoLowerObjective()
    {
        (Mlp model, float[] input, float[] target) = KinkCase(incomingBias: 0.5f);

        AssertBruteForceFindsNoLowerObjective(model, input, target, alpha: 1, seed: 17);
    }

    [Fact]
    public void Solve_AlphaTowardZero_ApproachesExplicitStep()
    {
        (Mlp model, float[] input, float[] target) = Case([5, 6, 4, 3], OutputHead.Softmax, seed: 3);
        double[] gradient = new ProximalOracle(model, input, target, 1).LossGradient(ParameterChange.Flatten(model));
        double[] descent = [.. gradient.Select(g => -g)];
        double previousError = double.PositiveInfinity;
        foreach (double alpha in new[] { 1e-2, 1e-3, 1e-4, 1e-5 })
        {
            ImplicitStepResult step = ImplicitStep.Solve(model, input, target, alpha, s_local);

            double[] change = ParameterChange.Of(step);
            double[] scaled = [.. change.Select(c => c / alpha)];
            double error = ProximalOracle.Norm(Subtract(scaled, descent)) / ProximalOracle.Norm(descent);
            double cosine = WeightChangeComparison.Compare(change, descent, model.LayerSizes).Cosine;
            output.WriteLine($"alpha {alpha:E0}: ||dtheta/alpha + grad|| / ||grad|| = {error:E3}, cosine {cosine:F12}");
            Assert.True(error < 0.2 * previousError, $"alpha {alpha}: error {error:E3} did not shrink with alpha (was {previousError:E3})");
            previousError = error;
            if (alpha == 1e-5)
            {
                Assert.True(error < 1e-3, $"error {error:E3}");
                Assert.True(cosine > 1 - 1e-7, $"cosine {cosine:F12}");
            }
        }
    }

    [Fact]
    public void Solve_SilentUnitWithHarmfulOutput_StaysOnKinkWithConventionSlopeZero()
    {
        // Unit 0 of the hidden layer has no incoming weights or bias, so its old prediction is 0 for
        // every input; its outgoing weights raise every wrong class and lower the right one, so
        // switching it on only costs. The minimiser keeps it exactly at 0 with multiplier 0.
        (Mlp model, float[] input, float[] target) = KinkCase(incomingBias: 0f);

        ImplicitStepResult step = ImplicitStep.Solve(model, input, target, alpha: 1);

        ImplicitStepKink kink = Assert.Single(step.Kinks, k => k.Layer == 1 && k.Unit == 0);
        Assert.True(kink.ConditionsHold);
        Assert.Equal(0, kink.Multiplier);
        Assert.Equal(0, step.GetActivities(1)[0]);
        Assert.True(step.Residual < 1e-8, $"residual {step.Residual:E3}");
        Assert.True(step.ConventionResidual < 1e-8, $"convention residual {step.ConventionResidual:E3}");
    }

    [Fact]
    public void Solve_ActiveUnitPushedOntoKink_CertifiesStationarityWithSlopeBetweenZeroAndOne()
    {
        // As above but the unit's old prediction is +0.5: the proximal term pulls it up, the loss
        // pushes it down, and the minimiser sits on the kink with a slope strictly inside (0, 1).
        // There the learner's slope-0 convention is not a valid optimality certificate.
        (Mlp model, float[] input, float[] target) = KinkCase(incomingBias: 0.5f);

        ImplicitStepResult step = ImplicitStep.Solve(model, input, target, alpha: 1);

        ImplicitStepKink kink = Assert.Single(step.Kinks, k => k.Layer == 1 && k.Unit == 0);
        output.WriteLine($"kink: left {kink.LeftDerivative:E3} right {kink.RightDerivative:E3} multiplier {kink.Multiplier:F6}; " +
            $"residual {step.Residual:E2}, convention residual {step.ConventionResidual:E2}");
        Assert.True(kink.ConditionsHold);
        Assert.True(kink.LeftDerivative < 0 && kink.RightDerivative > 0);
        Assert.InRange(kink.Multiplier, 1e-3, 1 - 1e-3);
        Assert.True(step.Residual < 1e-8, $"residual {step.Residual:E3}");
        Assert.True(step.ConventionResidual > 1e-3, $"convention residual {step.ConventionResidual:E3}");
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(1.0)]
    [InlineData(10.0)]
    public void Solve_SingleLayerRegression_EqualsTheILProxStep(double alpha)
    {
        // Without hidden layers and with squared error, IL-prox's output target
        // (sigma + alpha s y) / (1 + alpha s) is the exact minimiser over the output and its NLMS
        // step with eps = 0 the exact weight change: the two independent codes must agree.
        (Mlp model, float[] input, float[] target) = Case([4, 3], OutputHead.Identity, seed: 9);
        Mlp after = model.Clone();
        var settings = Hyperparameters.For(LearningAlgorithm.ILProx) with { Alpha = (float)alpha, Epsilon = 0f };
        Assert.True(new OnlineLearner(after, LearningAlgorithm.ILProx, settings).Learn(input, target).Applied);

        ImplicitStepResult step = ImplicitStep.Solve(model, input, target, alpha);

        WeightChangeComparison comparison = WeightChangeComparison.Compare(model, after, step);
        Assert.Equal(1, comparison.Cosine, 1e-6);
        Assert.Equal(1, comparison.NormRatio, 1e-5);
        Assert.True(step.Residual < 1e-12, $"residual {step.Residual:E3}");
    }

    [Fact]
    public void Solve_AnyStart_ObjectiveNoWorseThanOldOrExplicitWeights()
    {
        foreach (double alpha in new[] { 0.1, 1, 10 })
        {
            (Mlp model, float[] input, float[] target) = Case([4, 3, 3, 2], OutputHead.Softmax, seed: 5);
            var oracle = new ProximalOracle(model, input, target, alpha);
            double[] old = oracle.OldParameters;
            double[] gradient = oracle.LossGradient(old);
            double[] explicitStep = [.. old.Select((v, i) => v - alpha * gradient[i])];

            ImplicitStepResult step = ImplicitStep.Solve(model, input, target, alpha);

            Assert.True(step.Objective <= oracle.Objective(old) * (1 + 1e-14));
            Assert.True(step.Objective <= oracle.Objective(explicitStep) * (1 + 1e-14));
            Assert.All(step.Starts, s => Assert.True(step.Objective <= s.Objective + 1e-12 * Math.Abs(s.Objective)));
        }
    }

    [Fact]
    public void Solve_WrongInputLength_ThrowsNamingInput()
    {
        (Mlp model, _, float[] target) = Case([3, 4, 2], OutputHead.Softmax, seed: 1);

        ArgumentException error = Assert.Throws<ArgumentException>(() => ImplicitStep.Solve(model, new float[4], target, 1));

        Assert.Equal("input", error.ParamName);
    }

    [Fact]
    public void Solve_WrongTargetLength_ThrowsNamingTarget()
    {
        (Mlp model, float[] input, _) = Case([3, 4, 2], OutputHead.Softmax, seed: 1);

        ArgumentException error = Assert.Throws<ArgumentException>(() => ImplicitStep.Solve(model, input, new float[3], 1));

        Assert.Equal("target", error.ParamName);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Solve_NonFiniteInput_Throws(float bad)
    {
        (Mlp model, float[] input, float[] target) = Case([3, 4, 2], OutputHead.Softmax, seed: 1);
        input[1] = bad;

        ArgumentException error = Assert.Throws<ArgumentException>(() => ImplicitStep.Solve(model, input, target, 1));

        Assert.Equal("input", error.ParamName);
    }

    [Fact]
    public void Solve_NonFiniteTarget_Throws()
    {
        (Mlp model, float[] input, float[] target) = Case([3, 4, 2], OutputHead.Identity, seed: 1);
        target[0] = float.NaN;

        ArgumentException error = Assert.Throws<ArgumentException>(() => ImplicitStep.Solve(model, input, target, 1));

        Assert.Equal("target", error.ParamName);
    }

    [Fact]
    public void Solve_NonFiniteWeight_Throws()
    {
        (Mlp model, float[] input, float[] target) = Case([3, 4, 2], OutputHead.Identity, seed: 1);
        float[] weights = model.GetWeights(1).ToArray();
        weights[2] = float.NegativeInfinity;
        model.SetWeights(1, weights);

        ArgumentException error = Assert.Throws<ArgumentException>(() => ImplicitStep.Solve(model, input, target, 1));

        Assert.Equal("model", error.ParamName);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Solve_AlphaNotPositiveAndFinite_Throws(double alpha)
    {
        (Mlp model, float[] input, float[] target) = Case([3, 4, 2], OutputHead.Softmax, seed: 1);

        ArgumentException error = Assert.Throws<ArgumentException>(() => ImplicitStep.Solve(model, input, target, alpha));

        Assert.Equal("alpha", error.ParamName);
    }

    [Fact]
    public void Solve_InvalidOptions_Throws()
    {
        (Mlp model, float[] input, float[] target) = Case([3, 4, 2], OutputHead.Softmax, seed: 1);

        Assert.Throws<ArgumentException>(() => ImplicitStep.Solve(model, input, target, 1, new ImplicitStepOptions { MaxIterations = 0 }));
        Assert.Throws<ArgumentException>(() => ImplicitStep.Solve(model, input, target, 1, new ImplicitStepOptions { Tolerance = 0 }));
        Assert.Throws<ArgumentException>(() => ImplicitStep.Solve(model, input, target, 1, new ImplicitStepOptions { RandomStarts = -1 }));
    }

    [Fact]
    public void ActivityProblem_SmoothPoint_DerivativesMatchFiniteDifferences()
    {
        foreach (OutputHead head in Enum.GetValues<OutputHead>())
        {
            (Mlp model, float[] input, float[] target) = Case([4, 3, 3, 2], head, seed: 2);
            var problem = new ActivityProblem(
                Float64Network.From(model), [.. input.Select(v => (double)v)], [.. target.Select(v => (double)v)], alpha: 0.7);
            var random = new Random(3);
            double[] v = [.. Enumerable.Range(0, problem.Dimension).Select(_ => (random.NextDouble() < 0.5 ? -1 : 1) * (0.2 + random.NextDouble()))];
            bool[] active = [.. v.Select((x, j) => j < problem.HiddenCount && x > 0)];
            double[] direct = new double[v.Length];
            double[] throughRelu = new double[v.Length];
            problem.Evaluate(v, direct, throughRelu, out _);
            double[] gradient = [.. direct.Select((d, j) => d + (active[j] ? throughRelu[j] : 0))];
            double[,] hessian = problem.Hessian(v, active);

            const double H = 1e-6;
            for (int j = 0; j < v.Length; j++)
            {
                double[] plus = (double[])v.Clone();
                double[] minus = (double[])v.Clone();
                plus[j] += H;
                minus[j] -= H;
                Assert.Equal(gradient[j], (problem.Value(plus) - problem.Value(minus)) / (2 * H), 1e-7);
                double[] directPlus = new double[v.Length], reluPlus = new double[v.Length];
                double[] directMinus = new double[v.Length], reluMinus = new double[v.Length];
                problem.Evaluate(plus, directPlus, reluPlus, out _);
                problem.Evaluate(minus, directMinus, reluMinus, out _);
                for (int k = 0; k < v.Length; k++)
                {
                    double gPlus = directPlus[k] + (active[k] ? reluPlus[k] : 0);
                    double gMinus = directMinus[k] + (active[k] ? reluMinus[k] : 0);
                    Assert.Equal(hessian[k, j], (gPlus - gMinus) / (2 * H), 1e-6);
                }
            }
        }
    }

    private void AssertBruteForceFindsNoLowerObjective(Mlp model, float[] input, float[] target, double alpha, int seed)
    {
        var oracle = new ProximalOracle(model, input, target, alpha);

        ImplicitStepResult step = ImplicitStep.Solve(model, input, target, alpha);

        double[] solution = NewParameters(step);
        var random = new Random(seed);
        double[] perturbed = [.. solution.Select(v => v + 0.01 * (2 * random.NextDouble() - 1))];
        foreach ((string name, double[] start) in new[] { ("old weights", oracle.OldParameters), ("perturbed answer", perturbed) })
        {
            (double[] theta, double objective, bool converged) = oracle.MinimizeByBfgs(start, maxIterations: 400, gradientTolerance: 1e-10);
            double relativeGap = (objective - step.Objective) / Math.Abs(step.Objective);
            output.WriteLine($"seed {seed}, BFGS from {name}: converged {converged}, relative objective gap {relativeGap:E2}, kinks in reference {step.Kinks.Count}");
            Assert.True(relativeGap > -1e-9, $"seed {seed}: BFGS from {name} found a lower objective: gap {relativeGap:E3}");
            if (converged && relativeGap < 1e-9)
            {
                double distance = ProximalOracle.Norm(Subtract(theta, solution)) / ProximalOracle.Norm(Subtract(solution, oracle.OldParameters));
                Assert.True(distance < 1e-4, $"seed {seed}: BFGS from {name} reached the same objective at another point: relative distance {distance:E3}");
            }
        }
    }

    internal static double[] NewParameters(ImplicitStepResult step)
    {
        var parameters = new List<double>();
        for (int n = 0; n < step.LayerCount; n++)
        {
            parameters.AddRange(step.GetWeights(n).ToArray());
            parameters.AddRange(step.GetBiases(n).ToArray());
        }

        return [.. parameters];
    }

    internal static double[] Subtract(double[] a, double[] b) => [.. a.Select((v, i) => v - b[i])];

    private static (Mlp Model, float[] Input, float[] Target) KinkCase(float incomingBias)
    {
        (Mlp model, float[] input, float[] target) = Case([3, 4, 2], OutputHead.Softmax, seed: 4);
        Array.Clear(target);
        target[0] = 1;
        float[] incoming = model.GetWeights(0).ToArray();
        Array.Clear(incoming, 0, 3);
        model.SetWeights(0, incoming);
        float[] biases = model.GetBiases(0).ToArray();
        biases[0] = incomingBias;
        model.SetBiases(0, biases);
        float[] outgoing = model.GetWeights(1).ToArray();
        outgoing[0 * 4 + 0] = -2f;
        outgoing[1 * 4 + 0] = 2f;
        model.SetWeights(1, outgoing);
        return (model, input, target);
    }

    internal static (Mlp Model, float[] Input, float[] Target) Case(int[] sizes, OutputHead head, int seed)
    {
        Mlp model = Mlp.CreateRandom(sizes, head, seed);
        var random = new Random(seed + 1000);
        float[] input = [.. Enumerable.Range(0, sizes[0]).Select(_ => (float)(4 * random.NextDouble() - 2))];
        float[] target = TestData.RandomTarget(head, sizes[^1], random);

        return (model, input, target);
    }
}
