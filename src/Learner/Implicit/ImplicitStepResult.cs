namespace EdgeIL.Learner.Implicit;

/// <summary>Where a local minimisation of the implicit step's activity problem started.</summary>
public enum ImplicitStepStart
{
    /// <summary>The feed-forward activities of the old weights (no change).</summary>
    FeedForward,

    /// <summary>The feed-forward activities after the explicit step <c>theta_old - alpha grad L</c>.</summary>
    ExplicitStep,

    /// <summary>The activities one IL-prox step (<c>eps = 0</c>, the same alpha) moves the network to.</summary>
    InferenceLearning,

    /// <summary>A random perturbation of the feed-forward activities.</summary>
    Random,

    /// <summary>
    /// The feed-forward activities with every hidden unit moved to a chosen side of its kink (one
    /// start per on/off pattern, on networks with at most <see cref="ImplicitStepOptions.PatternStartLimit"/> hidden units).
    /// </summary>
    Pattern,

    /// <summary>The best minimum found so far with one or two hidden units moved to the other side of their ReLU kinks.</summary>
    UnitFlip,
}

/// <summary>How one start of <see cref="ImplicitStep.Solve"/> ended.</summary>
/// <param name="Start">Where it started.</param>
/// <param name="Objective">The implicit step's objective at its end point.</param>
/// <param name="Iterations">Newton iterations it used.</param>
/// <param name="Converged">Whether it met the stationarity tolerance.</param>
public readonly record struct ImplicitStepStartOutcome(ImplicitStepStart Start, double Objective, int Iterations, bool Converged);

/// <summary>
/// A hidden unit whose activity in the implicit step is exactly 0, on its ReLU's kink, where the
/// loss gradient is not defined.
/// </summary>
/// <param name="Layer">The hidden layer <c>n</c>, 1..N-1.</param>
/// <param name="Unit">The unit within the layer.</param>
/// <param name="LeftDerivative">
/// The derivative of the activity objective as the activity decreases through 0, from the left:
/// <c>-p/(alpha s)</c> where <c>p</c> is the unit's old-weight prediction. A minimum needs it &lt;= 0.
/// </param>
/// <param name="RightDerivative">The derivative from the right; a minimum needs it &gt;= 0.</param>
/// <param name="Multiplier">
/// The ReLU slope <c>tau</c> in [0, 1] (an element of the Clarke subdifferential at 0) that makes the
/// unit's incoming bias satisfy the weight problem's optimality condition. 0 is the learner's
/// convention; when <c>tau</c> is not 0 the convention's residual at this unit is not small.
/// </param>
/// <param name="ConditionsHold">True when both one-sided conditions hold (to rounding): the kink is a genuine local minimum along this unit.</param>
public readonly record struct ImplicitStepKink(int Layer, int Unit, double LeftDerivative, double RightDerivative, double Multiplier, bool ConditionsHold);

/// <summary>
/// The implicit (proximal) SGD step <c>theta' = argmin L(theta) + ||theta - theta_old||^2 / (2 alpha)</c>
/// for one sample, in float64, with the evidence that it is one.
/// </summary>
public sealed class ImplicitStepResult
{
    private readonly Float64Network _old;
    private readonly Float64Network _new;
    private readonly double[][] _activities;

    internal ImplicitStepResult(
        Float64Network old, Float64Network updated, double[][] activities, double alpha, ImplicitStepMeasures measures,
        ImplicitStepStartOutcome winner, IReadOnlyList<ImplicitStepStartOutcome> starts, IReadOnlyList<ImplicitStepKink> kinks)
    {
        _old = old;
        _new = updated;
        _activities = activities;
        Alpha = alpha;
        Objective = measures.Objective;
        WeightObjective = measures.WeightObjective;
        Loss = measures.Loss;
        ProximalTerm = measures.ProximalTerm;
        Residual = measures.Residual;
        ConventionResidual = measures.ConventionResidual;
        ReproductionError = measures.ReproductionError;
        WinningStart = winner.Start;
        Starts = starts;
        Kinks = kinks;
        Iterations = winner.Iterations;
        Converged = winner.Converged;
    }

    /// <summary>Sizes <c>d_0..d_N</c> of the network's layers.</summary>
    public ReadOnlySpan<int> LayerSizes => _old.Sizes;

    /// <summary>The number <c>N</c> of weight layers.</summary>
    public int LayerCount => _old.LayerCount;

    /// <summary>The output function and loss.</summary>
    public OutputHead Head => _old.Head;

    /// <summary>The step size (alpha).</summary>
    public double Alpha { get; }

