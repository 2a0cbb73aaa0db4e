using System.Buffers.Binary;
using EdgeIL.Host.Commands;
using EdgeIL.Host.Data;
using EdgeIL.Learner;
using EdgeIL.Learner.Checkpoints;

namespace EdgeIL.Host.Tests;

/// <summary>The one error path: every command turns bad paths and files into one line naming the path, exit code 2, no stack trace.</summary>
public class ErrorPathTests
{
    // Each case names the placeholder whose path the message must name: {folder} is a folder,
    // {model} a valid checkpoint (a file), {file:NAME} a path in the test's folder.
    public static TheoryData<string, string[]> WrongKindOfPath => new()
    {
        { "{folder}", ["predict", "--model", "{folder}", "--data", "sample", "--out", "{file:p.csv}"] },
        { "{folder}", ["export", "--model", "{folder}", "--onnx", "{file:m.onnx}"] },
        { "{folder}", ["export", "--model", "{model}", "--onnx", "{folder}"] },
        { "{folder}", ["verify-onnx", "--model", "{folder}", "--onnx", "{file:m.onnx}", "--data", "sample"] },
        { "{folder}", ["verify-onnx", "--model", "{model}", "--onnx", "{folder}", "--data", "sample"] },
        { "{folder}", ["import", "--onnx", "{folder}", "--out", "{file:m.edgeil}"] },
        { "{folder}", ["import", "--onnx", "{file:m.onnx}", "--out", "{folder}"] },
        { "{folder}", ["predict", "--model", "{model}", "--data", "sample", "--out", "{folder}"] },
        { "{folder}.csv", ["replay", "--data", "{folder}.csv", "--out", "{file:run}"] },
        { "{model}", ["demo", "--out", "{model}"] },
        { "{model}", ["replay", "--out", "{model}"] },
        { "{model}", ["experiment", "online", "--data", "sample", "--out", "{model}"] },
    };

