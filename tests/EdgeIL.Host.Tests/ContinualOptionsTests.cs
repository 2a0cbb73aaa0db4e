using System.Globalization;
using System.Text;
using System.Text.Json;

namespace EdgeIL.Host.Tests;

/// <summary><c>replay --detect-drift</c> and <c>--replay</c> on a user's own sensor log, replayed in file order.</summary>
public class ContinualOptionsTests
{
    /// <summary>
    /// Two classes of readings; from row <paramref name="swapAt"/> on the labels mean the opposite (a
    /// relabelled machine, a swapped connector): a concept change at a known row.
    /// </summary>
    private static string WriteLog(string path, int rows, int swapAt, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder("vibration,current,label\n");
        for (int i = 0; i < rows; i++)
        {
            int state = random.Next(2);
            double vibration = (state * 2.0) + random.NextDouble();
            double current = 1.0 + (0.5 * random.NextDouble());
            int label = i < swapAt ? state : 1 - state;
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{vibration:F4},{current:F4},{label}"));
        }

        File.WriteAllText(path, text.ToString());
        return path;
    }

    [Theory]
    [InlineData("adwin")]
    [InlineData("page-hinkley")]
    public void Replay_LabelsSwapMidLog_PrintsTheChangeSoonAfterIt(string detector)
    {
        using var folder = new TemporaryFolder();
        string log = WriteLog(folder.File("machine.csv"), rows: 5_000, swapAt: 2_000, seed: 3);

        (int exit, string output, _) = HostCli.Invoke(
            "replay", "--data", log, "--layers", "2,8,2", "--eval-every", "1000", "--detect-drift", detector,
            "--drift-threshold", "20", "--out", folder.File("run"));

        Assert.Equal(0, exit);
        using JsonDocument report = JsonDocument.Parse(File.ReadAllBytes(folder.File("run/report.json")));
        JsonElement drift = report.RootElement.GetProperty("drift");
        Assert.Equal(detector, drift.GetProperty("detector").GetString());
        JsonElement[] changes = [.. drift.GetProperty("changes").EnumerateArray()];
        Assert.NotEmpty(changes);

        // Before the swap the model learns the task, a falling loss: ADWIN (two-sided) may report that
        // as a fall, Page-Hinkley (rises only) does not. The first rise is the swap, within a few hundred samples.
        Assert.All(changes.TakeWhile(change => change.GetProperty("sample").GetInt64() <= 2_000), change =>
            Assert.True(change.GetProperty("mean_loss_after").GetDouble() < change.GetProperty("mean_loss_before").GetDouble()));
        JsonElement first = changes.First(change => change.GetProperty("mean_loss_after").GetDouble() > change.GetProperty("mean_loss_before").GetDouble());
        long sample = first.GetProperty("sample").GetInt64();
        Assert.InRange(sample, 2_001, 2_400);
        Assert.InRange(first.GetProperty("change_sample").GetInt64(), 1_800, sample);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"sample {sample,10}: began about sample"), output);
    }

    [Fact]
    public void Replay_DetectDriftUnknown_IsAOneLineUsageError()
    {
        using var folder = new TemporaryFolder();
        string log = WriteLog(folder.File("machine.csv"), rows: 100, swapAt: 100, seed: 3);

        (int exit, _, string error) = HostCli.Invoke("replay", "--data", log, "--layers", "2,8,2", "--detect-drift", "cusum", "--out", folder.File("run"));

        Assert.Equal(2, exit);
        Assert.Contains("cusum", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void Replay_DriftConfidenceOutOfRange_NamesTheOption()
    {
        using var folder = new TemporaryFolder();
        string log = WriteLog(folder.File("machine.csv"), rows: 100, swapAt: 100, seed: 3);

        (int exit, _, string error) = HostCli.Invoke("replay", "--data", log, "--layers", "2,8,2", "--detect-drift", "adwin", "--drift-confidence", "2", "--out", folder.File("run"));

        Assert.Equal(2, exit);
        Assert.Contains("--drift-confidence", error);
    }

    [Fact]
    public void Replay_WithReplayMemory_ReportsItsSizeAndKeepsItInTheModel()
    {
        using var folder = new TemporaryFolder();
        string log = WriteLog(folder.File("machine.csv"), rows: 1_000, swapAt: 1_000, seed: 3);

        (int exit, _, _) = HostCli.Invoke("replay", "--data", log, "--layers", "2,8,2", "--replay", "100", "--replay-per-step", "2", "--out", folder.File("run"));

        Assert.Equal(0, exit);
        using JsonDocument report = JsonDocument.Parse(File.ReadAllBytes(folder.File("run/report.json")));
        JsonElement replay = report.RootElement.GetProperty("replay");
        Assert.Equal(100, replay.GetProperty("capacity").GetInt32());
        Assert.Equal(2, replay.GetProperty("per_step").GetInt32());
        Assert.Equal(100, replay.GetProperty("held").GetInt32());
        Assert.Equal(100 * (2 + 2) * sizeof(float), replay.GetProperty("memory_bytes").GetInt64());
        Learner.OnlineLearner model = Learner.Checkpoints.CheckpointFile.Load(folder.File("run/model.edgeil"));
        Assert.Equal(800, model.Replay!.Offered);
    }

    [Fact]
    public void Replay_ReplayTooLarge_NamesTheOptions()
    {
        using var folder = new TemporaryFolder();
        string log = WriteLog(folder.File("machine.csv"), rows: 100, swapAt: 100, seed: 3);

        (int exit, _, string error) = HostCli.Invoke("replay", "--data", log, "--layers", "2,8,2", "--replay", "100", "--replay-per-step", "100", "--out", folder.File("run"));

        Assert.Equal(2, exit);
        Assert.Contains("--replay-per-step 100", error);
    }
}
