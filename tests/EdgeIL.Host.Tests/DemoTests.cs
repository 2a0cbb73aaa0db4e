using EdgeIL.Host.Commands;

namespace EdgeIL.Host.Tests;

public class DemoTests
{
    [Fact]
    public void Run_ShortDemo_PrintsTableAndWritesChartReportAndBothRunReports()
    {
        using var folder = new TemporaryFolder();
        var output = new StringWriter();
        int exit = new DemoRunner(output, TextWriter.Null).Run(folder.Path, samples: 1000, seed: 1, liveProgress: false);

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("| il-prox |", output.ToString());
        Assert.Contains("| bp-sgd |", output.ToString());
        Assert.True(new FileInfo(Path.Combine(folder.Path, "demo.png")).Length > 10_000);
        Assert.Contains("![learning curves](demo.png)", File.ReadAllText(Path.Combine(folder.Path, "demo.md")));
        foreach (string algorithm in new[] { "il-prox", "bp-sgd" })
        {
            ReportJson.AssertValidClassifierReport(ReportJson.Read(Path.Combine(folder.Path, algorithm, "report.json")), 1000);
        }
    }
}
