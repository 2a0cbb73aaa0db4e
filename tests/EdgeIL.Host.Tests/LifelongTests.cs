using System.Text.Json;
using EdgeIL.Device.Streams;
using EdgeIL.Host.Commands;
using EdgeIL.Host.Data;
using EdgeIL.Host.Experiments;
using EdgeIL.Host.Runs;
using EdgeIL.Learner;

namespace EdgeIL.Host.Tests;

/// <summary><c>edgeil experiment lifelong</c>: its schedule, its synthetic IMU stream, and short runs of the command.</summary>
public class LifelongTests
{
    private const int FrameValues = SyntheticImuStream.WindowSamples * SyntheticImuStream.Channels;

    [Fact]
    public void Schedule_MillionSamples_IsLogarithmicTo50kThenEvery50k()
    {
        long[] expected =
        [
            100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000,
            .. Enumerable.Range(2, 19).Select(i => i * 50_000L),
        ];

        Assert.Equal(expected, LifelongExperiment.Schedule(1_000_000));
    }

    [Theory]
    [InlineData(3_000, new long[] { 100, 200, 500, 1_000, 2_000, 3_000 })]
    [InlineData(120_000, new long[] { 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 120_000 })]
    [InlineData(150, new long[] { 100, 150 })]
    [InlineData(50, new long[] { 50 })]
    public void Schedule_ShortRuns_StopAtTheEndAndIncludeIt(long samples, long[] expected)
    {
        Assert.Equal(expected, LifelongExperiment.Schedule(samples));
    }

    [Fact]
    public void CurveSummary_AccuracyThatPeaksThenFalls_ReportsBestDropAndSetback()
    {
        Evaluation[] curve =
        [
            new(0, TestAccuracy: 0.99), // the untrained model is left out, whatever it scores
            new(1_000, TestAccuracy: 0.80),
            new(2_000, TestAccuracy: 0.90),
            new(5_000, TestAccuracy: 0.85),
            new(10_000, TestAccuracy: 0.70),
            new(20_000, TestAccuracy: 0.88),
        ];

        CurveSummary summary = CurveSummary.Of(curve, e => e.TestAccuracy * 100, lowerIsBetter: false);
        CurveSummary settled = CurveSummary.Of(curve, e => e.TestAccuracy * 100, lowerIsBetter: false, settledAfter: 20_000);
        CurveSummary notReached = CurveSummary.Of(curve, e => e.TestAccuracy * 100, lowerIsBetter: false, settledAfter: 50_000);

        Assert.Equal(90, summary.Best, 9);
        Assert.Equal(2_000, summary.SamplesToBest);
        Assert.Equal(88, summary.Final, 9);
        Assert.Equal(70, summary.WorstAfterBest, 9);
        Assert.Equal(20, summary.LargestSetback, 9);
        Assert.Equal(2, settled.LargestSetback, 9);
        Assert.True(double.IsNaN(notReached.LargestSetback));
    }

    [Fact]
    public void CurveSummary_LossThatOnlyFalls_HasNoWorstAfterBestAndNoSetback()
    {
        Evaluation[] curve = [new(0, TestMse: 9), new(100, TestMse: 3), new(200, TestMse: 2), new(300, TestMse: 1)];

        CurveSummary summary = CurveSummary.Of(curve, e => e.TestMse, lowerIsBetter: true);

        Assert.Equal(1, summary.Best);
        Assert.Equal(300, summary.SamplesToBest);
        Assert.True(double.IsNaN(summary.WorstAfterBest));
        Assert.Equal(0, summary.LargestSetback);
    }

    [Fact]
    public void SyntheticImuStream_SameSeed_GivesTheSameFramesAndAnotherSeedDoesNot()
    {
        float[][] first = Frames(seed: 7, count: 3_000, out _);
        float[][] again = Frames(seed: 7, count: 3_000, out _);
        float[][] other = Frames(seed: 8, count: 3_000, out _);

        Assert.All(Enumerable.Range(0, first.Length), i => Assert.Equal(first[i], again[i]));
        Assert.NotEqual(first[^1], other[^1]);
    }

