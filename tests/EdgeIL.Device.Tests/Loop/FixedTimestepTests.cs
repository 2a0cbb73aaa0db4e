using EdgeIL.Device.Loop;

namespace EdgeIL.Device.Tests.Loop;

public sealed class FixedTimestepTests
{
    private const long Period = 100;

    [Fact]
    public void Advance_AtStart_OneTickDue()
    {
        var schedule = new FixedTimestep(Period, maxCatchUpTicks: 3);
        schedule.Start(1_000);

        Assert.Equal(1, schedule.Advance(1_000));
    }

    [Fact]
    public void Advance_PartOfAPeriodAfterATick_NoTickDueAndWaitIsTheRest()
    {
        var schedule = new FixedTimestep(Period, maxCatchUpTicks: 3);
        schedule.Start(0);
        schedule.Advance(0);
        schedule.ConsumeTick();

        int due = schedule.Advance(30);

        Assert.Equal(0, due);
        Assert.Equal(70, schedule.TimeUntilNextTick);
    }

    [Fact]
    public void Advance_BehindWithinClamp_AllLateTicksDueAndNoneMissed()
    {
        var schedule = new FixedTimestep(Period, maxCatchUpTicks: 3);
        schedule.Start(0);
        schedule.Advance(0);
        schedule.ConsumeTick();

        int due = schedule.Advance(350);

        Assert.Equal(3, due);
        Assert.Equal(0, schedule.MissedTicks);
    }

    [Fact]
    public void Advance_StallBeyondClamp_BacklogClampedAndRestCountedMissed()
    {
        var schedule = new FixedTimestep(Period, maxCatchUpTicks: 3);
        schedule.Start(0);
        schedule.Advance(0);
        schedule.ConsumeTick();

        // A 10.5-period stall owes 10 ticks; the clamp lets 1 + 3 run and drops 6.
        int due = schedule.Advance(1_050);

        Assert.Equal(4, due);
        Assert.Equal(6, schedule.MissedTicks);
    }

    [Fact]
    public void Advance_ClockSteppedBack_AddsNoTime()
    {
        var schedule = new FixedTimestep(Period, maxCatchUpTicks: 3);
        schedule.Start(500);
        schedule.Advance(500);
        schedule.ConsumeTick();

        Assert.Equal(0, schedule.Advance(100));
        Assert.Equal(1, schedule.Advance(200));
    }

    [Fact]
    public void ConsumeTick_NoneDue_Throws()
    {
        var schedule = new FixedTimestep(Period, maxCatchUpTicks: 0);
        schedule.Start(0);
        schedule.Advance(0);
        schedule.ConsumeTick();

        Assert.Throws<InvalidOperationException>(schedule.ConsumeTick);
    }
}
