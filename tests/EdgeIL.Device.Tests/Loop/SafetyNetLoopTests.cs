using EdgeIL.Device.Loop;
using EdgeIL.Device.Outputs;
using EdgeIL.Device.Persistence;
using EdgeIL.Device.Safety;
using EdgeIL.Device.Sources;
using EdgeIL.Device.Targets;
using EdgeIL.Device.Tests.Simulation;
using EdgeIL.Learner;
using EdgeIL.Learner.Drift;
using Xunit.Abstractions;

namespace EdgeIL.Device.Tests.Loop;

/// <summary>
/// The safety net in the real loop on a manual clock, fed scripted streams: a burst of wrong labels,
/// a genuine shift, a collapsed learner and a stuck sensor (issue 9, item 4).
/// </summary>
public sealed class SafetyNetLoopTests(ITestOutputHelper output)
{
    private const int Features = 4;
    private const int Classes = 3;

    [Fact]
    public void Loop_BurstOf300WrongLabels_RecoversItsAccuracyWithin1000Ticks()
    {
        using var harness = new SafetyHarness(selfSupervised: false);
        var script = new ClassScript(seed: 1);
        harness.Run(3_000, script.Next);
        double before = harness.RecentAccuracy(500);

        script.WrongLabels = true;
        harness.Run(300, script.Next);
        script.WrongLabels = false;
        int recovered = harness.RunUntil(2_000, script.Next, () => harness.RecentAccuracy(100) >= 0.9 * before);

        output.WriteLine($"accuracy before {before:P1}; recovered after {recovered} ticks; rollbacks {harness.Safety.Rollbacks}, canary refreshes {harness.Safety.CanaryRefreshes}, drifts {harness.Safety.Drifts}");
        Assert.True(before > 0.95, $"accuracy before the burst {before:P1}");
        Assert.InRange(recovered, 100, 1_000);
    }

    [Fact]
    public void Loop_GenuineShift_IsAdaptedToWithoutRollback()
    {
        using var harness = new SafetyHarness(selfSupervised: false);
        var script = new ClassScript(seed: 2);
        harness.Run(3_000, script.Next);

        // The inputs are permuted for good: what every class looks like changes.
        script.Permuted = true;
        int adapted = harness.RunUntil(3_000, script.Next, () => harness.RecentAccuracy(200) >= 0.9);
        harness.Run(1_000, script.Next);

        output.WriteLine($"adapted after {adapted} ticks; rollbacks {harness.Safety.Rollbacks}, canary refreshes {harness.Safety.CanaryRefreshes}, drifts {harness.Safety.Drifts}");
        Assert.Equal(0, harness.Safety.Rollbacks);
        Assert.True(harness.Safety.CanaryRefreshes >= 1, "the shift should have refreshed the canary");
        Assert.True(harness.Safety.Drifts >= 1, "the shift should be reported as a drift");
        Assert.InRange(adapted, 100, 2_000);
        Assert.True(harness.RecentAccuracy(500) > 0.9, $"accuracy after the shift {harness.RecentAccuracy(500):P1}");
    }

    [Fact]
    public void Loop_CollapsedLearner_IsRolledBackToTheKnownGoodModel()
    {
        using var harness = new SafetyHarness(selfSupervised: false);
        var script = new ClassScript(seed: 3);
        harness.Run(3_000, script.Next);
        double before = harness.RecentAccuracy(500);

        // What a huge step does: every weight thrown far from where learning put it.
        var random = new Random(5);
        Mlp model = harness.Learner.Model;
        for (int n = 0; n < model.LayerCount; n++)
        {
            model.SetWeights(n, [.. Enumerable.Range(0, model.GetWeights(n).Length).Select(_ => (float)(1_000 * (random.NextDouble() - 0.5)))]);
        }

        int restored = harness.RunUntil(2_000, script.Next, () => harness.Safety.Rollbacks > 0);
        Assert.InRange(restored, 100, 1_500);
        harness.Run(200, script.Next);

        output.WriteLine($"rolled back after {restored} ticks: {harness.Safety.LastRollback}; accuracy before {before:P1}, after {harness.RecentAccuracy(200):P1}");
        Assert.Equal(1, harness.Safety.Rollbacks);
        Assert.Equal(0, harness.Safety.CanaryRefreshes);
        Assert.True(harness.RecentAccuracy(200) >= 0.9 * before, $"accuracy after the rollback {harness.RecentAccuracy(200):P1}, before {before:P1}");
        DeviceStatus status = harness.Loop.SnapshotStatus();
        Assert.Equal(1, status.Rollbacks);
        Assert.Contains("canary loss", status.LastRollback, StringComparison.Ordinal);
    }

