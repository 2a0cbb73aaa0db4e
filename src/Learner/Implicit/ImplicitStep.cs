namespace EdgeIL.Learner.Implicit;

/// <summary>
/// The implicit (proximal) SGD step for one sample, computed to float64 precision on small
/// networks: the reference that the paper's claim "IL approximates implicit SGD, BP performs the
/// explicit step" (section 4) is measured against. A verification tool, not a learner.
/// </summary>
public static class ImplicitStep
{
    /// <summary>
    /// Computes <c>theta' = argmin_theta L(theta; x, y) + ||theta - theta_old||^2 / (2 alpha)</c> over all
    /// weights and biases of <paramref name="model"/> (which is not changed).
    /// </summary>
    /// <remarks>
    /// The weight problem is solved exactly through the activity problem of algorithms.md
    /// (<c>min_v L(y, v_N) + sum_n ||e_{n+1}||^2 / (2 alpha s_n)</c>, then the NLMS map back to weights)
    /// by a piecewise Newton method that treats ReLU kinks as an active set. The problem is not
    /// convex and its minima differ mostly in which hidden units are on, so it is solved from the
    /// old weights' activities, the explicit step's, IL-prox's, random ones, one start per on/off
    /// pattern of the hidden units on small networks, and then from the best minimum with one or
    /// two units switched; the lowest end point is kept. That is the global minimiser only as far as
    /// those starts reach (<see cref="ImplicitStepOptions.LocalOnly"/> keeps the old weights' basin
    /// instead). The answer is then checked against the weight problem's own optimality condition
    /// (<see cref="ImplicitStepResult.Residual"/>).
    /// </remarks>
    /// <param name="model">The network before the step, <c>theta_old</c>.</param>
    /// <param name="input">The input <c>x</c>, length <c>d_0</c>, finite.</param>
    /// <param name="target">The label <c>y</c>, length <c>d_N</c>, finite.</param>
    /// <param name="alpha">The step size (alpha), range 0 &lt; alpha &lt; infinity.</param>
    /// <param name="options">Solver settings; <see cref="ImplicitStepOptions.Default"/> when null.</param>
    public static ImplicitStepResult Solve(Mlp model, ReadOnlySpan<float> input, ReadOnlySpan<float> target, double alpha, ImplicitStepOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!model.Input.IsIdentity)
        {
            // The proximal problem is over the weights that act on x; an input stage in front
            // would make "the input" ambiguous, so the caller scales and passes x itself.
            throw new ArgumentException("The implicit step is defined on the network's input x: use a model whose input stage is the identity and pass the scaled input.", nameof(model));
        }

        CheckSample(model, input, target);
        if (!(alpha > 0) || !double.IsFinite(alpha))
        {
            throw new ArgumentException($"The step size alpha = {alpha} must be finite and > 0.", nameof(alpha));
        }

        options ??= ImplicitStepOptions.Default;
        options.Validate();
        Float64Network old = Float64Network.From(model);
        double[] x = Widen(input);
        double[] y = Widen(target);
        var problem = new ActivityProblem(old, x, y, alpha);

        List<(ImplicitStepStart Start, double[] Activities)> starts = Starts(model, problem, x, y, alpha, options, out double[] spread);
        var outcomes = new List<ImplicitStepStartOutcome>(starts.Count);
        LocalMinimum best = default;
        int winner = 0;
        foreach ((ImplicitStepStart start, double[] activities) in starts)
        {
            LocalMinimum minimum = ActivitySolver.Minimize(problem, activities, options.MaxIterations, options.Tolerance);
            outcomes.Add(new ImplicitStepStartOutcome(start, minimum.Objective, minimum.Iterations, minimum.Converged));
            if (best.Activities is null || IsLower(minimum, best))
            {
                best = minimum;
                winner = outcomes.Count - 1;
            }
        }

