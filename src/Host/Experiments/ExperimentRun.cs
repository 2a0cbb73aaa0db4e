using EdgeIL.Host.Data;
using EdgeIL.Host.Runs;

namespace EdgeIL.Host.Experiments;

/// <summary>One run of an experiment: which table cell it feeds, and how it is run.</summary>
/// <param name="Row">The table row (usually the algorithm).</param>
/// <param name="Column">The table column when runs differ by column (a learning rate, a data size); empty otherwise.</param>
/// <param name="Data">The data it streams.</param>
/// <param name="Options">The run's options, seed included.</param>
public sealed record ExperimentRun(string Row, string Column, TrainTestData Data, RunOptions Options);

/// <summary>A finished experiment run.</summary>
public sealed record ExperimentOutcome(ExperimentRun Run, RunResult Result);

/// <summary>Runs many experiment runs, as many at once as there are cores, with one progress line for all of them.</summary>
public static class ExperimentRunner
{
    /// <summary>Runs everything; stops early (results marked partial) when <paramref name="cancellation"/> fires.</summary>
    public static IReadOnlyList<ExperimentOutcome> RunAll(IReadOnlyList<ExperimentRun> runs, TextWriter progress, bool live, CancellationToken cancellation)
    {
        long total = runs.Sum(r => r.Options.Samples ?? r.Data.Train.Count);
        var observer = new SharedProgress(new Console.ProgressBoard(progress, live, $"{runs.Count} runs").Observer(0), total, runs.Count);
        var outcomes = new ExperimentOutcome[runs.Count];
        Parallel.For(
            0,
            runs.Count,
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            i => outcomes[i] = new ExperimentOutcome(runs[i], OnlineRun.Execute(runs[i].Data, runs[i].Options, observer.For(i), cancellation)));
        observer.Complete();
        return outcomes;
    }
}

/// <summary>Adds up the progress of concurrent runs into one bar.</summary>
internal sealed class SharedProgress(IRunObserver target, long total, int runs)
{
    private readonly long[] _done = new long[runs];
    private readonly Lock _lock = new();

    public IRunObserver For(int index) => new Part(this, index);

    public void Complete()
    {
        lock (_lock)
        {
            target.Progress(_done.Sum(), total);
        }
    }

    private void Update(int index, long done)
    {
        lock (_lock)
        {
            _done[index] = done;
            target.Progress(_done.Sum(), total);
        }
    }

    private sealed class Part(SharedProgress shared, int index) : IRunObserver
    {
        public void Progress(long done, long total) => shared.Update(index, done);

        public void Evaluated(Evaluation evaluation)
        {
        }
    }
}
