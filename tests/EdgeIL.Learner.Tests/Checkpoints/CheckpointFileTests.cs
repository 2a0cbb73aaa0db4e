using EdgeIL.Learner.Checkpoints;
using static EdgeIL.Learner.Tests.Checkpoints.CheckpointTestData;

namespace EdgeIL.Learner.Tests.Checkpoints;

public sealed class CheckpointFileTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void SaveThenLoad_File_RestoresStateAndLeavesOnlyTheCheckpoint()
    {
        OnlineLearner original = Trained(LearningAlgorithm.ILProxAdam, OutputHead.Sigmoid);
        string path = _directory.File("model.ckpt");

        CheckpointFile.Save(original, path);

        AssertSameState(original, CheckpointFile.Load(path));
        Assert.Equal([path], Directory.GetFiles(_directory.Path));
    }

    [Fact]
    public void Save_OverExistingCheckpoint_ReplacesIt()
    {
        string path = _directory.File("model.ckpt");
        CheckpointFile.Save(Trained(LearningAlgorithm.ILProx), path);
        OnlineLearner newer = Trained(LearningAlgorithm.BPAdam, OutputHead.Identity);

        CheckpointFile.Save(newer, path);

        AssertSameState(newer, CheckpointFile.Load(path));
        Assert.Equal([path], Directory.GetFiles(_directory.Path));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(-4)]
    [InlineData(0, true)]
    public void Save_FailingPartWay_KeepsPreviousCheckpointAndDeletesTemporary(int failAfterBytes, bool failAtFlush = false)
    {
        string path = _directory.File("model.ckpt");
        OnlineLearner previous = Trained(LearningAlgorithm.ILAdam);
        CheckpointFile.Save(previous, path);
        byte[] previousBytes = File.ReadAllBytes(path);
        OnlineLearner next = Trained(LearningAlgorithm.ILAdam, seed: 12);
        long total = Save(next).Length;

        // Negative counts from the end, so -4 fails while writing the checksum; failing at the
        // flush lets every byte through first.
        long limit = failAtFlush ? total : failAfterBytes >= 0 ? failAfterBytes : total + failAfterBytes;
        Assert.Throws<IOException>(() => CheckpointFile.Save(next, path, file => new FailingStream(file, limit)));

        Assert.Equal(previousBytes, File.ReadAllBytes(path));
        AssertSameState(previous, CheckpointFile.Load(path));
        Assert.Equal([path], Directory.GetFiles(_directory.Path));
    }

    [Fact]
    public void Save_AfterFailedSave_Succeeds()
    {
        string path = _directory.File("model.ckpt");
        OnlineLearner learner = Trained(LearningAlgorithm.ILProxFast);
        Assert.Throws<IOException>(() => CheckpointFile.Save(learner, path, file => new FailingStream(file, 10)));

        CheckpointFile.Save(learner, path);

        AssertSameState(learner, CheckpointFile.Load(path));
    }

    [Fact]
    public void Save_LeftoverTemporaryFromCrash_IsOverwrittenAndRemoved()
    {
        string path = _directory.File("model.ckpt");
        File.WriteAllBytes(path + CheckpointFile.TemporarySuffix, new byte[100_000]);
        OnlineLearner learner = Trained(LearningAlgorithm.BPProx);

        CheckpointFile.Save(learner, path);

        AssertSameState(learner, CheckpointFile.Load(path));
        Assert.Equal([path], Directory.GetFiles(_directory.Path));
    }

    [Fact]
    public void Save_WhileAnotherSaveHoldsTheTemporary_FailsWithoutTouchingEitherFile()
    {
        string path = _directory.File("model.ckpt");
        OnlineLearner previous = Trained(LearningAlgorithm.ILSgd);
        CheckpointFile.Save(previous, path);
        using var otherSave = new FileStream(path + CheckpointFile.TemporarySuffix, FileMode.Create, FileAccess.Write, FileShare.None);
        otherSave.Write([1, 2, 3]);
        otherSave.Flush();

        Assert.Throws<IOException>(() => CheckpointFile.Save(Trained(LearningAlgorithm.ILSgd, seed: 3), path));

        AssertSameState(previous, CheckpointFile.Load(path));
        Assert.Equal(3, new FileInfo(path + CheckpointFile.TemporarySuffix).Length);
    }

    [Fact]
    public void Save_LearnerThatCannotBeCheckpointed_TouchesNoFile()
    {
        string path = _directory.File("model.ckpt");
        OnlineLearner learner = Trained(LearningAlgorithm.BPSgd);
        learner.SamplesSeen = -5;

        Assert.Throws<ArgumentException>(() => CheckpointFile.Save(learner, path));

        Assert.Empty(Directory.GetFiles(_directory.Path));
    }

    [Fact]
    public void Load_CorruptedFile_MessageNamesFileAndProblem()
    {
        string path = _directory.File("model.ckpt");
        CheckpointFile.Save(Trained(LearningAlgorithm.ILProx), path);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<CheckpointFormatException>(() => CheckpointFile.Load(path));

        Assert.Equal(path, error.FilePath);
        Assert.StartsWith($"Cannot load EdgeIL checkpoint '{path}': checksum mismatch: file is corrupted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TruncatedFile_MessageNamesFileAndSizes()
    {
        string path = _directory.File("model.ckpt");
        CheckpointFile.Save(Trained(LearningAlgorithm.ILProx), path);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..100]);

        var error = Assert.Throws<CheckpointFormatException>(() => CheckpointFile.Load(path));

        Assert.Equal($"Cannot load EdgeIL checkpoint '{path}': truncated: the header declares {bytes.Length} bytes, found 100", error.Message);
    }

    [Fact]
    public void Load_FileWithBytesAfterTheCheckpoint_IsRefused()
    {
        string path = _directory.File("model.ckpt");
        CheckpointFile.Save(Trained(LearningAlgorithm.ILProx), path);
        File.AppendAllText(path, "junk");

        var error = Assert.Throws<CheckpointFormatException>(() => CheckpointFile.Load(path));

        Assert.Contains("4 unexpected bytes after the end of the checkpoint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFoundNotFormatError()
    {
        Assert.Throws<FileNotFoundException>(() => CheckpointFile.Load(_directory.File("absent.ckpt")));
    }
}