    [Fact]
    public void Loop_StuckSensor_KeepsTheAnomalyRaisedAndLearnsAndKeepsNothingFromIt()
    {
        using var harness = new SafetyHarness(selfSupervised: true);
        var random = new Random(6);
        float[] Live(long tick, out int label)
        {
            label = -1;
            double phase = tick * 0.3;
            return [.. Enumerable.Range(0, Features).Select(i => (float)(Math.Sin(phase + i) + (0.05 * random.NextDouble())))];
        }

        harness.Run(2_000, Live);
        int canaryBefore = harness.Safety.Canary!.Count;
        long learnedBefore = harness.Learner.SamplesSeen;
        float[] stuck = [0.7f, -0.2f, 0.1f, 0.9f];

        // Three minutes at 100 Hz of the very same frame.
        var flags = new List<bool>();
        harness.Run(18_000, (long _, out int label) =>
        {
            label = -1;
            return stuck;
        }, outcome => flags.Add(outcome.IsAnomaly));

        Assert.True(harness.Safety.SensorStuck);
        Assert.All(flags.Skip(SafetyHarness.StuckAfterFrames), Assert.True);
        output.WriteLine($"learned {harness.Learner.SamplesSeen - learnedBefore} of the stuck frames; canary {canaryBefore} -> {harness.Safety.Canary.Count}");
        Assert.InRange(harness.Learner.SamplesSeen - learnedBefore, 1, SafetyHarness.StuckAfterFrames);
        Assert.InRange(harness.Safety.Canary.Count, canaryBefore - (SafetyHarness.StuckAfterFrames / 5), canaryBefore);
        Assert.Equal(0, harness.Safety.CanaryRefreshes);
        for (int i = 0; i < harness.Safety.Canary.Count; i++)
        {
            Assert.False(harness.Safety.Canary.Frame(i).SequenceEqual(stuck), "a stuck frame got into the canary");
        }

        DeviceStatus status = harness.Loop.SnapshotStatus();
        Assert.True(status.SensorStuck);
        Assert.Equal(18_000 - SafetyHarness.StuckAfterFrames, status.StuckTicks);

        harness.Run(10, Live);
        Assert.False(harness.Safety.SensorStuck);
    }

    private delegate float[] FrameScript(long tick, out int label);

    /// <summary>Three classes, each a noisy bump on its own feature; optionally permuted or mislabelled.</summary>
    private sealed class ClassScript(int seed)
    {
        private static readonly int[] s_permutation = [2, 3, 0, 1];
        private readonly Random _random = new(seed);

        public bool WrongLabels { get; set; }

        public bool Permuted { get; set; }

        public float[] Next(long tick, out int label)
        {
            int truth = _random.Next(Classes);
            float[] frame = new float[Features];
            for (int j = 0; j < Features; j++)
            {
                frame[j] = (float)(0.2 * (_random.NextDouble() - 0.5));
            }

            frame[Permuted ? s_permutation[truth] : truth] += 1f;
            label = WrongLabels ? (truth + 1) % Classes : truth;
            return frame;
        }
    }

    /// <summary>The loop with a safety net, a scripted source and a manual clock; records what was predicted.</summary>
    private sealed class SafetyHarness : IDisposable
    {
        public const int StuckAfterFrames = 100;

        private readonly TemporaryDirectory _directory = new();
        private readonly ManualClock _clock = new();
        private readonly DeviceRequests _requests = new();
        private readonly PersistenceWorker _persistence;
        private readonly ScriptedSource _source;
        private readonly CapturingOutput _output;
        private readonly List<(int Predicted, int Label)> _history = [];

