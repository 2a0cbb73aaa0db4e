using EdgeIL.Device.Loop;

namespace EdgeIL.Device.Tests.Loop;

public sealed class IterationBudgetTests
{
    private const double Period = 0.010;

    [Fact]
    public void ObserveTick_Overrun_LowersBudgetOneStep()
    {
        var budget = new IterationBudget(ceiling: 25, floor: 12, step: 2, raiseAfterTicks: 5, headroomFraction: 0.6);

        budget.ObserveTick(0.011, Period, LearnOutcome.Learned);

        Assert.Equal(23, budget.Current);
    }

    [Fact]
    public void ObserveTick_ManyOverruns_StopsAtFloor()
    {
        var budget = new IterationBudget(ceiling: 25, floor: 12, step: 1, raiseAfterTicks: 5, headroomFraction: 0.6);

        for (int i = 0; i < 100; i++)
        {
            budget.ObserveTick(0.020, Period, LearnOutcome.Learned);
        }

        Assert.Equal(12, budget.Current);
        Assert.Equal(13, budget.Lowerings);
    }

    [Fact]
    public void ObserveTick_RunOfHeadroomTicks_RaisesOneStepPerRun()
    {
        var budget = new IterationBudget(ceiling: 25, floor: 12, step: 1, raiseAfterTicks: 5, headroomFraction: 0.6);
        budget.ObserveTick(0.020, Period, LearnOutcome.Learned);
        budget.ObserveTick(0.020, Period, LearnOutcome.Learned);

        for (int i = 0; i < 4; i++)
        {
            budget.ObserveTick(0.002, Period, LearnOutcome.Learned);
        }

        Assert.Equal(23, budget.Current);
        budget.ObserveTick(0.002, Period, LearnOutcome.Learned);
        Assert.Equal(24, budget.Current);
    }

    [Fact]
    public void ObserveTick_SkippedTickInsideRun_RestartsTheRun()
    {
        var budget = new IterationBudget(ceiling: 25, floor: 12, step: 1, raiseAfterTicks: 3, headroomFraction: 0.6);
        budget.ObserveTick(0.020, Period, LearnOutcome.Learned);

        budget.ObserveTick(0.002, Period, LearnOutcome.Learned);
        budget.ObserveTick(0.002, Period, LearnOutcome.Learned);
        budget.ObserveTick(0.002, Period, LearnOutcome.Skipped);
        budget.ObserveTick(0.002, Period, LearnOutcome.Learned);
        budget.ObserveTick(0.002, Period, LearnOutcome.Learned);

        Assert.Equal(24, budget.Current);
    }

    [Fact]
    public void ObserveTick_TicksWithoutTarget_NeitherCountNorBreakTheRun()
    {
        var budget = new IterationBudget(ceiling: 25, floor: 12, step: 1, raiseAfterTicks: 2, headroomFraction: 0.6);
        budget.ObserveTick(0.020, Period, LearnOutcome.Learned);

        budget.ObserveTick(0.002, Period, LearnOutcome.Learned);
        budget.ObserveTick(0.001, Period, LearnOutcome.NothingToLearn);
        budget.ObserveTick(0.002, Period, LearnOutcome.Learned);

        Assert.Equal(25, budget.Current);
    }

    [Fact]
    public void ObserveTick_BetweenHeadroomAndPeriod_HoldsBudget()
    {
        var budget = new IterationBudget(ceiling: 25, floor: 12, step: 1, raiseAfterTicks: 1, headroomFraction: 0.6);
        budget.ObserveTick(0.020, Period, LearnOutcome.Learned);

        budget.ObserveTick(0.008, Period, LearnOutcome.Learned);

        Assert.Equal(24, budget.Current);
    }

    [Fact]
    public void Plan_FloorFitsInRemainingTime_LearnsWithBudgetInForce()
    {
        var budget = new IterationBudget(ceiling: 25, floor: 12, step: 1, raiseAfterTicks: 5, headroomFraction: 0.6);
        budget.ObserveLearn(iterations: 25, seconds: 0.0027);

        // 0.1 ms per iteration: the floor's 12 + 2 iterations' worth fit in 2 ms.
        Assert.Equal(25, budget.Plan(0.002));
    }

    [Fact]
    public void Plan_FloorDoesNotFit_SkipsLearning()
    {
        var budget = new IterationBudget(ceiling: 25, floor: 12, step: 1, raiseAfterTicks: 5, headroomFraction: 0.6);
        budget.ObserveLearn(iterations: 25, seconds: 0.0027);

        Assert.Equal(-1, budget.Plan(0.001));
    }

    [Fact]
    public void Plan_NoTimeLeft_SkipsEvenBeforeAnyMeasurement()
    {
        var budget = new IterationBudget(ceiling: 25, floor: 12, step: 1, raiseAfterTicks: 5, headroomFraction: 0.6);

        Assert.Equal(-1, budget.Plan(-0.001));
        Assert.Equal(25, budget.Plan(0.001));
    }

    [Fact]
    public void Plan_AfterProbeAfterSkipsSkips_ProbesOnceAtFloor()
    {
        var budget = new IterationBudget(ceiling: 25, floor: 12, step: 1, raiseAfterTicks: 5, headroomFraction: 0.6);
        budget.ObserveLearn(iterations: 25, seconds: 0.027);
        for (int i = 0; i < IterationBudget.ProbeAfterSkips; i++)
        {
            Assert.Equal(-1, budget.Plan(0.001));
        }

        Assert.Equal(12, budget.Plan(0.001));
        Assert.Equal(-1, budget.Plan(0.001));
    }

    [Fact]
    public void ObserveLearn_SlowOutlier_RaisesEstimateAtMostFourfold()
    {
        var budget = new IterationBudget(ceiling: 25, floor: 12, step: 1, raiseAfterTicks: 5, headroomFraction: 0.6);
        budget.ObserveLearn(iterations: 8, seconds: 0.001);

        budget.ObserveLearn(iterations: 8, seconds: 1.0);

        // 1e-4 s per iteration; the outlier counts as at most 4e-4, moving the estimate a tenth of the way.
        Assert.Equal(1.3e-4, budget.SecondsPerIteration, 12);
    }

    [Fact]
    public void ObserveLearn_FasterStep_MovesEstimateHalfway()
    {
        var budget = new IterationBudget(ceiling: 25, floor: 12, step: 1, raiseAfterTicks: 5, headroomFraction: 0.6);
        budget.ObserveLearn(iterations: 8, seconds: 0.002);

        budget.ObserveLearn(iterations: 8, seconds: 0.001);

        Assert.Equal(1.5e-4, budget.SecondsPerIteration, 12);
    }
}
