using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace EdgeIL.Learner.Implicit;

/// <summary>The end point of one local minimisation of <see cref="ActivityProblem"/>.</summary>
/// <param name="Activities">The activities reached.</param>
/// <param name="Objective">The objective there.</param>
/// <param name="Iterations">Newton iterations used.</param>
/// <param name="Converged">True when the one-sided optimality conditions hold to the tolerance.</param>
/// <param name="StationarityError">The largest one-sided derivative pointing downhill, relative to the derivative scale.</param>
internal readonly record struct LocalMinimum(double[] Activities, double Objective, int Iterations, bool Converged, double StationarityError);

/// <summary>
/// A piecewise Newton method with an active set for the ReLU kinks, for <see cref="ActivityProblem"/>.
/// </summary>
/// <remarks>
/// Each hidden activity is on one side of its kink at a time and the objective is smooth on each
/// side, so every iteration works on one smooth piece: units with <c>v &gt; 0</c> are active, units
/// with <c>v &lt; 0</c> inactive, and a unit at exactly 0 is decided by its one-sided derivatives: it
/// leaves towards the side that goes downhill, and when neither does (left derivative &lt;= 0 &lt;=
/// right derivative) it is pinned at 0 for this iteration. The Newton step on the free activities
/// uses the Hessian with its eigenvalues replaced by their magnitudes (so a saddle is left along
/// its negative curvature rather than approached), and the line search runs along the path
/// projected onto the current piece, which is what lands an activity exactly on 0 instead of
/// stepping over a kink that holds the minimiser (plain quasi-Newton over the weights circles such
/// kinks forever). Pins are re-decided every iteration, so a wrong guess costs one step.
/// </remarks>
internal static class ActivitySolver
{
    private enum Side
    {
        Free,
        Active,
        Inactive,
        Pinned,
    }

    public static LocalMinimum Minimize(ActivityProblem problem, double[] start, int maxIterations, double tolerance)
    {
        int dimension = problem.Dimension;
        int hidden = problem.HiddenCount;
        double[] v = (double[])start.Clone();
        double[] direct = new double[dimension];
        double[] throughRelu = new double[dimension];
        double[] gradient = new double[dimension];
        double[] step = new double[dimension];
        double[] trial = new double[dimension];
        var sides = new Side[dimension];
        bool[] active = new bool[dimension];
        double objective = double.NaN;
        double error = double.PositiveInfinity;
        int iteration = 0;
        for (; ; iteration++)
        {
            objective = problem.Evaluate(v, direct, throughRelu, out double scale);
            error = ChooseSides(v, direct, throughRelu, hidden, sides, gradient) / Math.Max(scale, double.Epsilon);
            if (error <= tolerance || iteration == maxIterations || !double.IsFinite(objective))
            {
                break;
            }

            for (int j = 0; j < hidden; j++)
            {
                active[j] = sides[j] == Side.Active;
            }

            NewtonDirection(problem.Hessian(v, active), gradient, sides, step);
            if (!LineSearch(problem, v, objective, gradient, step, sides, trial))
            {
                // Fall back to the steepest one-sided descent: it goes downhill wherever Newton's model misleads.
                for (int j = 0; j < dimension; j++)
                {
                    step[j] = sides[j] == Side.Pinned ? 0 : -gradient[j];
                }

                if (!LineSearch(problem, v, objective, gradient, step, sides, trial))
                {
                    break;
                }
            }

            (v, trial) = (trial, v);
        }

        return new LocalMinimum(v, objective, iteration, error <= tolerance, error);
    }

    /// <summary>
    /// Assigns each activity its side and its derivative on that side, and returns the largest
    /// derivative that still points downhill (0 for pinned activities, whose conditions hold).
    /// </summary>
    private static double ChooseSides(double[] v, double[] direct, double[] throughRelu, int hidden, Side[] sides, double[] gradient)
    {
        double largest = 0;
        for (int j = 0; j < v.Length; j++)
        {
            if (j >= hidden)
            {
                sides[j] = Side.Free;
                gradient[j] = direct[j];
            }
            else if (v[j] > 0)
            {
                sides[j] = Side.Active;
                gradient[j] = direct[j] + throughRelu[j];
            }
            else if (v[j] < 0)
            {
                sides[j] = Side.Inactive;
                gradient[j] = direct[j];
            }
            else
            {
                double left = direct[j], right = direct[j] + throughRelu[j];
                if (right < 0 && -right >= left)
                {
                    sides[j] = Side.Active;
                    gradient[j] = right;
                }
                else if (left > 0)
                {
                    sides[j] = Side.Inactive;
                    gradient[j] = left;
                }
                else
                {
                    sides[j] = Side.Pinned;
                    gradient[j] = 0;
                }
            }

            largest = Math.Max(largest, Math.Abs(gradient[j]));
        }

        return largest;
    }

    /// <summary>
    /// <c>step = -|H|^-1 g</c> on the free activities, where <c>|H|</c> is the Hessian itself when it
    /// is positive definite (a Cholesky factorisation tells) and otherwise has its eigenvalues
    /// replaced by their magnitudes, floored relative to the largest; 0 on pinned activities.
    /// </summary>
    private static void NewtonDirection(double[,] hessian, double[] gradient, Side[] sides, double[] step)
    {
        int count = 0;
        int[] free = new int[gradient.Length];
        for (int j = 0; j < gradient.Length; j++)
        {
            if (sides[j] != Side.Pinned)
            {
                free[count++] = j;
            }
        }

        Array.Clear(step);
        if (count == 0)
        {
            return;
        }

        double[,] reduced = new double[count, count];
        double[] rightHandSide = new double[count];
        for (int i = 0; i < count; i++)
        {
            rightHandSide[i] = -gradient[free[i]];
            for (int k = 0; k < count; k++)
            {
                reduced[i, k] = hessian[free[i], free[k]];
            }
        }

        if (!TrySolvePositiveDefinite(reduced, rightHandSide, count))
        {
            SolveWithAbsoluteEigenvalues(hessian, free, count, rightHandSide);
        }

        for (int i = 0; i < count; i++)
        {
            step[free[i]] = rightHandSide[i];
        }
    }

