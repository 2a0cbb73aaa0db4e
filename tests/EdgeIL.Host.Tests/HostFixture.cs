using EdgeIL.Host.Data;

namespace EdgeIL.Host.Tests;

/// <summary>A temporary folder deleted after the test, and the bundled sample loaded once per test class.</summary>
public sealed class TemporaryFolder : IDisposable
{
    public TemporaryFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "edgeil-host-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>The bundled MNIST sample, loaded once for all tests that share it.</summary>
public sealed class SampleData
{
    private static readonly Lazy<TrainTestData> s_sample = new(() => DatasetCatalog.Load(DatasetCatalog.SampleName));

    public static TrainTestData Sample => s_sample.Value;
}
