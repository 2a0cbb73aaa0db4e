using EdgeIL.Learner.IO;

namespace EdgeIL.Learner.Tests.IO;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "edgeil-atomic-" + Guid.NewGuid().ToString("N"));

    public AtomicFileTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Begin_DisposedWithoutCommit_LeavesTheOldFileAndNoTemporary()
    {
        string path = Path.Combine(_folder, "status.json");
        File.WriteAllText(path, "old");
        using (AtomicFileWriter writer = AtomicFile.Begin(path))
        {
            writer.Stream.Write("new, but never committed"u8);
        }

        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_folder));
    }

    [Fact]
    public void Write_ThrowingWriter_LeavesTheOldFileAndNoTemporary()
    {
        string path = Path.Combine(_folder, "model.onnx");
        File.WriteAllText(path, "old");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[10_000]);
            throw new InvalidOperationException("disk gone");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_folder));
    }

    [Fact]
    public void WriteAllText_Committed_ReplacesTheFile()
    {
        string path = Path.Combine(_folder, "report.md");
        File.WriteAllText(path, "old");
        AtomicFile.WriteAllText(path, "new ✓");
        Assert.Equal("new ✓", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_folder));
    }

    [Fact]
    public void Begin_MissingFolder_ThrowsAndCreatesNothing()
    {
        string path = Path.Combine(_folder, "missing", "file");
        Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.Begin(path));
        Assert.False(Directory.Exists(Path.Combine(_folder, "missing")));
    }
}