    [Theory]
    [MemberData(nameof(WrongKindOfPath))]
    public void Invoke_WrongKindOfPath_OneLineNamingThePathExit2(string expected, string[] template)
    {
        using var folder = new TemporaryFolder();
        string directory = folder.File("a-folder");
        Directory.CreateDirectory(directory);
        Directory.CreateDirectory(directory + ".csv");
        string model = folder.File("model.edgeil");
        CheckpointFile.Save(new OnlineLearner(Mlp.CreateRandom([784, 8, 10], OutputHead.Softmax, seed: 1), LearningAlgorithm.ILProx), model);
        Learner.Onnx.OnnxExport.Save(Mlp.CreateRandom([784, 8, 10], OutputHead.Softmax, seed: 1), folder.File("m.onnx"));
        string Resolve(string a) => a switch
        {
            "{folder}" => directory,
            "{folder}.csv" => directory + ".csv",
            "{model}" => model,
            _ when a.StartsWith("{file:", StringComparison.Ordinal) => folder.File(a[6..^1]),
            _ => a,
        };

        (int exit, _, string error) = HostCli.Invoke(template.Select(Resolve).ToArray());

        Assert.Equal(ExitCodes.BadInput, exit);
        AssertOneLine(error);
        Assert.Contains(Resolve(expected), error, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_OutInAMissingFolder_NamesTheFolderAndWritesNothing()
    {
        using var folder = new TemporaryFolder();
        Learner.Onnx.OnnxExport.Save(Mlp.CreateRandom([4, 3], OutputHead.Softmax, seed: 1), folder.File("m.onnx"));
        string missing = folder.File("no-such-folder");

        (int exit, _, string error) = HostCli.Invoke("import", "--onnx", folder.File("m.onnx"), "--out", Path.Combine(missing, "m.edgeil"));

        Assert.Equal(ExitCodes.BadInput, exit);
        AssertOneLine(error);
        Assert.Contains($"the folder {missing} does not exist", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public void Predict_ModelMissing_NamesTheOptionAndPath()
    {
        using var folder = new TemporaryFolder();

        (int exit, _, string error) = HostCli.Invoke("predict", "--model", folder.File("absent.edgeil"), "--data", "sample", "--out", folder.File("p.csv"));

        Assert.Equal(ExitCodes.BadInput, exit);
        AssertOneLine(error);
        Assert.Contains($"--model {folder.File("absent.edgeil")}: does not exist", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_TestImagesOfAnotherSize_NamesTheTestFile()
    {
        using var folder = new TemporaryFolder();
        string data = folder.File("mixed");
        Directory.CreateDirectory(data);
        WriteIdx(Path.Combine(data, "train-images-idx3-ubyte"), 0x803, [20, 28, 28]);
        WriteIdx(Path.Combine(data, "train-labels-idx1-ubyte"), 0x801, [20]);
        WriteIdx(Path.Combine(data, "t10k-images-idx3-ubyte"), 0x803, [5, 20, 20]);
        WriteIdx(Path.Combine(data, "t10k-labels-idx1-ubyte"), 0x801, [5]);

        (int exit, _, string error) = HostCli.Invoke("replay", "--data", data, "--out", folder.File("run"));

        Assert.Equal(ExitCodes.BadInput, exit);
        AssertOneLine(error);
        Assert.Contains(Path.Combine(data, "t10k-images-idx3-ubyte"), error, StringComparison.Ordinal);
        Assert.Contains("400 values each", error, StringComparison.Ordinal);
        Assert.Contains("784", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_FetchedDatasetMissing_SaysWhereItLookedAndHowToFetch()
    {
        using var folder = new TemporaryFolder();

        (int exit, _, string error) = HostCli.Invoke("replay", "--data", "fashion-mnist", "--data-dir", folder.Path, "--out", folder.File("run"));

        Assert.Equal(ExitCodes.BadInput, exit);
        AssertOneLine(error);
        Assert.Contains($"Dataset 'fashion-mnist' is not in {folder.Path}", error, StringComparison.Ordinal);
        Assert.Contains("tools/fetch-datasets fashion-mnist", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_DatasetInDataDir_IsFound()
    {
        using var folder = new TemporaryFolder();
        string mnist = Path.Combine(folder.Path, "data", "mnist");
        Directory.CreateDirectory(mnist);
        foreach (string file in Directory.GetFiles(DatasetCatalog.SampleFolder, "*.gz"))
        {
            File.Copy(file, Path.Combine(mnist, Path.GetFileName(file)));
        }

        (int exit, string output, string error) = HostCli.Invoke(
            "replay", "--data", "mnist", "--data-dir", Path.Combine(folder.Path, "data"), "--layers", "784,8,10", "--samples", "20", "--eval-every", "20", "--out", folder.File("run"));

        Assert.True(exit == ExitCodes.Success, error);
        Assert.Contains("Replaying mnist (5000 training, 1000 test samples)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Guard_UnexpectedException_OneLineWithoutStackTraceUnlessVerbose()
    {
        static int Fail() => throw new InvalidOperationException("the loop lost its place");
        var quiet = new StringWriter();
        var verbose = new StringWriter();

        int quietExit = CommandErrors.Guard(quiet, verbose: false, Fail);
        int verboseExit = CommandErrors.Guard(verbose, verbose: true, Fail);

        Assert.Equal((ExitCodes.InternalError, ExitCodes.InternalError), (quietExit, verboseExit));
        AssertOneLine(quiet.ToString());
        Assert.Contains("internal error (InvalidOperationException): the loop lost its place", quiet.ToString(), StringComparison.Ordinal);
        Assert.Contains("--verbose", quiet.ToString(), StringComparison.Ordinal);
        Assert.Contains("   at ", verbose.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unreadable")]
    [InlineData("disk full")]
    public void Report_IoErrors_AreBadInputWithTheirPath(string kind)
    {
        // Permissions cannot be taken away from root and a full disk cannot be made in a unit test,
        // so these are the exceptions .NET throws for them, with its messages.
        Exception exception = kind == "unreadable"
            ? new UnauthorizedAccessException("Access to the path '/srv/models/model.edgeil' is denied.")
            : new IOException("No space left on device : '/srv/out/model.edgeil.tmp'");
        var error = new StringWriter();

        int exit = CommandErrors.Report(exception, error, verbose: false);

        Assert.Equal(ExitCodes.BadInput, exit);
        AssertOneLine(error.ToString());
        Assert.Contains("/srv/", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Verbose_OnABadPath_AddsTheStackTrace()
    {
        using var folder = new TemporaryFolder();

        (int exit, _, string error) = HostCli.Invoke("export", "--model", folder.Path, "--onnx", folder.File("m.onnx"), "--verbose");

        Assert.Equal(ExitCodes.BadInput, exit);
        Assert.Contains("is a folder, not a file", error, StringComparison.Ordinal);
        Assert.Contains("System.ArgumentException", error, StringComparison.Ordinal);
    }

    [Fact]
    public void DataFolder_Resolve_FollowsOptionThenEdgeilDataThenXdgThenHome()
    {
        static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
            name => variables.FirstOrDefault(v => v.Name == name).Value;

        Assert.Equal("/opt/d", DataFolder.Resolve("/opt/d", Environment(("EDGEIL_DATA", "/e"), ("XDG_DATA_HOME", "/x"), ("HOME", "/h"))));
        Assert.Equal("/e", DataFolder.Resolve(null, Environment(("EDGEIL_DATA", "/e"), ("XDG_DATA_HOME", "/x"), ("HOME", "/h"))));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal("/x/edgeil", DataFolder.Resolve(null, Environment(("XDG_DATA_HOME", "/x"), ("HOME", "/h"))));
            Assert.Equal("/h/.local/share/edgeil", DataFolder.Resolve(null, Environment(("XDG_DATA_HOME", "relative"), ("HOME", "/h"))));
            Assert.Equal("/h/.local/share/edgeil", DataFolder.Resolve(null, Environment(("HOME", "/h"))));
        }
    }

    [Fact]
    public void SampleFolder_ShipsBesideTheProgram()
    {
        string sample = DatasetCatalog.SampleFolder;

        Assert.StartsWith(AppContext.BaseDirectory, sample, StringComparison.Ordinal);
        Assert.Equal(4, Directory.GetFiles(sample, "*-ubyte.gz").Length);
    }

    private static void AssertOneLine(string error)
    {
        string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line, got: {error}");
        Assert.StartsWith("edgeil: ", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    private static void WriteIdx(string path, int magic, int[] dims)
    {
        int count = dims.Aggregate(1, (a, b) => a * b);
        byte[] bytes = new byte[4 + (4 * dims.Length) + count];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int i = 0; i < dims.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * i)), dims[i]);
        }

        // Labels cycle through 0..9; pixels stay 0.
        if (magic == 0x801)
        {
            for (int i = 0; i < count; i++)
            {
                bytes[8 + i] = (byte)(i % 10);
            }
        }

        File.WriteAllBytes(path, bytes);
    }
}
