using EdgeIL.Host.Commands;
using EdgeIL.Host.Runs;
using EdgeIL.Learner;
using EdgeIL.Learner.Checkpoints;

namespace EdgeIL.Host.Tests;

public class ReplayTests
{
    [Fact]
    public void Run_ILProxOnSample_WritesLoadableModelReportAndCurve()
    {
        using var folder = new TemporaryFolder();
        var output = new StringWriter();
        var options = new RunOptions
        {
            Algorithm = LearningAlgorithm.ILProx,
            Layers = [784, 64, 10],
            Hyperparameters = Hyperparameters.For(LearningAlgorithm.ILProx),
            Samples = 1500,
            EvaluateEvery = 500,
            TestSamples = 300,
        };

        int exit = new ReplayRunner(output, TextWriter.Null).Run(SampleData.Sample, options, folder.Path, liveProgress: false);

        Assert.Equal(ExitCodes.Success, exit);
        var report = ReportJson.Read(folder.File("report.json"));
        ReportJson.AssertValidClassifierReport(report, 1500);

        // Far above chance (10 %) after 1,500 samples.
        Assert.True(report.GetProperty("final").GetProperty("test_accuracy").GetDouble() > 0.6);
        Assert.Equal([0L, 500L, 1000L, 1500L], report.GetProperty("checkpoints").EnumerateArray().Select(c => c.GetProperty("samples").GetInt64()));
        OnlineLearner saved = CheckpointFile.Load(folder.File("model.edgeil"));
        Assert.Equal(1500, saved.SamplesSeen);
        Assert.Equal(1f / 255f, saved.Model.Input.Scale[0]);
        Assert.True(new FileInfo(folder.File("curve.png")).Length > 10_000);
    }

    [Fact]
    public void Command_TwoThreads_RunsOnThemAndSaysSo()
    {
        // That the model is the same for any number of threads is WorkerPoolTests' to show; here, that
        // --threads reaches the run. 784-200-... splits its first matrix (at least 128K weights), so the
        // pool does real work, and the report records the setting its learn times were measured with.
        using var folder = new TemporaryFolder();
        (int exit, _, string error) = HostCli.Invoke(
            "replay", "--data", "sample", "--layers", "784,200,100,10", "--samples", "200", "--eval-every", "200", "--threads", "2", "--out", folder.Path);

        Assert.True(exit == ExitCodes.Success, error);
        Assert.Equal(2, ReportJson.Read(folder.File("report.json")).GetProperty("learner_threads").GetInt32());
    }

    [Fact]
    public void Command_ThreadsOutOfRange_ExitsWithOneLineError()
    {
        using var folder = new TemporaryFolder();

        (int exit, _, string error) = HostCli.Invoke("replay", "--data", "sample", "--threads", "0", "--out", folder.Path);

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("--threads 0: must be 1..64.", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void Run_WithTrace_WritesOneRowPerIntervalWithEveryLayersMeasurements()
    {
        using var folder = new TemporaryFolder();
        var options = new RunOptions
        {
            Algorithm = LearningAlgorithm.ILProx,
            Layers = [784, 32, 16, 784],
            Task = LearningTask.Autoencode,
            Hyperparameters = Hyperparameters.For(LearningAlgorithm.ILProx),
            Samples = 600,
            EvaluateEvery = 600,
            TestSamples = 100,
            TracePath = folder.File("trace.csv"),
            TraceEvery = 200,
        };

        int exit = new ReplayRunner(TextWriter.Null, TextWriter.Null).Run(SampleData.Sample, options, folder.Path, liveProgress: false);

        Assert.Equal(ExitCodes.Success, exit);
        string[] lines = File.ReadAllLines(folder.File("trace.csv"));
        string[] header = lines[0].Split(',');
        Assert.Contains("dead_2", header);
        Assert.Contains("s_2", header);
        Assert.Equal(["200", "400", "600"], lines.Skip(1).Select(line => line.Split(',')[0]));
        Assert.All(lines.Skip(1), line => Assert.Equal(header.Length, line.Split(',').Length));
        int s1 = Array.IndexOf(header, "s_1");
        Assert.All(lines.Skip(1), line => Assert.True(double.Parse(line.Split(',')[s1], System.Globalization.CultureInfo.InvariantCulture) >= 1.25));
    }

    [Fact]
    public void Execute_SameSeed_IsReproducible_DifferentSeed_IsNot()
    {
        RunOptions Options(int seed) => new()
        {
            Algorithm = LearningAlgorithm.BPSgd,
            Layers = [784, 32, 10],
            Hyperparameters = Hyperparameters.For(LearningAlgorithm.BPSgd),
            Samples = 400,
            EvaluateEvery = 200,
            TestSamples = 200,
            Seed = seed,
        };

        double[] Accuracies(int seed) => OnlineRun.Execute(SampleData.Sample, Options(seed)).Checkpoints.Select(c => c.TestAccuracy).ToArray();

        Assert.Equal(Accuracies(3), Accuracies(3));
        Assert.NotEqual(Accuracies(3), Accuracies(4));
    }

    [Fact]
    public void Execute_Cancelled_ReturnsPartialResultWithWhatWasMeasured()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        RunResult result = OnlineRun.Execute(
            SampleData.Sample,
            new RunOptions { Layers = [784, 16, 10], Hyperparameters = Hyperparameters.For(LearningAlgorithm.ILProx), Samples = 1000, TestSamples = 100 },
            cancellation: cancellation.Token);
        Assert.True(result.Partial);
        Assert.Equal(0, result.Learner.SamplesSeen);
        Assert.Single(result.Checkpoints);
    }

    [Fact]
    public void Execute_Autoencoder_ReportsBcePerPixelThatFalls()
    {
        RunResult result = OnlineRun.Execute(
            SampleData.Sample,
            new RunOptions
            {
                Algorithm = LearningAlgorithm.ILProx,
                Task = LearningTask.Autoencode,
                Layers = [784, 64, 784],
                Hyperparameters = PaperDefaults.For(LearningAlgorithm.ILProx, "sample", LearningTask.Autoencode),
                Samples = 600,
                EvaluateEvery = 300,
                TestSamples = 200,
            });
        double first = result.Checkpoints[0].TestBcePerPixel;
        double last = result.Final.TestBcePerPixel;
        Assert.True(last < first * 0.8, $"BCE per pixel {first} -> {last}");
        Assert.True(double.IsNaN(result.Final.TestAccuracy));
    }

    [Fact]
    public void Execute_LayersThatDoNotFitTheData_AreRefusedBeforeLearning()
    {
        var options = new RunOptions { Layers = [100, 10], Hyperparameters = Hyperparameters.For(LearningAlgorithm.ILProx) };
        Assert.Contains("784 input features", Assert.Throws<ArgumentException>(() => OnlineRun.Execute(SampleData.Sample, options)).Message);
    }
}
