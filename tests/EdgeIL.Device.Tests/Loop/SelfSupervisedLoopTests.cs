using System.Device.Gpio;
using EdgeIL.Device.Loop;
using EdgeIL.Device.Outputs;
using EdgeIL.Device.Persistence;
using EdgeIL.Device.Sources;
using EdgeIL.Device.Targets;
using EdgeIL.Device.Tests.Simulation;
using EdgeIL.Learner;

namespace EdgeIL.Device.Tests.Loop;

/// <summary>
/// The self-supervised mode end to end below the composition: the real Mpu6050 binding on a simulated
/// chip, an autoencoder learning steady motion, and the anomaly LED on an in-memory GPIO pin.
/// </summary>
public sealed class SelfSupervisedLoopTests
{
    [Fact]
    public void RunTick_JoltAfterSteadyMotion_LightsAnomalyLed()
    {
        using var directory = new TemporaryDirectory();
        var clock = new ManualClock();
        var chip = new SimulatedMpu6050();
        using var imu = new ImuSource(chip, windowSamples: 4, sampleHz: 100, clock);
        var driver = new InMemoryGpioDriver();
        using var controller = new GpioController(driver);
        using var led = new LedOutput(controller, [], anomalyPin: 21, activeHigh: true);
        var model = Mlp.CreateRandom([imu.FeatureCount, 8, imu.FeatureCount], OutputHead.Identity, seed: 2);
        model.Input.StartStandardizing();
        var learner = new OnlineLearner(model, LearningAlgorithm.ILProx);
        using var requests = new DeviceRequests();
        using var persistence = new PersistenceWorker(new CheckpointStore(directory.Path, 1), exporter: null, directory.File("m.onnx"), _ => { });
        var anomaly = new AnomalyDetector(thresholdDeviations: 6, smoothing: 0.02, warmupScores: 150);
        using var loop = new DeviceLoop(
            new AutoencoderTickMode(learner, anomaly), imu, [led], new IterationBudget(25, 12, 1, 50, 0.6),
            new CheckpointPolicy(persistence, requests, clock, everyLearnSteps: 1000, everySeconds: 300),
            new StatusReporter(new StatusFile(directory.File("status.json")), console: null, clock), requests, clock, new DeviceLoopOptions { TickHz = 25 });
        var random = new Random(4);

        for (int tick = 0; tick < 400; tick++)
        {
            chip.AccelerationG = (0.02 * (random.NextDouble() - 0.5), 0.02 * (random.NextDouble() - 0.5), 1 + (0.02 * (random.NextDouble() - 0.5)));
            chip.RotationDegreesPerSecond = (2 * (random.NextDouble() - 0.5), 2 * (random.NextDouble() - 0.5), 2 * (random.NextDouble() - 0.5));
            imu.SampleOnce();
            Assert.Null(loop.RunTick());
            clock.AdvanceSeconds(0.04);
        }

        Assert.Equal(PinValue.Low, driver.Level(21));
        Assert.True(anomaly.Anomalies <= 2, $"{anomaly.Anomalies} false alarms on steady motion");

        chip.AccelerationG = (1.5, -0.8, 2.5);
        chip.RotationDegreesPerSecond = (200, -150, 90);
        imu.SampleOnce();
        loop.RunTick();

        Assert.True(anomaly.IsAnomalous, $"score {anomaly.LastScore} against mean {anomaly.Mean} and deviation {anomaly.StandardDeviation}");
        Assert.Equal(PinValue.High, driver.Level(21));
        DeviceStatus status = loop.SnapshotStatus();
        Assert.NotNull(status.AnomalyScore);
        Assert.Null(status.PrequentialAccuracy);
        // The first three ticks find the four-sample window not yet full.
        Assert.Equal(398, status.LearnSteps);
    }
}