    /// <summary>The new weights <c>W_n'</c>, <c>d_{n+1} x d_n</c> row-major.</summary>
    public ReadOnlySpan<double> GetWeights(int layer) => _new.Weights[layer];

    /// <summary>The new biases <c>b_n'</c>.</summary>
    public ReadOnlySpan<double> GetBiases(int layer) => _new.Biases[layer];

    /// <summary>The old weights <c>W_n</c> the step started from (the model's float32 values, widened exactly).</summary>
    public ReadOnlySpan<double> GetOldWeights(int layer) => _old.Weights[layer];

    /// <summary>The old biases <c>b_n</c>.</summary>
    public ReadOnlySpan<double> GetOldBiases(int layer) => _old.Biases[layer];

    /// <summary>
    /// The activities <c>v_n</c> (<c>n = 0..N</c>, pre-activations; <c>v_0 = x</c>) that the new
    /// weights produce for the sample, as the activity problem found them: kinks are exactly 0 here.
    /// </summary>
    public ReadOnlySpan<double> GetActivities(int layer) => _activities[layer];

    /// <summary>
    /// The objective of the activity problem at the solution,
    /// <c>L(y, v_N) + sum_n ||e_{n+1}||^2 / (2 alpha s_n)</c>, the implicit step's minimum.
    /// </summary>
    public double Objective { get; }

    /// <summary>The same objective evaluated from the weights: <c>L(theta') + ||theta' - theta_old||^2 / (2 alpha)</c>.</summary>
    public double WeightObjective { get; }

    /// <summary>The loss <c>L(theta')</c> of the sample after the step.</summary>
    public double Loss { get; }

    /// <summary><c>||theta' - theta_old||^2 / (2 alpha)</c>.</summary>
    public double ProximalTerm { get; }

    /// <summary>
    /// The optimality residual of the weight problem, <c>||grad L(theta') + (theta' - theta_old)/alpha||</c>
    /// relative to <c>max(||(theta' - theta_old)/alpha||, ||grad L(theta')||)</c>, with the loss gradient
    /// by backprop in float64 from the new weights' own forward pass. At a kink the ReLU slope is
    /// each <see cref="ImplicitStepKink.Multiplier"/>, so this certifies Clarke stationarity; away from
    /// kinks it is the ordinary gradient condition.
    /// </summary>
    public double Residual { get; }

    /// <summary>
    /// The same residual with the learner's convention that the ReLU slope at exactly 0 is 0. Equal
    /// to <see cref="Residual"/> without kinks; at a kink whose multiplier is not 0 it is not small,
    /// because that convention is not the element of the subdifferential the minimiser satisfies.
    /// </summary>
    public double ConventionResidual { get; }

    /// <summary>
    /// The largest difference between the new weights' feed-forward activities and the solution's,
    /// relative to the largest activity: how exactly the NLMS weights reproduce the activities.
    /// </summary>
    public double ReproductionError { get; }

    /// <summary>Newton iterations of the winning start.</summary>
    public int Iterations { get; }

    /// <summary>Whether the winning start met the stationarity tolerance.</summary>
    public bool Converged { get; }

    /// <summary>The start whose end point had the lowest objective.</summary>
    public ImplicitStepStart WinningStart { get; }

    /// <summary>How every start ended, in the order they were tried.</summary>
    public IReadOnlyList<ImplicitStepStartOutcome> Starts { get; }

    /// <summary>The hidden units on a ReLU kink at the solution; empty when the loss is differentiable there.</summary>
    public IReadOnlyList<ImplicitStepKink> Kinks { get; }

    /// <summary>True when every kink satisfies its one-sided conditions.</summary>
    public bool KinkConditionsHold => Kinks.All(k => k.ConditionsHold);

    internal Float64Network OldNetwork => _old;

    internal Float64Network NewNetwork => _new;

    /// <summary>The new parameters rounded to float32, as a network of the same shape (for running a learner from them).</summary>
    public Mlp ToMlp()
    {
        var model = new Mlp(_new.Sizes, _new.Head);
        for (int n = 0; n < LayerCount; n++)
        {
            model.SetWeights(n, Narrow(_new.Weights[n]));
            model.SetBiases(n, Narrow(_new.Biases[n]));
        }

        return model;

        static float[] Narrow(double[] values) => [.. values.Select(v => (float)v)];
    }
}

/// <summary>The measured quantities of a solution, gathered before the result is built.</summary>
internal readonly record struct ImplicitStepMeasures(
    double Objective, double WeightObjective, double Loss, double ProximalTerm, double Residual, double ConventionResidual, double ReproductionError);