        // Local minima differ mostly in which hidden units are on: search the neighbourhood of the
        // best one by switching one or two units to the other side of their kinks and descending again.
        for (int round = 0; round < options.FlipRounds; round++)
        {
            bool improved = false;
            double[] centre = best.Activities;
            foreach ((int first, int second) in FlipCandidates(problem.HiddenCount, options.FlipPairs))
            {
                double[] flipped = (double[])centre.Clone();
                Flip(flipped, first, spread);
                if (second >= 0)
                {
                    Flip(flipped, second, spread);
                }

                LocalMinimum minimum = ActivitySolver.Minimize(problem, flipped, options.MaxIterations, options.Tolerance);
                outcomes.Add(new ImplicitStepStartOutcome(ImplicitStepStart.UnitFlip, minimum.Objective, minimum.Iterations, minimum.Converged));
                if (IsLower(minimum, best))
                {
                    best = minimum;
                    winner = outcomes.Count - 1;
                    improved = true;
                }
            }

            if (!improved)
            {
                break;
            }
        }

        return Verify(problem, y, best, outcomes[winner], outcomes);
    }

    /// <summary>
    /// Lower beyond rounding only, so that among equal minima reached from several starts the
    /// earlier, more meaningful start is the one named.
    /// </summary>
    private static bool IsLower(LocalMinimum candidate, LocalMinimum best) =>
        candidate.Objective < best.Objective - 1e-12 * Math.Abs(best.Objective)
        || (!double.IsFinite(best.Objective) && double.IsFinite(candidate.Objective));

    private static IEnumerable<(int First, int Second)> FlipCandidates(int hidden, bool pairs)
    {
        for (int j = 0; j < hidden; j++)
        {
            yield return (j, -1);
        }

        if (pairs)
        {
            for (int j = 0; j < hidden; j++)
            {
                for (int k = j + 1; k < hidden; k++)
                {
                    yield return (j, k);
                }
            }
        }
    }

    /// <summary>Moves activity <paramref name="j"/> to the other side of its kink, at least half its layer's spread away from it.</summary>
    private static void Flip(double[] activities, int j, double[] spread)
    {
        double distance = Math.Max(Math.Abs(activities[j]), 0.5 * spread[j]);
        activities[j] = activities[j] > 0 ? -distance : distance;
    }

    private static void CheckSample(Mlp model, ReadOnlySpan<float> input, ReadOnlySpan<float> target)
    {
        if (input.Length != model.InputSize)
        {
            throw new ArgumentException($"The input has {input.Length} values but the network has {model.InputSize} inputs.", nameof(input));
        }

        if (target.Length != model.OutputSize)
        {
            throw new ArgumentException($"The target has {target.Length} values but the network has {model.OutputSize} outputs.", nameof(target));
        }

        if (!AllFinite(input))
        {
            throw new ArgumentException("The input holds NaN or infinity.", nameof(input));
        }

        if (!AllFinite(target))
        {
            throw new ArgumentException("The target holds NaN or infinity.", nameof(target));
        }

        for (int n = 0; n < model.LayerCount; n++)
        {
            if (!AllFinite(model.GetWeights(n)) || !AllFinite(model.GetBiases(n)))
            {
                throw new ArgumentException($"Layer {n} of the network holds NaN or infinity.", nameof(model));
            }
        }

        static bool AllFinite(ReadOnlySpan<float> values)
        {
            foreach (float value in values)
            {
                if (!float.IsFinite(value))
                {
                    return false;
                }
            }

            return true;
        }
    }

    private static List<(ImplicitStepStart Start, double[] Activities)> Starts(
        Mlp model, ActivityProblem problem, double[] x, double[] y, double alpha, ImplicitStepOptions options, out double[] spread)
    {
        Float64Network old = problem.OldNetwork;
        double[] feedForward = problem.ActivitiesOf(old);
        var starts = new List<(ImplicitStepStart Start, double[] Activities)> { (ImplicitStepStart.FeedForward, feedForward) };

        Float64Network gradient = old.Clone();
        old.Backpropagate(old.Forward(x), y, gradient);
        Float64Network explicitStep = old.Clone();
        explicitStep.AddScaled(gradient.Flatten(), -alpha);
        double[] explicitActivities = problem.ActivitiesOf(explicitStep);
        bool explicitFinite = explicitActivities.All(double.IsFinite);
        if (options.StartFromExplicitStep && explicitFinite)
        {
            starts.Add((ImplicitStepStart.ExplicitStep, explicitActivities));
        }

        spread = LayerSpread(problem, feedForward, explicitFinite ? explicitActivities : feedForward);

        float alphaSingle = (float)alpha;
        if (options.StartFromInferenceLearning && alphaSingle > 0 && float.IsFinite(alphaSingle))
        {
            Mlp inferred = model.Clone();
            Hyperparameters settings = Hyperparameters.For(LearningAlgorithm.ILProx) with { Alpha = alphaSingle, Epsilon = 0f };
            var learner = new OnlineLearner(inferred, LearningAlgorithm.ILProx, settings);
            if (learner.Learn(Narrow(x), Narrow(y)).Applied)
            {
                double[] activities = problem.ActivitiesOf(Float64Network.From(inferred));
                if (activities.All(double.IsFinite))
                {
                    starts.Add((ImplicitStepStart.InferenceLearning, activities));
                }
            }
        }

        // Random starts scatter each layer by its own spread so that hidden units land on both sides of their kinks.
        var random = new Random(options.Seed);
        for (int r = 0; r < options.RandomStarts; r++)
        {
            double[] activities = new double[problem.Dimension];
            for (int j = 0; j < activities.Length; j++)
            {
                activities[j] = feedForward[j] + spread[j] * Gaussian(random);
            }

            starts.Add((ImplicitStepStart.Random, activities));
        }

        // Minima differ mostly in which hidden units are on; on small networks every on/off pattern gets a start.
        int hidden = problem.HiddenCount;
        if (hidden <= options.PatternStartLimit)
        {
            for (long pattern = 0; pattern < 1L << hidden; pattern++)
            {
                double[] activities = (double[])feedForward.Clone();
                for (int j = 0; j < hidden; j++)
                {
                    double distance = Math.Max(Math.Abs(feedForward[j]), 0.5 * spread[j]);
                    activities[j] = (pattern & (1L << j)) != 0 ? distance : -distance;
                }

                starts.Add((ImplicitStepStart.Pattern, activities));
            }
        }

        return starts;
    }

    /// <summary>
    /// Per activity, the spread of its layer: the root mean square of the feed-forward activities or
    /// of the explicit step's move, whichever is larger (at least 1e-3).
    /// </summary>
    private static double[] LayerSpread(ActivityProblem problem, double[] feedForward, double[] explicitStep)
    {
        int[] sizes = problem.OldNetwork.Sizes;
        double[] spread = new double[problem.Dimension];
        for (int n = 1; n < sizes.Length; n++)
        {
            int offset = problem.Offset(n);
            double feedForwardSquares = 0, moveSquares = 0;
            for (int j = offset; j < offset + sizes[n]; j++)
            {
                feedForwardSquares += feedForward[j] * feedForward[j];
                double move = explicitStep[j] - feedForward[j];
                moveSquares += move * move;
            }

            double layerSpread = Math.Max(Math.Sqrt(Math.Max(feedForwardSquares, moveSquares) / sizes[n]), 1e-3);
            Array.Fill(spread, layerSpread, offset, sizes[n]);
        }

        return spread;
    }

    /// <summary>
    /// Maps the winning activities back to weights and measures, from the weights alone, how well
    /// they solve the weight problem: the objective, the reproduction of the activities, and the
    /// optimality residual both with certified kink slopes and with the learner's slope-0 convention.
    /// </summary>
    private static ImplicitStepResult Verify(
        ActivityProblem problem, double[] y, LocalMinimum best, ImplicitStepStartOutcome winner, List<ImplicitStepStartOutcome> outcomes)
    {
        Float64Network old = problem.OldNetwork;
        double alpha = problem.Alpha;
        Float64Network updated = problem.WeightsFor(best.Activities);
        double[][] activities = problem.Unflatten(best.Activities);
        double[][] forward = updated.Forward(activities[0]);

        double largestActivity = 0, largestDifference = 0;
        for (int n = 1; n < forward.Length; n++)
        {
            for (int j = 0; j < forward[n].Length; j++)
            {
                largestActivity = Math.Max(largestActivity, Math.Abs(activities[n][j]));
                largestDifference = Math.Max(largestDifference, Math.Abs(forward[n][j] - activities[n][j]));

                // A kink's pre-activation is 0 in exact arithmetic; rounding must not decide its side.
                if (n < forward.Length - 1 && activities[n][j] == 0)
                {
                    forward[n][j] = 0;
                }
            }
        }

        double[] before = old.Flatten();
        double[] after = updated.Flatten();
        double[] scaledChange = new double[before.Length];
        double proximal = 0;
        for (int i = 0; i < before.Length; i++)
        {
            double change = after[i] - before[i];
            proximal += change * change;
            scaledChange[i] = change / alpha;
        }

        proximal /= 2 * alpha;
        double loss = HeadLoss.Value(old.Head, forward[^1], y);

        var multipliers = new Dictionary<(int, int), double>();
        Float64Network certified = old.Clone();
        updated.Backpropagate(forward, y, certified, (layer, unit, backpropagated) =>
        {
            // The bias residual dL/db + delta_b/alpha vanishes for slope tau = -(delta_b/alpha) / backpropagated.
            double biasChange = (updated.Biases[layer - 1][unit] - old.Biases[layer - 1][unit]) / alpha;
            double tau = backpropagated == 0 ? 0 : Math.Clamp(-biasChange / backpropagated, 0, 1);
            multipliers[(layer, unit)] = tau;
            return tau;
        });
        Float64Network convention = old.Clone();
        updated.Backpropagate(forward, y, convention);

        double[] direct = new double[problem.Dimension];
        double[] throughRelu = new double[problem.Dimension];
        double objective = problem.Evaluate(best.Activities, direct, throughRelu, out double derivativeScale);
        var kinks = new List<ImplicitStepKink>();
        for (int j = 0; j < problem.HiddenCount; j++)
        {
            if (best.Activities[j] != 0)
            {
                continue;
            }

            (int layer, int unit) = problem.Locate(j);
            double left = direct[j], right = direct[j] + throughRelu[j];
            double slack = 1e-9 * derivativeScale;
            kinks.Add(new ImplicitStepKink(
                layer, unit, left, right, multipliers.GetValueOrDefault((layer, unit)), left <= slack && right >= -slack));
        }

        var measures = new ImplicitStepMeasures(
            objective,
            loss + proximal,
            loss,
            proximal,
            RelativeResidual(certified.Flatten(), scaledChange),
            RelativeResidual(convention.Flatten(), scaledChange),
            largestDifference / Math.Max(largestActivity, 1));
        return new ImplicitStepResult(old, updated, activities, alpha, measures, winner, outcomes, kinks);
    }

    /// <summary><c>||g + c|| / max(||g||, ||c||)</c>, and 0 when both vanish (the step is no change at a stationary point).</summary>
    private static double RelativeResidual(double[] gradient, double[] scaledChange)
    {
        double residual = 0, gradientNorm = 0, changeNorm = 0;
        for (int i = 0; i < gradient.Length; i++)
        {
            double r = gradient[i] + scaledChange[i];
            residual += r * r;
            gradientNorm += gradient[i] * gradient[i];
            changeNorm += scaledChange[i] * scaledChange[i];
        }

        double scale = Math.Sqrt(Math.Max(gradientNorm, changeNorm));
        return scale == 0 ? 0 : Math.Sqrt(residual) / scale;
    }

    private static double Gaussian(Random random)
    {
        double u = 1 - random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * random.NextDouble());
    }

    private static double[] Widen(ReadOnlySpan<float> values)
    {
        double[] wide = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            wide[i] = values[i];
        }

        return wide;
    }

    private static float[] Narrow(double[] values) => [.. values.Select(v => (float)v)];
}
