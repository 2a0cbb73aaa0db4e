namespace EdgeIL.Host.Tests;

/// <summary>The command line as a user meets it: parse errors, help, and bad input, each with a clear message and exit code.</summary>
public class CommandLineTests
{

    [Theory]
    [InlineData("demo")]
    [InlineData("replay")]
    [InlineData("experiment")]
    [InlineData("predict")]
    public void Help_EveryCommand_StatesDefaults(string command)
    {
        (int exit, string output, _) = HostCli.Invoke(command, "--help");
        Assert.Equal(0, exit);
        Assert.Contains("default", output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Replay_UnknownAlgorithm_ListsTheKnownOnes()
    {
        using var folder = new TemporaryFolder();
        (int exit, _, string error) = HostCli.Invoke("replay", "--algorithm", "il-magic", "--out", folder.Path);
        Assert.Equal(2, exit);
        Assert.Contains("il-prox-fast", error);
    }

    [Fact]
    public void Replay_MissingDataset_SaysHowToFetchIt()
    {
        using var folder = new TemporaryFolder();
        string previous = Directory.GetCurrentDirectory();
        (int exit, _, string error) = HostCli.Invoke("replay", "--data", "/nonexistent/folder", "--out", folder.Path);
        Assert.Equal(2, exit);
        Assert.Contains("/nonexistent/folder", error);
        Assert.Equal(previous, Directory.GetCurrentDirectory());
    }

    [Fact]
    public void Replay_MalformedCsv_NamesFileLineAndColumn()
    {
        using var folder = new TemporaryFolder();
        string csv = folder.File("log.csv");
        File.WriteAllText(csv, "accel_x,accel_y,label\n0.1,0.2,0\n0.3,abc,1\n");
        (int exit, _, string error) = HostCli.Invoke("replay", "--data", csv, "--out", folder.File("run"));
        Assert.Equal(2, exit);
        Assert.Contains("log.csv", error);
        Assert.Contains("line 3", error);
        Assert.Contains("accel_y", error);
        Assert.False(Directory.Exists(folder.File("run")));
    }

    [Fact]
    public void Experiment_UnknownName_IsAParseError()
    {
        (int exit, _, _) = HostCli.Invoke("experiment", "everything", "--out", "x");
        Assert.NotEqual(0, exit);
    }

    [Fact]
    public void Invoke_CommandLineThatDoesNotParse_OneLinePerProblemAndExit2()
    {
        (int exit, string output, string error) = HostCli.Invoke("replay", "--samples", "many", "--bogus");

        Assert.Equal(2, exit);
        Assert.Empty(output);
        string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines[..^1], line => Assert.StartsWith("edgeil: ", line, StringComparison.Ordinal));
        Assert.Contains("'--bogus'", error, StringComparison.Ordinal);
        Assert.Contains("'many'", error, StringComparison.Ordinal);
        Assert.Equal("Run 'edgeil replay --help' for the options.", lines[^1].TrimEnd());
    }
}
