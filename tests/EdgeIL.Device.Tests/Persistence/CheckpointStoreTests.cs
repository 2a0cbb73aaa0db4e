using EdgeIL.Device.Persistence;
using EdgeIL.Learner;
using EdgeIL.Learner.Checkpoints;

namespace EdgeIL.Device.Tests.Persistence;

public sealed class CheckpointStoreTests
{
    [Fact]
    public void Save_MoreThanKeep_KeepsNewestByNumber()
    {
        using var directory = new TemporaryDirectory();
        var store = new CheckpointStore(directory.Path, keep: 2);
        OnlineLearner learner = Learner();

        foreach (long seen in new long[] { 5, 100, 20 })
        {
            learner.SamplesSeen = seen;
            store.Save(learner);
        }

        Assert.Equal([store.PathFor(100), store.PathFor(20)], store.List());
    }

    [Fact]
    public void LoadNewest_NewestDamaged_ResumesFromThePreviousAndSaysWhy()
    {
        using var directory = new TemporaryDirectory();
        var store = new CheckpointStore(directory.Path, keep: 3);
        OnlineLearner learner = Learner();
        learner.SamplesSeen = 10;
        store.Save(learner);
        learner.SamplesSeen = 20;
        store.Save(learner);
        byte[] bytes = File.ReadAllBytes(store.PathFor(20));
        bytes[^10] ^= 0xFF;
        File.WriteAllBytes(store.PathFor(20), bytes);
        var rejected = new List<string>();

        (OnlineLearner Learner, string Path)? loaded = store.LoadNewest(rejected);

        Assert.NotNull(loaded);
        Assert.Equal(store.PathFor(10), loaded.Value.Path);
        Assert.Equal(10, loaded.Value.Learner.SamplesSeen);
        Assert.Contains("checkpoint-000000000020.eilc", Assert.Single(rejected), StringComparison.Ordinal);
    }

    [Fact]
    public void LoadNewest_NewestDamaged_MovesItAsideSoItNoLongerCounts()
    {
        using var directory = new TemporaryDirectory();
        var store = new CheckpointStore(directory.Path, keep: 3);
        OnlineLearner learner = Learner();
        learner.SamplesSeen = 10;
        store.Save(learner);
        File.WriteAllBytes(store.PathFor(20), [1, 2, 3]);
        var rejected = new List<string>();

        store.LoadNewest(rejected);

        Assert.Equal([store.PathFor(10)], store.List());
        Assert.True(File.Exists(store.PathFor(20) + CheckpointStore.BadSuffix));
        Assert.StartsWith($"moved damaged checkpoint aside to {store.PathFor(20)}.bad: ", Assert.Single(rejected), StringComparison.Ordinal);
    }

    [Fact]
    public void Save_AfterEveryKeptCheckpointWasDamaged_KeepsTheNewSave()
    {
        // keep 1 and one damaged file with a higher number than any new save: before, every new
        // checkpoint was deleted at once because the damaged one won the keep-newest rule.
        using var directory = new TemporaryDirectory();
        var store = new CheckpointStore(directory.Path, keep: 1);
        File.WriteAllBytes(store.PathFor(999_999), new byte[100]);
        var rejected = new List<string>();
        Assert.Null(store.LoadNewest(rejected));
        OnlineLearner learner = Learner();
        learner.SamplesSeen = 10;

        string saved = store.Save(learner);

        Assert.Equal([saved], store.List());
        Assert.Equal(10, new CheckpointStore(directory.Path, keep: 1).LoadNewest([])?.Learner.SamplesSeen);
    }

    [Fact]
    public void LoadNewest_ValidChecksumButIterationsPastTheLimit_MovesItAsideNamingTheField()
    {
        using var directory = new TemporaryDirectory();
        var store = new CheckpointStore(directory.Path, keep: 2);
        OnlineLearner learner = Learner();
        learner.SamplesSeen = 10;
        store.Save(learner);
        File.WriteAllBytes(store.PathFor(20), CheckpointBytes.WithIterations(CheckpointBytes.Of(learner), int.MaxValue));
        var rejected = new List<string>();

        (OnlineLearner Learner, string Path)? loaded = store.LoadNewest(rejected);

        Assert.Equal(store.PathFor(10), loaded?.Path);
        string message = Assert.Single(rejected);
        Assert.Contains(store.PathFor(20), message, StringComparison.Ordinal);
        Assert.Contains("Iterations = 2147483647", message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadNewest_NewestUnreadable_SkipsItWithoutFailingAndDoesNotCountIt()
    {
        using var directory = new TemporaryDirectory();
        var store = new CheckpointStore(directory.Path, keep: 1);
        OnlineLearner learner = Learner();
        learner.SamplesSeen = 50;
        CheckpointFile.Save(learner, store.PathFor(50));
        string unreadable = store.PathFor(50);

        // Permissions stop a normal user; root (as in CI) reads anything, so an exclusive lock makes the open fail too.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(unreadable, UnixFileMode.None);
        }

        using var holder = new FileStream(unreadable, FileMode.Open, FileAccess.Read, FileShare.None);
        var rejected = new List<string>();

        Assert.Null(store.LoadNewest(rejected));
        Assert.StartsWith($"cannot read checkpoint {unreadable}, skipped: ", Assert.Single(rejected), StringComparison.Ordinal);
        learner.SamplesSeen = 10;
        string saved = store.Save(learner);

        Assert.Equal([saved], store.List());
        Assert.True(File.Exists(unreadable), "an unreadable checkpoint is left for a person to look at");
    }

    [Fact]
    public void LoadNewest_EmptyDirectory_GivesNull()
    {
        using var directory = new TemporaryDirectory();

        Assert.Null(new CheckpointStore(directory.Path, keep: 1).LoadNewest([]));
    }

    [Fact]
    public void Save_PersistenceWorkersSnapshot_WritesTheSameFileAsSavingTheLearner()
    {
        // The worker writes its in-memory snapshot as it is rather than decoding and encoding it
        // again; the file must be the one a direct save writes, byte for byte.
        using var directory = new TemporaryDirectory();
        var store = new CheckpointStore(directory.Path, keep: 3);
        OnlineLearner learner = Learner();
        learner.SamplesSeen = 7;
        using var snapshot = new MemoryStream();
        Checkpoint.Save(learner, snapshot);
        snapshot.Write([1, 2, 3]);
        snapshot.SetLength(snapshot.Length - 3);

        string fromSnapshot = store.Save(snapshot, learner.SamplesSeen);
        byte[] written = File.ReadAllBytes(fromSnapshot);
        learner.SamplesSeen = 8;
        string direct = store.Save(learner);
        learner.SamplesSeen = 7;

        Assert.Equal(store.PathFor(7), fromSnapshot);
        Assert.Equal(snapshot.ToArray(), written);
        Assert.Equal(7, CheckpointFile.Load(fromSnapshot).SamplesSeen);
        Assert.Equal(written.Length, new FileInfo(direct).Length);
    }

    private static OnlineLearner Learner() =>
        new(Mlp.CreateRandom([3, 4, 2], OutputHead.Softmax, seed: 1), LearningAlgorithm.ILProx);
}
