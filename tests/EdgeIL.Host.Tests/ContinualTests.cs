using System.Text.Json;
using EdgeIL.Host.Data;
using EdgeIL.Host.Experiments.Continual;

namespace EdgeIL.Host.Tests;

/// <summary><c>edgeil experiment continual</c>: its metrics, its streams, and a short run of the command.</summary>
public class ContinualTests
{
    /// <summary>Three tasks: the first is learned to 0.9, falls to 0.6 then 0.5; the second 0.8 then 0.7; the third 0.95.</summary>
    private static double[,] Matrix() => new[,]
    {
        { 0.9, 0.1, 0.1 },
        { 0.6, 0.8, 0.1 },
        { 0.5, 0.7, 0.95 },
    };

    [Fact]
    public void Metrics_KnownMatrix_MatchTheirDefinitions()
    {
        double[,] r = Matrix();

        Assert.Equal((0.5 + 0.7 + 0.95) / 3, ContinualMetrics.AverageAccuracy(r), 12);

        // Forgetting: task 1's best before the end is 0.9, task 2's 0.8.
        Assert.Equal(((0.9 - 0.5) + (0.8 - 0.7)) / 2, ContinualMetrics.AverageForgetting(r), 12);
        Assert.Equal(((0.5 - 0.9) + (0.7 - 0.8)) / 2, ContinualMetrics.BackwardTransfer(r), 12);
    }

    [Fact]
    public void Metrics_StoppedAfterTheSecondTask_UseTheRowsReached()
    {
        double[,] r = Matrix();
        for (int j = 0; j < 3; j++)
        {
            r[2, j] = double.NaN;
        }

        Assert.Equal(2, ContinualMetrics.Completed(r));
        Assert.Equal((0.6 + 0.8) / 2, ContinualMetrics.AverageAccuracy(r), 12);
        Assert.Equal(0.9 - 0.6, ContinualMetrics.AverageForgetting(r), 12);
        Assert.Equal(0.6 - 0.9, ContinualMetrics.BackwardTransfer(r), 12);
    }

    [Fact]
    public void Metrics_TaskThatImprovesLater_HasNegativeForgettingAndPositiveTransfer()
    {
        // As the definitions are written (no clamping at 0): a task that gets better is reported so.
        double[,] r = { { 0.5, 0.0 }, { 0.7, 0.9 } };

        Assert.Equal(-0.2, ContinualMetrics.AverageForgetting(r), 12);
        Assert.Equal(0.2, ContinualMetrics.BackwardTransfer(r), 12);
    }

    [Fact]
    public void Rotate_QuarterTurn_PutsThePixelWhereTheTurnTakesIt()
    {
        // A 28 x 28 image with one lit pixel at (x 20, y 5): a quarter turn counter-clockwise about the
        // centre (13.5, 13.5) puts it at (x 5, y 7) in image coordinates (y down).
        float[] image = new float[28 * 28];
        image[(5 * 28) + 20] = 1f;
        float[] turned = new float[28 * 28];

        RotatedStream.Rotate(image, 28, 90, turned);

        Assert.Equal(1f, turned.Sum(), 4);
        Assert.Equal(1f, turned[(7 * 28) + 5], 4);
        float[] back = new float[28 * 28];
        RotatedStream.Rotate(turned, 28, -90, back);
        Assert.Equal(1f, back[(5 * 28) + 20], 4);
    }

    [Fact]
    public void Rotate_ZeroDegrees_IsTheIdentity()
    {
        float[] image = [.. Enumerable.Range(0, 28 * 28).Select(i => (float)(i % 255))];
        float[] same = new float[image.Length];

        RotatedStream.Rotate(image, 28, 0, same);

        Assert.Equal(image, same);
    }

    [Fact]
    public void SplitStream_EachTaskHoldsItsTwoClassesOnly()
    {
        TrainTestData sample = SampleData.Sample;
        var stream = new SplitStream("split-mnist", sample.Name, sample.Train, sample.Test, samplesPerTask: 300, seed: 1);
        float[] features = new float[stream.FeatureCount];

        Assert.Equal(5, stream.TaskCount);
        for (int task = 0; task < stream.TaskCount; task++)
        {
            int[] labels = [.. Enumerable.Range(0, 300).Select(i => stream.TrainSample(task, i, features))];
            Assert.Equal([2 * task, (2 * task) + 1], labels.Distinct().Order());
            Assert.All(stream.TestSet(task).Labels, label => Assert.Equal(task, label / 2));
        }
    }

    [Fact]
    public void PermutedStream_FirstTaskIsTheImagesAsTheyAreAndLaterTasksReorderThem()
    {
        TrainTestData sample = SampleData.Sample;
        var stream = new PermutedStream(sample.Name, sample.Train, sample.Test, tasks: 3, samplesPerTask: 100, testPerTask: 50, seed: 2);

        (float[] first, int[] labels) = stream.TestSet(0);
        (float[] second, int[] sameLabels) = stream.TestSet(1);

        Assert.Equal(sample.Test.CopyFeatures(0), first[..784]);
        Assert.Equal(labels, sameLabels);
        Assert.NotEqual(first[..784], second[..784]);
        Assert.Equal(first[..784].Order(), second[..784].Order());
    }