        public SafetyHarness(bool selfSupervised)
        {
            int outputs = selfSupervised ? Features : Classes;
            var model = Mlp.CreateRandom([Features, 16, outputs], selfSupervised ? OutputHead.Identity : OutputHead.Softmax, seed: 3);
            Learner = new OnlineLearner(model, LearningAlgorithm.ILProx);
            TickMode mode = selfSupervised
                ? new AutoencoderTickMode(Learner, new AnomalyDetector(thresholdDeviations: 4, smoothing: 0.01, warmupScores: 300))
                : new ClassifierTickMode(Learner, new DatasetTargets(), prequentialWindow: 500);
            var knownGood = new OnlineLearner(new Mlp([Features, 16, outputs], model.Head), LearningAlgorithm.ILProx);
            knownGood.RestoreStateFrom(Learner);
            Safety = new SafetyNet(
                new SafetyNetOptions
                {
                    Drift = new DriftDetectorSettings(),
                    CanarySize = 60,
                    CanaryEvery = 5,
                    ScoreEveryTicks = 100,
                    RollbackMargin = 0.25,
                    RollbackAfterScorings = 3,
                    StuckAfterFrames = StuckAfterFrames,
                },
                mode,
                knownGood,
                _clock,
                log: null);
            _source = new ScriptedSource(Features, selfSupervised ? 0 : Classes);
            _output = new CapturingOutput();
            _persistence = new PersistenceWorker(new CheckpointStore(_directory.Path, keep: 2), exporter: null, _directory.File("m.onnx"), _ => { });
            Loop = new DeviceLoop(
                mode,
                _source,
                [_output],
                new IterationBudget(25, 12, 1, 50, 0.6),
                new CheckpointPolicy(_persistence, _requests, _clock, everyLearnSteps: 0, everySeconds: 0),
                new StatusReporter(new StatusFile(_directory.File("status.json")), console: null, _clock),
                _requests,
                _clock,
                new DeviceLoopOptions { TickHz = 100 })
            { Safety = Safety };
        }

        public OnlineLearner Learner { get; }

        public SafetyNet Safety { get; }

        public DeviceLoop Loop { get; }

        public void Run(int ticks, FrameScript script, Action<TickOutcome>? seen = null)
        {
            for (int i = 0; i < ticks; i++)
            {
                Tick(script, seen);
            }
        }

        /// <summary>
        /// Runs until <paramref name="done"/> holds, judged from the 100th tick on so that a window of the
        /// last 100 holds only ticks of this run; returns the ticks it took, or -1.
        /// </summary>
        public int RunUntil(int limit, FrameScript script, Func<bool> done)
        {
            for (int i = 1; i <= limit; i++)
            {
                Tick(script, seen: null);
                if (i >= 100 && done())
                {
                    return i;
                }
            }

            return -1;
        }

        public double RecentAccuracy(int last)
        {
            var recent = _history.TakeLast(last).ToArray();
            return recent.Count(h => h.Predicted == h.Label) / (double)recent.Length;
        }

        public void Dispose()
        {
            Loop.Dispose();
            _persistence.Dispose();
            _requests.Dispose();
            _directory.Dispose();
        }

        private void Tick(FrameScript script, Action<TickOutcome>? seen)
        {
            _source.Frame = script(Loop.Ticks, out int label);
            _source.Label = label;
            Assert.Null(Loop.RunTick());
            Safety.Between(Loop.Ticks);
            _clock.AdvanceSeconds(0.01);
            TickOutcome outcome = _output.Last;
            if (outcome.Label >= 0)
            {
                _history.Add((outcome.PredictedClass, outcome.Label));
            }

            seen?.Invoke(outcome);
        }
    }

    /// <summary>Gives the loop whatever frame the script set last: a new one every tick.</summary>
    private sealed class ScriptedSource(int features, int classes) : IFrameSource
    {
        public float[] Frame { get; set; } = new float[features];

        public int Label { get; set; } = -1;

        public string Description => "scripted";

        public int FeatureCount => features;

        public int ClassCount => classes;

        public long Faults => 0;

        public string? LastFault => null;

        public void Start()
        {
        }

        public FrameRead TryReadLatest(Span<float> frame, out int label)
        {
            Frame.CopyTo(frame);
            label = Label;
            return FrameRead.Frame;
        }

        public void Dispose()
        {
        }
    }

    /// <summary>Keeps the latest published outcome.</summary>
    private sealed class CapturingOutput : ITickOutput
    {
        public TickOutcome Last { get; private set; }

        public void Publish(in TickOutcome outcome, ReadOnlySpan<float> frame) => Last = outcome;

        public void Dispose()
        {
        }
    }
}
