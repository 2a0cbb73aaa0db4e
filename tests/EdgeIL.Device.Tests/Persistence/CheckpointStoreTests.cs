using EdgeIL.Device.Persistence;
using EdgeIL.Learner;

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
    public void LoadNewest_EmptyDirectory_GivesNull()
    {
        using var directory = new TemporaryDirectory();

        Assert.Null(new CheckpointStore(directory.Path, keep: 1).LoadNewest([]));
    }

    private static OnlineLearner Learner() =>
        new(Mlp.CreateRandom([3, 4, 2], OutputHead.Softmax, seed: 1), LearningAlgorithm.ILProx);
}