    [Fact]
    public void Experiment_ShortSplitRun_WritesMatricesAndReplayForgetsLess()
    {
        using var folder = new TemporaryFolder();

        (int exit, string output, _) = HostCli.Invoke(
            "experiment", "continual", "--data", "sample", "--tasks", "split-mnist", "--seeds", "1", "--samples", "300",
            "--algorithms", "bp-sgd", "--replay", "200", "--replay-per-step", "2", "--out", folder.Path);

        Assert.Equal(0, exit);
        Assert.Contains("split sample, 5 tasks x 300 samples", output);
        Assert.True(File.Exists(folder.File("continual-split-mnist.png")));
        using JsonDocument runs = JsonDocument.Parse(File.ReadAllBytes(folder.File("runs.json")));
        JsonElement[] all = [.. runs.RootElement.EnumerateArray()];
        Assert.Equal(["bp-sgd", "bp-sgd + replay"], all.Select(r => r.GetProperty("rule").GetString()));
        double[] forgetting = [.. all.Select(Forgetting)];

        // Class-incremental without replay forgets nearly everything (each task's two classes take over
        // the output layer); 200 replayed samples keep a good part of it.
        Assert.True(forgetting[0] > 0.5, $"forgetting without replay {forgetting[0]:F2}");
        Assert.True(forgetting[1] < forgetting[0] - 0.2, $"forgetting with replay {forgetting[1]:F2}, without {forgetting[0]:F2}");
    }

    [Fact]
    public void Experiment_CsvLogWithATaskColumn_RunsItsOwnTasksInFileOrder()
    {
        // Three tasks of a machine's log: the second swaps what the readings mean, the third returns
        // to the first. Each task is tested on its last fifth.
        using var folder = new TemporaryFolder();
        var random = new Random(4);
        var text = new System.Text.StringBuilder("vibration,current,phase,label\n");
        int[] rows = [600, 400, 500];
        for (int task = 0; task < rows.Length; task++)
        {
            for (int i = 0; i < rows[task]; i++)
            {
                int state = random.Next(2);
                int label = task == 1 ? 1 - state : state;
                text.AppendLine(FormattableString.Invariant($"{(state * 2.0) + random.NextDouble():F4},{1 + (0.5 * random.NextDouble()):F4},{task},{label}"));
            }
        }

        string log = folder.File("machine.csv");
        File.WriteAllText(log, text.ToString());

        (int exit, string output, string error) = HostCli.Invoke(
            "experiment", "continual", "--data", log, "--task-column", "phase", "--seeds", "1", "--algorithms", "bp-sgd", "--out", folder.File("out"));

        Assert.True(exit == 0, error);
        Assert.Contains("machine, tasks in file order, 3 tasks of 480, 320, 400 samples", output);
        using JsonDocument runs = JsonDocument.Parse(File.ReadAllBytes(folder.File("out/runs.json")));
        JsonElement plain = runs.RootElement.EnumerateArray().First(r => r.GetProperty("rule").GetString() == "bp-sgd");
        double[][] r = [.. plain.GetProperty("accuracy").EnumerateArray().Select(row => row.EnumerateArray().Select(c => c.GetDouble()).ToArray())];

        // Learning the swapped task costs the first one; the third (the first again) brings it back.
        Assert.True(r[0][0] > 0.9, $"task 1 after task 1: {r[0][0]:P0}");
        Assert.True(r[1][0] < 0.5, $"task 1 after task 2: {r[1][0]:P0}");
        Assert.True(r[2][0] > 0.9, $"task 1 after task 3: {r[2][0]:P0}");
    }

    [Fact]
    public void Experiment_CsvLogWithoutTheTaskColumn_NamesFileAndColumn()
    {
        using var folder = new TemporaryFolder();
        string log = folder.File("machine.csv");
        File.WriteAllText(log, "a,b,label\n" + string.Concat(Enumerable.Range(0, 50).Select(i => $"{i},{i + 1},{i % 2}\n")));

        (int exit, _, string error) = HostCli.Invoke("experiment", "continual", "--data", log, "--out", folder.File("out"));

        Assert.Equal(2, exit);
        Assert.Contains("machine.csv", error);
        Assert.Contains("task", error);
    }

    [Fact]
    public void Experiment_UnknownStream_IsAOneLineError()
    {
        using var folder = new TemporaryFolder();

        (int exit, _, string error) = HostCli.Invoke("experiment", "continual", "--data", "sample", "--tasks", "split-cifar", "--out", folder.Path);

        Assert.Equal(2, exit);
        Assert.Contains("split-cifar", error);
    }

    [Fact]
    public void Experiment_ReplayOnAnotherExperiment_IsRefused()
    {
        using var folder = new TemporaryFolder();

        (int exit, _, string error) = HostCli.Invoke("experiment", "online", "--data", "sample", "--replay", "100", "--out", folder.Path);

        Assert.Equal(2, exit);
        Assert.Contains("--replay", error);
    }

    private static double Forgetting(JsonElement run)
    {
        JsonElement[] rows = [.. run.GetProperty("accuracy").EnumerateArray()];
        int t = rows.Length;
        double[,] r = new double[t, t];
        for (int i = 0; i < t; i++)
        {
            JsonElement[] row = [.. rows[i].EnumerateArray()];
            for (int j = 0; j < t; j++)
            {
                r[i, j] = row[j].GetDouble();
            }
        }

        return ContinualMetrics.AverageForgetting(r);
    }
}
