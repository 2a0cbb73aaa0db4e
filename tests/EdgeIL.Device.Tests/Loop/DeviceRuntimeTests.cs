using System.Text;
using EdgeIL.Device.Configuration;
using EdgeIL.Device.Loop;
using EdgeIL.Device.Outputs;
using EdgeIL.Device.Tests.Persistence;
using EdgeIL.Device.Streams;
using EdgeIL.Device.Tests.Simulation;

namespace EdgeIL.Device.Tests.Loop;

/// <summary>The runtime composed from a configuration, on a manual clock: fresh start, resume and a changed model.</summary>
public sealed class DeviceRuntimeTests
{
    [Fact]
    public void Create_ThenAgain_SecondResumesFromFirstsCheckpoint()
    {
        using var directory = new TemporaryDirectory();
        LoadedConfiguration loaded = WriteConfiguration(directory, hidden: 16);
        string state = Path.Combine(directory.Path, "state");

        using (DeviceRuntime first = DeviceRuntime.Create(loaded, Environment(state)))
        {
            Assert.Null(first.ResumedFrom);
            Assert.Equal(LoopExit.TickLimit, first.Run(maxTicks: 40));
        }

        string? resumedFrom;
        using (DeviceRuntime second = DeviceRuntime.Create(loaded, Environment(state)))
        {
            resumedFrom = second.ResumedFrom;
            Assert.EndsWith("checkpoint-000000000040.eilc", resumedFrom, StringComparison.Ordinal);
            Assert.Equal(40, second.Learner.SamplesSeen);
            second.Run(maxTicks: 10);
        }

        DeviceStatus status = StatusFile.Read(Path.Combine(state, "status.json"));
        Assert.Equal(50, status.SamplesSeen);
        Assert.Equal(resumedFrom, status.ResumedFrom);
        using RecordingReader recording = RecordingReader.Open(Path.Combine(state, "rec.eilrec"));
        Assert.Equal(10, recording.RecordCount);
    }

    [Fact]
    public void Create_ResumedWithChangedLearningSettings_AppliesThemAndKeepsTheModel()
    {
        using var directory = new TemporaryDirectory();
        string state = Path.Combine(directory.Path, "state");
        using (DeviceRuntime first = DeviceRuntime.Create(WriteConfiguration(directory, hidden: 16), Environment(state)))
        {
            first.Run(maxTicks: 20);
        }

        using DeviceRuntime second = DeviceRuntime.Create(WriteConfiguration(directory, hidden: 16, modelExtras: ", \"epsilon\": 10, \"alpha\": 0.5"), Environment(state));

        Assert.NotNull(second.ResumedFrom);
        Assert.Equal(20, second.Learner.SamplesSeen);
        Assert.Equal(10f, second.Learner.Hyperparameters.Epsilon);
        Assert.Equal(0.5f, second.Learner.Hyperparameters.Alpha);
    }

    [Theory]
    [InlineData("", 5f, 0)]
    [InlineData(", \"targets\": { \"kind\": \"none\" }", 0.01f, 10)]
    public void Create_FreshModel_TakesTheDefaultsForItsKind(string targets, float alpha, int balanceInterval)
    {
        // A classifier keeps the paper's rule; an autoencoder takes the reconstruction defaults,
        // without which it collapses on a long stream (docs/algorithms.md).
        using var directory = new TemporaryDirectory();
        using DeviceRuntime runtime = DeviceRuntime.Create(WriteConfiguration(directory, hidden: 16, targets: targets), Environment(Path.Combine(directory.Path, "state")));

        Assert.Equal(alpha, runtime.Learner.Hyperparameters.Alpha);
        Assert.Equal(balanceInterval, runtime.Learner.Hyperparameters.BalanceInterval);
    }

    [Theory]
    [InlineData(1, 4, null)]
    [InlineData(2, 4, 2)]
    [InlineData(4, 2, 2)]
    public void Create_LearnerThreads_SplitsTheLearnerAcrossNoMoreThanTheCores(int configured, int cores, int? expected)
    {
        using var directory = new TemporaryDirectory();
        var errors = new StringWriter();
        LoadedConfiguration loaded = WriteConfiguration(directory, hidden: 16, modelExtras: $", \"learnerThreads\": {configured}");
        using DeviceRuntime runtime = DeviceRuntime.Create(loaded, Environment(Path.Combine(directory.Path, "state")) with { Error = errors, ProcessorCount = cores });

        Assert.Equal(expected, runtime.Learner.Workers?.Threads);
        Assert.Equal(configured > cores, errors.ToString().Contains($"model.learnerThreads is {configured}, but this board has {cores} cores", StringComparison.Ordinal));
        Assert.Equal(LoopExit.TickLimit, runtime.Run(maxTicks: 20));
    }

