using System.Text.Json;
using EdgeIL.Host.Commands;
using EdgeIL.Host.Experiments;
using EdgeIL.Learner;

namespace EdgeIL.Host.Tests;

/// <summary>Short versions of every experiment on the bundled sample: the files are written and the numbers are sane.</summary>
public class ExperimentTests
{
    public static TheoryData<string> Names => [.. Experiment.All.Select(e => e.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public void Run_ShortVersionOnSample_WritesParsableResults(string name)
    {
        using var folder = new TemporaryFolder();
        Experiment experiment = Experiment.All.Single(e => e.Name == name);
        LearningAlgorithm[] algorithms = [LearningAlgorithm.ILProx, LearningAlgorithm.BPSgd];
        long samples = name switch
        {
            "data-constrained" => 400,
            "implicit" => 3,

            // Four tasks (the image ones on the sample), one run per rule, task and seed: kept short.
            "lifelong" => 600,

            // Samples per task: four streams of five tasks, each rule with and without replay.
            "continual" => 150,
            _ => 1200,
        };
        int exit = new ExperimentRunnerCommand(TextWriter.Null, TextWriter.Null)
            .Run(experiment, SampleData.Sample, new ExperimentSettings(2, samples, algorithms), folder.Path, liveProgress: false);

        Assert.Equal(ExitCodes.Success, exit);
        string markdown = File.ReadAllText(folder.File("results.md"));
        Assert.Contains("il-prox", markdown);
        Assert.Contains("(±", markdown);
        using JsonDocument results = JsonDocument.Parse(File.ReadAllBytes(folder.File("results.json")));
        JsonElement root = results.RootElement;
        Assert.Equal("edgeil.results/1", root.GetProperty("schema").GetString());
        Assert.Equal(name, root.GetProperty("experiment").GetString());
        foreach (JsonElement table in root.GetProperty("tables").EnumerateArray())
        {
            foreach (JsonElement row in table.GetProperty("rows").EnumerateArray())
            {
                foreach (JsonElement cell in row.GetProperty("cells").EnumerateArray())
                {
                    if (cell.GetProperty("mean").ValueKind == JsonValueKind.Number)
                    {
                        Assert.True(double.IsFinite(cell.GetProperty("mean").GetDouble()));
                    }
                }
            }
        }

        // The implicit experiment makes no online runs; the continual one keeps its matrices in runs.json.
        Assert.Equal(name is "implicit" or "continual", root.GetProperty("runs").GetArrayLength() == 0);
        foreach (JsonElement run in root.GetProperty("runs").EnumerateArray())
        {
            Assert.Equal("edgeil.report/1", run.GetProperty("report").GetProperty("schema").GetString());
        }

        Assert.All(Directory.GetFiles(folder.Path, "*.png"), png => Assert.True(new FileInfo(png).Length > 10_000));
    }

    [Fact]
    public void Stability_ShortVersion_ILProxStaysUpWhereBPSgdCollapses()
    {
        using var folder = new TemporaryFolder();
        var stability = new StabilityExperiment();
        var settings = new ExperimentSettings(1, 1500, [LearningAlgorithm.ILProx, LearningAlgorithm.BPSgd]);
        var outcomes = ExperimentRunner.RunAll(stability.Plan(SampleData.Sample, settings), TextWriter.Null, live: false, CancellationToken.None);
        ExperimentSummary summary = stability.Summarise(outcomes, settings, folder.Path);
        SeedStatistics[] ilProx = summary.Tables[0].Row("il-prox");
        SeedStatistics[] bpSgd = summary.Tables[0].Row("bp-sgd");

        // At alpha = lr = 100 (the last column) IL-prox still learns; BP-SGD is at chance.
        Assert.True(ilProx[^1].Mean > 60, $"il-prox at 100: {ilProx[^1].Mean}");
        Assert.True(bpSgd[^1].Mean < 20, $"bp-sgd at 100: {bpSgd[^1].Mean}");
    }

    [Fact]
    public void Plan_AlphaAndLearningRateOverrides_ReachEveryRunOfTheRulesTheyConcern()
    {
        var settings = new ExperimentSettings(1, 100, [LearningAlgorithm.ILProx, LearningAlgorithm.BPSgd], Alpha: 0.5f, LearningRate: 0.001f, Epsilon: 10f);
        IReadOnlyList<ExperimentRun> plan = new AutoencoderExperiment().Plan(SampleData.Sample, settings);
        Assert.All(plan, run => Assert.Equal(0.5f, run.Options.Hyperparameters.Alpha));
        Assert.All(plan, run => Assert.Equal(0.001f, run.Options.Hyperparameters.LearningRate));
        Assert.All(plan, run => Assert.Equal(10f, run.Options.Hyperparameters.Epsilon));
        Assert.All(plan.Where(r => r.Row == "il-prox"), run => Assert.Equal(0.012f, run.Options.Hyperparameters.GammaBottom));
    }
}
