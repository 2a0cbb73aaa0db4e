using EdgeIL.Device.Loop;
using EdgeIL.Device.Outputs;

namespace EdgeIL.Device.Tests.Loop;

public sealed class DeviceLoopTests
{
    [Fact]
    public void Run_TickLimit_RunsExactlyThatManyTicksAtTheTickRate()
    {
        using var harness = new LoopHarness();

        LoopExit exit = harness.Loop.Run(maxTicks: 50);

        Assert.Equal(LoopExit.TickLimit, exit);
        Assert.Equal(50, harness.Loop.Ticks);
        Assert.Equal(0, harness.Loop.Overruns);
        Assert.Equal(0, harness.Loop.MissedTicks);

        // 50 ticks at 100 Hz start at 0, 10, ..., 490 ms.
        Assert.Equal(TimeSpan.FromMilliseconds(490).Ticks, harness.Clock.Now);
    }

    [Fact]
    public void Run_SeparableStream_LearnsWellAboveChance()
    {
        using var harness = new LoopHarness();

        harness.Loop.Run(maxTicks: 400);

        Assert.Equal(400, harness.Loop.LearnSteps);
        Assert.True(harness.Mode.Accuracy.Accuracy > 0.9, $"prequential accuracy {harness.Mode.Accuracy.Accuracy}");
    }

    [Fact]
    public void Run_SensingOverrunsEveryTick_LowersBudgetStepByStepToFloor()
    {
        using var harness = new LoopHarness();
        harness.Source.ReadSeconds = _ => 1.5 * LoopHarness.Period;

        harness.Loop.Run(maxTicks: 5);
        Assert.Equal(20, harness.Budget.Current);

        harness.Loop.Run(maxTicks: 40);
        Assert.Equal(12, harness.Budget.Current);
        Assert.Equal(40, harness.Loop.Overruns);
    }

    [Fact]
    public void Run_NoTimeLeftAfterSensing_SkipsLearningButKeepsPredicting()
    {
        using var harness = new LoopHarness();
        harness.Source.ReadSeconds = _ => 1.5 * LoopHarness.Period;

        harness.Loop.Run(maxTicks: 30);

        Assert.Equal(30, harness.Loop.SkippedLearns);
        Assert.Equal(0, harness.Loop.LearnSteps);
        Assert.Equal(30, harness.Mode.Accuracy.Count);
    }

    [Fact]
    public void Run_LoadEases_RaisesBudgetBackOneStepPerHeadroomRun()
    {
        using var harness = new LoopHarness(raiseAfterTicks: 5);
        harness.Source.ReadSeconds = read => read < 6 ? 1.5 * LoopHarness.Period : 0;

        harness.Loop.Run(maxTicks: 6);
        Assert.Equal(19, harness.Budget.Current);

        harness.Loop.Run(maxTicks: 6 + 20);
        Assert.Equal(23, harness.Budget.Current);

        harness.Loop.Run(maxTicks: 6 + 200);
        Assert.Equal(25, harness.Budget.Current);
    }

    [Fact]
    public void Run_StallLongerThanClamp_DropsBacklogAsMissedTicksAndCatchesUpTheRest()
    {
        using var harness = new LoopHarness(maxCatchUpTicks: 3);
        harness.Source.ReadSeconds = read => read == 5 ? 10.5 * LoopHarness.Period : 0;

        harness.Loop.Run(maxTicks: 20);

        // 10.5 periods owed after the stall; 1 + 3 run back to back, 6 whole periods are dropped.
        Assert.Equal(6, harness.Loop.MissedTicks);
        Assert.Equal(1, harness.Loop.Overruns);
        Assert.Equal(20, harness.Loop.Ticks);
    }

    [Fact]
    public void Run_StopRequested_EndsStoppedSavesCheckpointAndReportsStopped()
    {
        using var harness = new LoopHarness();
        harness.Source.OnRead = read =>
        {
            if (read == 9)
            {
                harness.Requests.RequestStop("test");
            }
        };

        LoopExit exit = harness.Loop.Run();

        Assert.Equal(LoopExit.Stopped, exit);
        Assert.Equal(10, harness.Loop.Ticks);
        string checkpoint = Assert.Single(harness.Store.List());
        Assert.EndsWith("checkpoint-000000000010.eilc", checkpoint, StringComparison.Ordinal);
        DeviceStatus status = StatusFile.Read(harness.StatusPath);
        Assert.Equal("stopped", status.State);
        Assert.Equal(10, status.Ticks);
        Assert.Equal(10, status.SamplesSeen);
    }

    [Fact]
    public void Run_ExportRequested_WritesExportWithoutStopping()
    {
        using var harness = new LoopHarness();
        harness.Source.OnRead = read =>
        {
            if (read == 10)
            {
                harness.Requests.RequestExport();
            }
        };

        harness.Loop.Run(maxTicks: 40);

        Assert.Equal(40, harness.Loop.Ticks);
        Assert.True(harness.Persistence.WaitIdle(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, harness.Persistence.Exports);
        Assert.StartsWith("exported ", File.ReadAllText(harness.ExportPath), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_CheckpointEveryLearnSteps_SavesOnSchedule()
    {
        using var harness = new LoopHarness(checkpointEveryLearnSteps: 25);

        harness.Loop.Run(maxTicks: 60);

        Assert.True(harness.Persistence.CheckpointsSaved >= 2, $"{harness.Persistence.CheckpointsSaved} checkpoints");
        Assert.Equal(2, harness.Store.List().Count);
    }

    [Fact]
    public void Run_StatusFile_HoldsTheIssueFields()
    {
        using var harness = new LoopHarness();

        harness.Loop.Run(maxTicks: 30);

        string json = File.ReadAllText(harness.StatusPath);
        foreach (string field in new[] { "ticks", "overruns", "missed_ticks", "tick_ms_p50", "tick_ms_p99", "tick_ms_max", "learn_steps", "skipped_learns", "budget_iterations", "samples_seen", "prequential_accuracy", "faults" })
        {
            Assert.Contains($"\"{field}\":", json, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("anomaly_score", json, StringComparison.Ordinal);
    }
}