    [Fact]
    public void Create_ConfigurationChangedTheModel_RefusesNamingBothShapes()
    {
        using var directory = new TemporaryDirectory();
        string state = Path.Combine(directory.Path, "state");
        using (DeviceRuntime first = DeviceRuntime.Create(WriteConfiguration(directory, hidden: 16), Environment(state)))
        {
            first.Run(maxTicks: 5);
        }

        var exception = Assert.Throws<ConfigurationException>(() => DeviceRuntime.Create(WriteConfiguration(directory, hidden: 8), Environment(state)));

        Assert.Contains("describes a 4-8-3 softmax il-prox model", exception.Message, StringComparison.Ordinal);
        Assert.Contains("a 4-16-3 softmax il-prox model", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_RecordingPathIsAFolder_IsAConfigurationErrorNamingTheField()
    {
        using var directory = new TemporaryDirectory();
        string state = Path.Combine(directory.Path, "state");
        Directory.CreateDirectory(Path.Combine(state, "rec.eilrec"));

        var exception = Assert.Throws<ConfigurationException>(() => DeviceRuntime.Create(WriteConfiguration(directory, hidden: 8), Environment(state)));

        Assert.StartsWith("device.json: outputs.recording.path: cannot write ", exception.Message, StringComparison.Ordinal);
        Assert.Contains("rec.eilrec", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_RecordingInAMissingFolder_IsAConfigurationError()
    {
        using var directory = new TemporaryDirectory();
        string state = Path.Combine(directory.Path, "state");

        var exception = Assert.Throws<ConfigurationException>(() => DeviceRuntime.Create(WriteConfiguration(directory, hidden: 8, recordingPath: "no/such/folder/rec.eilrec"), Environment(state)));

        Assert.StartsWith("device.json: outputs.recording.path: cannot write ", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_ReplayPathIsAFolder_IsAConfigurationErrorNamingTheField()
    {
        using var directory = new TemporaryDirectory();
        Directory.CreateDirectory(directory.File("folder.csv"));

        var exception = Assert.Throws<ConfigurationException>(() => DeviceRuntime.Create(WriteConfiguration(directory, hidden: 8, dataPath: "folder.csv"), Environment(Path.Combine(directory.Path, "state"))));

        Assert.StartsWith("device.json: source.replay", exception.Message, StringComparison.Ordinal);
        Assert.Contains("folder.csv", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_StateDirectoryUnderAFile_IsAConfigurationErrorNamingIt()
    {
        using var directory = new TemporaryDirectory();
        LoadedConfiguration loaded = WriteConfiguration(directory, hidden: 8);
        string state = Path.Combine(directory.File("data.csv"), "state");

        var exception = Assert.Throws<ConfigurationException>(() => DeviceRuntime.Create(loaded, Environment(state)));

        Assert.StartsWith($"--state-dir {state}: cannot be created", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_StateHoldsACheckpointWithIterationsIntMax_RefusesItAndStopsPromptly()
    {
        // Before: the checkpoint loaded (its CRC is valid), its first learn step ran 2^31 inference
        // iterations, and a stop request waited for it: more than ten minutes.
        using var directory = new TemporaryDirectory();
        string state = Path.Combine(directory.Path, "state");
        LoadedConfiguration loaded = WriteConfiguration(directory, hidden: 16);
        using (DeviceRuntime first = DeviceRuntime.Create(loaded, Environment(state)))
        {
            first.Run(maxTicks: 5);
        }

        string good = Path.Combine(state, "checkpoint-000000000005.eilc");
        string poisoned = Path.Combine(state, "checkpoint-000000000900.eilc");
        File.WriteAllBytes(poisoned, CheckpointBytes.WithIterations(File.ReadAllBytes(good), int.MaxValue));
        var error = new StringWriter();

        using DeviceRuntime runtime = DeviceRuntime.Create(loaded, new DeviceEnvironment(state, new UnusedHardware(), new ManualClock(), TextWriter.Null, error, TextReader.Null));
        Assert.Equal(good, runtime.ResumedFrom);
        Assert.Contains($"moved damaged checkpoint aside to {poisoned}.bad", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Iterations = 2147483647", error.ToString(), StringComparison.Ordinal);

        LoopExit exit = LoopExit.TickLimit;
        var thread = new Thread(() => exit = runtime.Run());
        thread.Start();
        SpinWait.SpinUntil(() => runtime.Learner.SamplesSeen > 50, TimeSpan.FromSeconds(30));
        runtime.Requests.RequestStop("SIGTERM");

        // A tick of this 4-16-3 model takes microseconds; the bound is for a loaded CI machine, not a speed claim.
        Assert.True(thread.Join(TimeSpan.FromSeconds(30)), "the loop did not stop");
        Assert.Equal(LoopExit.Stopped, exit);
        Assert.True(runtime.Learner.SamplesSeen > 50);
    }

    [Fact]
    public void Create_EveryKeptCheckpointDamaged_LearningPersistsAgain()
    {
        using var directory = new TemporaryDirectory();
        string state = Path.Combine(directory.Path, "state");
        LoadedConfiguration loaded = WriteConfiguration(directory, hidden: 16, persistence: "\"keepCheckpoints\": 1");
        Directory.CreateDirectory(state);
        File.WriteAllBytes(Path.Combine(state, "checkpoint-000009999999.eilc"), new byte[64]);

        using (DeviceRuntime first = DeviceRuntime.Create(loaded, Environment(state)))
        {
            Assert.Null(first.ResumedFrom);
            first.Run(maxTicks: 30);
        }

        using DeviceRuntime second = DeviceRuntime.Create(loaded, Environment(state));

        Assert.EndsWith("checkpoint-000000000030.eilc", second.ResumedFrom, StringComparison.Ordinal);
        Assert.Equal(30, second.Learner.SamplesSeen);
    }

    [Fact]
    public void Create_NewestCheckpointUnreadable_ResumesFromThePreviousInsteadOfFailing()
    {
        using var directory = new TemporaryDirectory();
        string state = Path.Combine(directory.Path, "state");
        LoadedConfiguration loaded = WriteConfiguration(directory, hidden: 16);
        using (DeviceRuntime first = DeviceRuntime.Create(loaded, Environment(state)))
        {
            first.Run(maxTicks: 5);
        }

        string newest = Path.Combine(state, "checkpoint-000000000700.eilc");
        File.Copy(Path.Combine(state, "checkpoint-000000000005.eilc"), newest);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(newest, UnixFileMode.None);
        }

        // Root reads past permissions; an exclusive lock makes the open fail for root too.
        using var holder = new FileStream(newest, FileMode.Open, FileAccess.Read, FileShare.None);

        using DeviceRuntime second = DeviceRuntime.Create(loaded, Environment(state));

        Assert.EndsWith("checkpoint-000000000005.eilc", second.ResumedFrom, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_WithSafetyNetAndReplay_SavesTheKnownGoodModelAndResumesBoth()
    {
        using var directory = new TemporaryDirectory();
        string state = Path.Combine(directory.Path, "state");
        LoadedConfiguration loaded = WriteConfiguration(
            directory, hidden: 16, modelExtras: ", \"replayCapacity\": 50, \"replaysPerStep\": 2", safety: "\"canarySize\": 20, \"canaryEvery\": 5, \"scoreEveryTicks\": 50");
        long offered;
        using (DeviceRuntime first = DeviceRuntime.Create(loaded, Environment(state)))
        {
            first.Run(maxTicks: 400);
            offered = first.Learner.Replay!.Offered;
            Assert.Equal(320, offered);
        }

        DeviceStatus status = StatusFile.Read(Path.Combine(state, "status.json"));
        Assert.Equal(20, status.CanaryCount);
        Assert.NotNull(status.CanaryLoss);
        Assert.NotNull(status.KnownGoodLoss);
        Assert.Equal(0, status.Rollbacks);
        Assert.False(status.SensorStuck);
        Assert.True(File.Exists(Path.Combine(state, EdgeIL.Device.Persistence.CheckpointStore.KnownGoodFileName)));

        var errors = new StringWriter();
        using DeviceRuntime second = DeviceRuntime.Create(loaded, Environment(state) with { Error = errors });
        Assert.Equal(offered, second.Learner.Replay!.Offered);
        Assert.Equal(50, second.Learner.Replay.Capacity);
        Assert.Equal(string.Empty, errors.ToString());
    }

    [Fact]
    public void Create_DamagedKnownGoodFile_IsMovedAsideAndTheNetStartsFromTheCurrentModel()
    {
        using var directory = new TemporaryDirectory();
        string state = Path.Combine(directory.Path, "state");
        LoadedConfiguration loaded = WriteConfiguration(directory, hidden: 16, safety: "\"canarySize\": 20");
        Directory.CreateDirectory(state);
        File.WriteAllText(Path.Combine(state, EdgeIL.Device.Persistence.CheckpointStore.KnownGoodFileName), "not a checkpoint");
        var errors = new StringWriter();

        using DeviceRuntime runtime = DeviceRuntime.Create(loaded, Environment(state) with { Error = errors });

        Assert.Contains("known-good.eilc.bad", errors.ToString());
        Assert.Equal(LoopExit.TickLimit, runtime.Run(maxTicks: 20));
    }

    [Theory]
    [InlineData("\"driftDetector\": \"cusum\"", "safety.driftDetector")]
    [InlineData("\"canaryEvery\": 1", "safety.canaryEvery")]
    [InlineData("\"rollbackMargin\": -1", "safety.rollbackMargin")]
    public void Create_SafetySettingOutOfRange_NamesTheField(string safety, string field)
    {
        using var directory = new TemporaryDirectory();

        var exception = Assert.Throws<ConfigurationException>(() => WriteConfiguration(directory, hidden: 8, safety: safety));

        Assert.Contains(field, exception.Message);
    }

    private static DeviceEnvironment Environment(string state) =>
        new(state, new UnusedHardware(), new ManualClock(), TextWriter.Null, TextWriter.Null, TextReader.Null);

    // The canary withholds one frame in twenty from learning; these tests count samples learned, so
    // by default they run without it (the Create_WithSafetyNet tests and SafetyNetLoopTests cover it).
    private static LoadedConfiguration WriteConfiguration(TemporaryDirectory directory, int hidden, string modelExtras = "", string recordingPath = "rec.eilrec", string dataPath = "data.csv", string persistence = "", string safety = "\"canarySize\": 0", string targets = "")
    {
        var csv = new StringBuilder("a,b,c,d,label\n");
        var dataset = LoopHarness.SeparableDataset(60, seed: 1);
        for (int i = 0; i < dataset.Count; i++)
        {
            csv.AppendJoin(',', dataset.CopyFeatures(i).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            csv.Append(',').Append(dataset.GetLabel(i)).Append('\n');
        }

        File.WriteAllText(directory.File("data.csv"), csv.ToString());
        string path = directory.File("device.json");
        File.WriteAllText(path, $$"""
            {
              "loop": { "tickHz": 50 },
              "model": { "hiddenLayers": [{{hidden}}]{{modelExtras}} },
              "source": { "kind": "replay", "replay": { "format": "csv", "path": "{{dataPath}}" } },
              "outputs": { "console": false, "recording": { "path": "{{recordingPath}}" } },
              "persistence": { {{persistence}} },
              "safety": { {{safety}} }{{targets}}
            }
            """);
        return DeviceConfigurationFile.Load(path);
    }

    /// <summary>A replay needs no bus; opening one is a test failure.</summary>
    private sealed class UnusedHardware : IDeviceHardware
    {
        public System.Device.Gpio.GpioController OpenGpio(GpioSettings settings) => throw new InvalidOperationException("no GPIO in this test");

        public System.Device.I2c.I2cDevice OpenI2c(System.Device.I2c.I2cConnectionSettings settings) => throw new InvalidOperationException("no I2C in this test");

        public System.Device.Spi.SpiDevice OpenSpi(System.Device.Spi.SpiConnectionSettings settings) => throw new InvalidOperationException("no SPI in this test");

        public Iot.Device.Media.VideoDevice OpenCamera(Iot.Device.Media.VideoConnectionSettings settings) => throw new InvalidOperationException("no camera in this test");
    }
}
