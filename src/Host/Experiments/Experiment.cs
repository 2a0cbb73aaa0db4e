using EdgeIL.Host.Data;
using EdgeIL.Host.Runs;
using EdgeIL.Learner;

namespace EdgeIL.Host.Experiments;

/// <summary>What the user asked of an experiment.</summary>
/// <param name="Seeds">Seeds per configuration (1, 2, ...).</param>
/// <param name="Samples">Samples per run; null for the experiment's default.</param>
/// <param name="Algorithms">The rules to compare; null for the experiment's default.</param>
/// <param name="Alpha">Overrides the proximal rules' alpha in experiments that do not sweep it; null for algorithms.md's.</param>
/// <param name="LearningRate">Overrides the other rules' learning rate in experiments that do not sweep it; null for algorithms.md's.</param>
/// <param name="Epsilon">Overrides the damping eps of the normalised rules; null for algorithms.md's 0.25.</param>
/// <param name="Tasks">The tasks to run, in experiments made of several (lifelong); null for all of them.</param>
/// <param name="DataFolder">Where fetched datasets are (<c>--data-dir</c>); null for the per-user data folder.</param>
/// <param name="Replay">The replay memory of the continual experiment's "+ replay" rows; null for its default.</param>
/// <param name="TaskColumn">The continual experiment's task column in a CSV log; null for <c>task</c>.</param>
/// <param name="LabelColumn">The class column in a CSV log; null for <c>label</c>.</param>
public sealed record ExperimentSettings(int Seeds, long? Samples, IReadOnlyList<LearningAlgorithm>? Algorithms, float? Alpha = null, float? LearningRate = null, float? Epsilon = null, IReadOnlyList<string>? Tasks = null, string? DataFolder = null, ReplayMemorySettings? Replay = null, string? TaskColumn = null, string? LabelColumn = null)
{
    /// <summary>The settings of <paramref name="algorithm"/> in this experiment: the dataset's defaults with the overrides applied.</summary>
    public Hyperparameters For(LearningAlgorithm algorithm, string dataset, LearningTask task = LearningTask.Classify) =>
        Overriding(PaperDefaults.For(algorithm, dataset, task));

    /// <summary><paramref name="defaults"/> with this experiment's overrides (alpha, learning rate, eps) applied.</summary>
    public Hyperparameters Overriding(Hyperparameters defaults)
    {
        return defaults.With(alpha: Alpha, learningRate: LearningRate, epsilon: Epsilon);
    }
}

/// <summary>The tables and charts an experiment made.</summary>
/// <param name="Tables">Result tables, mean and standard deviation over seeds.</param>
/// <param name="Charts">File names of the PNG charts, relative to the output folder.</param>
/// <param name="Notes">Markdown: what was run, and how to read the tables.</param>
public sealed record ExperimentSummary(IReadOnlyList<ResultTable> Tables, IReadOnlyList<string> Charts, string Notes);

/// <summary>What an experiment produced: its summary, and the online runs behind it (if it made any).</summary>
public sealed record ExperimentReport(ExperimentSummary Summary, IReadOnlyList<ExperimentOutcome> Outcomes, bool Partial);

/// <summary>One of the paper's experiments, by name.</summary>
public abstract class Experiment
{
    /// <summary>The experiments by name.</summary>
    public static IReadOnlyList<Experiment> All { get; } =
    [
        new OnlineExperiment(),
        new StabilityExperiment(),
        new AutoencoderExperiment(),
        new MinibatchExperiment(),
        new DataConstrainedExperiment(),
        new ImplicitExperiment(),
        new LifelongExperiment(),
        new Continual.ContinualExperiment(),
    ];

    /// <summary>The name used on the command line.</summary>
    public abstract string Name { get; }

    /// <summary>The data it runs on unless told otherwise.</summary>
    public abstract string DefaultData { get; }

