using EdgeIL.Device.Loop;
using EdgeIL.Device.Outputs;
using EdgeIL.Device.Persistence;
using EdgeIL.Device.Sources;
using EdgeIL.Device.Streams;
using EdgeIL.Device.Targets;
using EdgeIL.Device.Tests.Simulation;
using EdgeIL.Learner;

namespace EdgeIL.Device.Tests.Loop;

/// <summary>
/// A real loop (real learner, replay source, persistence worker and status file) on a manual clock, with
/// the source's reads taking as much clock time as the test says: a slow bus, seen from the loop.
/// </summary>
internal sealed class LoopHarness : IDisposable
{
    public const double TickHz = 100;
    public const double Period = 1 / TickHz;
    public const int Classes = 3;
    public const int Features = 4;

    private readonly TemporaryDirectory _directory = new();

    public LoopHarness(int raiseAfterTicks = 5, int maxCatchUpTicks = 3, int checkpointEveryLearnSteps = 0)
    {
        Clock = new ManualClock();
        Requests = new DeviceRequests();
        Learner = new OnlineLearner(Mlp.CreateRandom([Features, 8, Classes], OutputHead.Softmax, seed: 3), LearningAlgorithm.ILProx);
        Source = new SlowSource(new ReplaySource(new DatasetStream(SeparableDataset(300, seed: 5), seed: 9, cycle: true), "synthetic"), Clock);
        Budget = new IterationBudget(ceiling: 25, floor: 12, step: 1, raiseAfterTicks, headroomFraction: 0.6);
        Store = new CheckpointStore(_directory.Path, keep: 2);
        Persistence = new PersistenceWorker(Store, (learner, path) => File.WriteAllText(path, $"exported {learner.SamplesSeen}"), _directory.File("model.onnx"), Log.Add);
        StatusPath = _directory.File("status.json");
        Mode = new ClassifierTickMode(Learner, new DatasetTargets(), prequentialWindow: 500);
        Loop = new DeviceLoop(
            Mode,
            Source,
            [],
            Budget,
            new CheckpointPolicy(Persistence, Requests, Clock, checkpointEveryLearnSteps, everySeconds: 0),
            new StatusReporter(new StatusFile(StatusPath), console: null, Clock),
            Requests,
            Clock,
            new DeviceLoopOptions { TickHz = TickHz, MaxCatchUpTicks = maxCatchUpTicks });
    }

    public ManualClock Clock { get; }

    public DeviceRequests Requests { get; }

    public OnlineLearner Learner { get; }

    public SlowSource Source { get; }

    public IterationBudget Budget { get; }

    public CheckpointStore Store { get; }

    public PersistenceWorker Persistence { get; }

    public ClassifierTickMode Mode { get; }

    public DeviceLoop Loop { get; }

    public string StatusPath { get; }

    public string ExportPath => _directory.File("model.onnx");

    public List<string> Log { get; } = [];

    /// <summary>Three classes, each a noisy bump on its own feature: learnable in a few hundred samples.</summary>
    public static LabeledDataset SeparableDataset(int count, int seed)
    {
        var random = new Random(seed);
        float[] features = new float[count * Features];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            int label = i % Classes;
            labels[i] = label;
            for (int j = 0; j < Features; j++)
            {
                features[(i * Features) + j] = (float)((j == label ? 1.0 : 0.0) + (0.2 * (random.NextDouble() - 0.5)));
            }
        }

        return new LabeledDataset("separable", Features, features, labels, Classes);
    }

    public void Dispose()
    {
        Loop.Dispose();
        Persistence.Dispose();
        Source.Dispose();
        Requests.Dispose();
        _directory.Dispose();
    }
}

/// <summary>A frame source whose reads take clock time, with an optional action at a given read.</summary>
internal sealed class SlowSource(IFrameSource inner, ManualClock clock) : IFrameSource
{
    public Func<long, double> ReadSeconds { get; set; } = _ => 0;

    public Action<long>? OnRead { get; set; }

    public long Reads { get; private set; }

    public string Description => inner.Description;

    public int FeatureCount => inner.FeatureCount;

    public int ClassCount => inner.ClassCount;

    public long Faults => inner.Faults;

    public string? LastFault => inner.LastFault;

    public void Start() => inner.Start();

    public FrameRead TryReadLatest(Span<float> frame, out int label)
    {
        long read = Reads++;
        OnRead?.Invoke(read);
        clock.AdvanceSeconds(ReadSeconds(read));
        return inner.TryReadLatest(frame, out label);
    }

    public void Dispose() => inner.Dispose();
}