    [Fact]
    public void SyntheticImuStream_ConsecutiveFrames_ShareAllButOneTicksSamples()
    {
        float[][] frames = Frames(seed: 3, count: 50, out _);
        int hop = SyntheticImuStream.HopSamples * SyntheticImuStream.Channels;

        for (int i = 1; i < frames.Length; i++)
        {
            Assert.Equal(frames[i - 1][hop..], frames[i][..^hop]);
        }
    }

    [Fact]
    public void SyntheticImuStream_LongRun_SwitchesBetweenEveryRegimeAndStaysInRange()
    {
        // 10,000 frames are 500 seconds: about fourteen segments of 10 to 60 seconds.
        float[][] frames = Frames(seed: 1, count: 10_000, out int[] labels);

        int switches = Enumerable.Range(1, labels.Length - 1).Count(i => labels[i] != labels[i - 1]);
        Assert.InRange(switches, 8, 50);
        Assert.Equal(Enum.GetValues<MotionRegime>().Select(r => (int)r).Order(), labels.Distinct().Order());
        Assert.All(frames, frame => Assert.All(frame, v => Assert.InRange(v, -250f, 250f)));
    }

    [Fact]
    public void HeldOut_EveryRegime_InEqualPartsAndOrderedByHowMuchItMoves()
    {
        LabeledDataset heldOut = SyntheticImu.HeldOut(framesPerRegime: 50);

        Assert.Equal(200, heldOut.Count);
        Assert.Equal(FrameValues, heldOut.FeatureCount);
        double[] rotationSpread = new double[SyntheticImuStream.RegimeCount];
        for (int i = 0; i < heldOut.Count; i++)
        {
            Assert.Equal(i / 50, heldOut.GetLabel(i));
            rotationSpread[i / 50] += RotationSpread(heldOut.CopyFeatures(i)) / 50;
        }

        // Still < walking < running < shaking: the regimes are told apart by how much the gyroscope moves.
        Assert.Equal(rotationSpread.Order(), rotationSpread);
        Assert.True(rotationSpread[0] < 1, $"still: {rotationSpread[0]} °/s");
        Assert.True(rotationSpread[3] > 50, $"shaking: {rotationSpread[3]} °/s");
    }

    [Fact]
    public void Command_TinyRunOnSampleAndImu_WritesResultsChartsAndReportsWithSaneNumbers()
    {
        using var folder = new TemporaryFolder();

        (int exit, string output, string error) = HostCli.Invoke(
            "experiment", "lifelong", "--tasks", "mnist,imu", "--data", "sample", "--samples", "3000", "--algorithms", "il-prox,bp-adam", "--out", folder.Path);

        Assert.True(exit == ExitCodes.Success, error);
        Assert.Contains("1 seed,", output);
        string markdown = File.ReadAllText(folder.File("results.md"));
        Assert.Contains("Measured by `edgeil experiment lifelong --data sample --seeds 1 --samples 3000 --algorithms il-prox,bp-adam --tasks mnist,imu`", markdown);
        Assert.Contains("outputting the running mean, i.e. 0, would score", markdown);
        Assert.Contains("| final, on the stream |", markdown);
        Assert.All(new[] { "lifelong-mnist.png", "lifelong-imu.png" }, png => Assert.True(new FileInfo(folder.File(png)).Length > 10_000, png));

        using JsonDocument results = JsonDocument.Parse(File.ReadAllBytes(folder.File("results.json")));
        JsonElement root = results.RootElement;
        Assert.Equal("lifelong", root.GetProperty("experiment").GetString());
        Assert.Equal("sample, imu-synthetic", root.GetProperty("dataset").GetString());
        Assert.False(root.GetProperty("partial").GetBoolean());
        Assert.Equal(4, root.GetProperty("runs").GetArrayLength());

        // MNIST after 3,000 samples: well above chance, below perfect.
        double accuracy = Report(folder, "mnist", "il-prox").GetProperty("final").GetProperty("test_accuracy").GetDouble();
        Assert.InRange(accuracy, 0.7, 0.99);

        // The IMU's reconstruction error is finite, positive, and measured at every point of the schedule.
        JsonElement imu = Report(folder, "imu", "il-prox");
        long[] samples = [.. imu.GetProperty("checkpoints").EnumerateArray().Select(c => c.GetProperty("samples").GetInt64())];
        Assert.Equal([0, .. LifelongExperiment.Schedule(3_000)], samples);
        Assert.InRange(imu.GetProperty("final").GetProperty("test_mse").GetDouble(), 1e-6, 1e6);
        Assert.Equal(3_000, imu.GetProperty("samples_seen").GetInt64());
    }