    /// <summary>
    /// Solves <c>A x = b</c> in place by Cholesky when <c>A</c> is clearly positive definite; returns
    /// false (with <paramref name="matrix"/> overwritten) when a pivot is not comfortably positive.
    /// </summary>
    private static bool TrySolvePositiveDefinite(double[,] matrix, double[] rightHandSide, int count)
    {
        double largestDiagonal = 0;
        for (int i = 0; i < count; i++)
        {
            largestDiagonal = Math.Max(largestDiagonal, matrix[i, i]);
        }

        // Pivots this small relative to the diagonal mean a nearly singular model whose step is noise;
        // the eigenvalue path floors them explicitly instead.
        double pivotFloor = 1e-10 * largestDiagonal;
        for (int j = 0; j < count; j++)
        {
            double pivot = matrix[j, j];
            for (int k = 0; k < j; k++)
            {
                pivot -= matrix[j, k] * matrix[j, k];
            }

            if (!(pivot > pivotFloor))
            {
                return false;
            }

            double root = Math.Sqrt(pivot);
            matrix[j, j] = root;
            for (int i = j + 1; i < count; i++)
            {
                double sum = matrix[i, j];
                for (int k = 0; k < j; k++)
                {
                    sum -= matrix[i, k] * matrix[j, k];
                }

                matrix[i, j] = sum / root;
            }
        }

        for (int i = 0; i < count; i++)
        {
            double sum = rightHandSide[i];
            for (int k = 0; k < i; k++)
            {
                sum -= matrix[i, k] * rightHandSide[k];
            }

            rightHandSide[i] = sum / matrix[i, i];
        }

        for (int i = count - 1; i >= 0; i--)
        {
            double sum = rightHandSide[i];
            for (int k = i + 1; k < count; k++)
            {
                sum -= matrix[k, i] * rightHandSide[k];
            }

            rightHandSide[i] = sum / matrix[i, i];
        }

        return true;
    }

    /// <summary>Overwrites <paramref name="rightHandSide"/> (<c>-g</c>) with <c>|H|^-1 (-g)</c> from the eigendecomposition of the free block.</summary>
    private static void SolveWithAbsoluteEigenvalues(double[,] hessian, int[] free, int count, double[] rightHandSide)
    {
        Matrix<double> reduced = Matrix<double>.Build.Dense(count, count, (i, k) => hessian[free[i], free[k]]);
        Evd<double> decomposition = reduced.Evd(Symmetricity.Symmetric);
        Matrix<double> vectors = decomposition.EigenVectors;
        double[] values = new double[count];
        double largest = 0;
        for (int e = 0; e < count; e++)
        {
            values[e] = Math.Abs(decomposition.EigenValues[e].Real);
            largest = Math.Max(largest, values[e]);
        }

        double floor = Math.Max(largest * 1e-12, double.Epsilon);
        double[] result = new double[count];
        for (int e = 0; e < count; e++)
        {
            double projection = 0;
            for (int i = 0; i < count; i++)
            {
                projection += vectors[i, e] * rightHandSide[i];
            }

            double coefficient = projection / Math.Max(values[e], floor);
            for (int i = 0; i < count; i++)
            {
                result[i] += coefficient * vectors[i, e];
            }
        }

        result.CopyTo(rightHandSide, 0);
    }

    /// <summary>
    /// Backtracks along <c>P(v + t step)</c>, the path projected onto the current piece, until the
    /// Armijo condition holds; writes the accepted point into <paramref name="trial"/>. Once the
    /// predicted decrease is below what float64 can resolve in <c>F</c>, a full step that does not
    /// raise <c>F</c> beyond rounding is accepted so that Newton can still polish the derivative.
    /// </summary>
    private static bool LineSearch(ActivityProblem problem, double[] v, double objective, double[] gradient, double[] step, Side[] sides, double[] trial)
    {
        const double Armijo = 1e-4;
        double predicted = 0;
        for (int j = 0; j < v.Length; j++)
        {
            predicted -= gradient[j] * step[j];
        }

        if (!(predicted > 0))
        {
            return false;
        }

        double roundingLevel = 64 * double.Epsilon + 1e-14 * Math.Abs(objective);
        double t = 1;
        for (int attempt = 0; attempt < 60; attempt++, t *= 0.5)
        {
            double slope = 0;
            bool moved = false;
            for (int j = 0; j < v.Length; j++)
            {
                double x = v[j] + t * step[j];
                x = sides[j] switch
                {
                    Side.Active => Math.Max(x, 0),
                    Side.Inactive => Math.Min(x, 0),
                    Side.Pinned => 0,
                    _ => x,
                };
                trial[j] = x;
                moved |= x != v[j];
                slope += gradient[j] * (x - v[j]);
            }

            if (!moved)
            {
                return false;
            }

            double value = problem.Value(trial);
            if (value <= objective + Armijo * slope)
            {
                return true;
            }

            if (attempt == 0 && predicted <= roundingLevel && value <= objective + roundingLevel)
            {
                return true;
            }
        }

        return false;
    }
}