    /// <summary>The names <c>--tasks</c> chooses from, for experiments made of several tasks or streams; null when it takes none.</summary>
    public virtual IReadOnlyList<string>? TaskNames => null;

    /// <summary>Seeds per configuration unless told otherwise.</summary>
    public virtual int DefaultSeeds => 3;

    /// <summary>Loads the data named by <c>--data</c> (<paramref name="spec"/>), or <see cref="DefaultData"/> when it was not given.</summary>
    public virtual TrainTestData Load(string? spec, string? dataFolder) => DatasetCatalog.Load(spec ?? DefaultData, dataFolder: dataFolder);

    /// <summary>What the experiment runs on, for titles and results.json: the data's name unless it picks data per task.</summary>
    public virtual string DataName(TrainTestData data, ExperimentSettings settings) => data.Name;

    /// <summary>The <c>--data</c> argument that reproduces a run on <paramref name="data"/>.</summary>
    public virtual string? DataArgument(TrainTestData data) => data.Name;

    /// <summary>Runs the experiment, writes its charts into <paramref name="outFolder"/>, and returns its tables.</summary>
    public abstract ExperimentReport Run(TrainTestData data, ExperimentSettings settings, string outFolder, TextWriter progress, bool live, CancellationToken cancellation);
}

/// <summary>An experiment made of online runs: a plan of runs, and how their results are summarised.</summary>
public abstract class OnlineRunExperiment : Experiment
{
    /// <summary>The runs to make.</summary>
    public abstract IReadOnlyList<ExperimentRun> Plan(TrainTestData data, ExperimentSettings settings);

    /// <summary>Builds the tables and writes the charts into <paramref name="outFolder"/>.</summary>
    public abstract ExperimentSummary Summarise(IReadOnlyList<ExperimentOutcome> outcomes, ExperimentSettings settings, string outFolder);

    /// <inheritdoc/>
    public override ExperimentReport Run(TrainTestData data, ExperimentSettings settings, string outFolder, TextWriter progress, bool live, CancellationToken cancellation)
    {
        IReadOnlyList<ExperimentOutcome> outcomes = ExperimentRunner.RunAll(Plan(data, settings), progress, live, cancellation);
        Directory.CreateDirectory(outFolder);
        return new ExperimentReport(Summarise(outcomes, settings, outFolder), outcomes, outcomes.Any(o => o.Result.Partial));
    }

    /// <summary>Values of one measurement for every seed of the runs in row <paramref name="row"/> and column <paramref name="column"/>.</summary>
    protected static IReadOnlyList<double> Values(IReadOnlyList<ExperimentOutcome> outcomes, string row, string column, Func<Runs.RunResult, double> measure) =>
        outcomes.Where(o => o.Run.Row == row && o.Run.Column == column).Select(o => measure(o.Result)).ToArray();

    /// <summary>Each row's rule with the settings it ran with (alpha or learning rate), for the notes.</summary>
    protected static string SettingsOf(IReadOnlyList<ExperimentOutcome> outcomes) => string.Join(
        "; ",
        outcomes.GroupBy(o => o.Run.Row).Select(g =>
        {
            Runs.RunOptions options = g.First().Run.Options;
            Hyperparameters h = options.Hyperparameters;
            string rate = options.Algorithm.IsNormalized() && !options.Algorithm.UsesAdam()
                ? FormattableString.Invariant($"alpha {h.Alpha}, eps {h.Epsilon}")
                : options.Algorithm.UsesProximalTarget() ? FormattableString.Invariant($"alpha {h.Alpha}, lr {h.LearningRate}") : FormattableString.Invariant($"lr {h.LearningRate}");
            return $"{g.Key} {rate}";
        }));

    /// <summary>The distinct rows in plan order.</summary>
    protected static IReadOnlyList<string> Rows(IReadOnlyList<ExperimentOutcome> outcomes) =>
        outcomes.Select(o => o.Run.Row).Distinct().ToArray();
}