    [Fact]
    public void Run_StoppedPartWay_WritesWhatWasMeasuredMarkedPartial()
    {
        using var folder = new TemporaryFolder();
        using var stop = new CancellationTokenSource();
        var settings = new ExperimentSettings(1, 20_000, [LearningAlgorithm.ILProx, LearningAlgorithm.BPAdam], Tasks: ["imu"]);

        // Progress lines arrive at each tenth of the total: stop the runs at the second one.
        var progress = new CallbackWriter(() => stop.Cancel(), afterLines: 2);
        int exit = new ExperimentRunnerCommand(TextWriter.Null, progress)
            .Run(new LifelongExperiment(), SyntheticImu.Create(), settings, folder.Path, liveProgress: false, stop: stop.Token);

        Assert.Equal(ExitCodes.Interrupted, exit);
        Assert.Contains("(partial", File.ReadAllText(folder.File("results.md")));
        using JsonDocument results = JsonDocument.Parse(File.ReadAllBytes(folder.File("results.json")));
        Assert.True(results.RootElement.GetProperty("partial").GetBoolean());
        JsonElement report = Report(folder, "imu", "il-prox");
        Assert.True(report.GetProperty("partial").GetBoolean());
        long seen = report.GetProperty("samples_seen").GetInt64();
        Assert.InRange(seen, 1, 19_999);
        Assert.Equal(seen, report.GetProperty("final").GetProperty("samples").GetInt64());
    }

    [Theory]
    [InlineData("lifelong", "--tasks", "mnist,speech", "unknown task 'speech'")]
    [InlineData("online", "--tasks", "mnist", "--tasks applies to the lifelong and continual experiments")]
    [InlineData("lifelong", "--samples", "0", "--samples 0: must be at least 1.")]
    public void Command_BadTasks_ExitsWithOneLineError(string experiment, string option, string value, string message)
    {
        using var folder = new TemporaryFolder();

        (int exit, _, string error) = HostCli.Invoke("experiment", experiment, option, value, "--data", "sample", "--out", folder.Path);

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains(message, error);
        Assert.Empty(Directory.GetFiles(folder.Path));
    }

    private static JsonElement Report(TemporaryFolder folder, string task, string algorithm)
    {
        string path = Path.Combine(folder.Path, "runs", $"{task}-{algorithm}-seed1", "report.json");
        return JsonDocument.Parse(File.ReadAllBytes(path)).RootElement.Clone();
    }

    private static float[][] Frames(ulong seed, int count, out int[] labels)
    {
        using var stream = new SyntheticImuStream(seed, maxFrames: count);
        var frames = new List<float[]>();
        var regimes = new List<int>();
        float[] frame = new float[FrameValues];
        while (stream.TryRead(frame, out int label))
        {
            frames.Add((float[])frame.Clone());
            regimes.Add(label);
        }

        Assert.Equal(count, frames.Count);
        labels = [.. regimes];
        return [.. frames];
    }

    /// <summary>The mean over the three gyroscope channels of each channel's standard deviation within the frame, in °/s.</summary>
    private static double RotationSpread(ReadOnlySpan<float> frame)
    {
        double total = 0;
        for (int c = 3; c < SyntheticImuStream.Channels; c++)
        {
            double sum = 0, squares = 0;
            for (int s = 0; s < SyntheticImuStream.WindowSamples; s++)
            {
                double v = frame[(s * SyntheticImuStream.Channels) + c];
                sum += v;
                squares += v * v;
            }

            double mean = sum / SyntheticImuStream.WindowSamples;
            total += Math.Sqrt(Math.Max(0, (squares / SyntheticImuStream.WindowSamples) - (mean * mean)));
        }

        return total / 3;
    }

    /// <summary>A writer that calls back once, after a number of lines: a stand-in for Ctrl-C at a known point.</summary>
    private sealed class CallbackWriter(Action callback, int afterLines) : StringWriter
    {
        private int _lines;

        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (Interlocked.Increment(ref _lines) == afterLines)
            {
                callback();
            }
        }
    }
}
