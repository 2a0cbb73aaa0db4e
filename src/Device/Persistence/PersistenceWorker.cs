using EdgeIL.Learner;
using EdgeIL.Learner.Checkpoints;

namespace EdgeIL.Device.Persistence;

/// <summary>
/// Saves checkpoints and exports the model on a background thread, so the loop never waits for the
/// storage device: the loop takes a snapshot of the learner in memory (a checkpoint written to a
/// reused buffer, fast and exact) and the worker writes files from the snapshot.
/// </summary>
/// <remarks>
/// One job at a time: while a job runs, <see cref="TrySubmit"/> refuses the next and the loop tries again
/// on a later tick, so a slow card delays saves rather than piling them up.
/// </remarks>
public sealed class PersistenceWorker : IDisposable
{
    private readonly CheckpointStore _store;
    private readonly Action<OnlineLearner, string>? _exporter;
    private readonly string _exportPath;
    private readonly Action<string> _log;
    private readonly MemoryStream _snapshot = new();
    private readonly MemoryStream _knownGoodSnapshot = new();
    private readonly SemaphoreSlim _jobReady = new(0);
    private readonly ManualResetEventSlim _idle = new(initialState: true);
    private readonly Thread _thread;
    private volatile bool _stopping;
    private volatile bool _busy;
    private bool _jobCheckpoint;
    private bool _jobExport;
    private bool _jobKnownGood;
    private long _jobSamples;
    private long _checkpointsSaved;
    private long _exports;
    private long _faults;
    private string? _lastCheckpoint;
    private string? _lastFault;

    /// <summary>Initializes a new worker and starts its thread.</summary>
    /// <param name="store">Where checkpoints go.</param>
    /// <param name="exporter">Writes a model file (ONNX) to a path atomically; null when export is unavailable.</param>
    /// <param name="exportPath">The export file.</param>
    /// <param name="log">Receives one line per save, export or failure.</param>
    public PersistenceWorker(CheckpointStore store, Action<OnlineLearner, string>? exporter, string exportPath, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(exportPath);
        ArgumentNullException.ThrowIfNull(log);
        _store = store;
        _exporter = exporter;
        _exportPath = exportPath;
        _log = log;
        _thread = new Thread(Work) { IsBackground = true, Name = "edgeil persistence" };
        _thread.Start();
    }

    /// <summary>Gets the checkpoints saved.</summary>
    public long CheckpointsSaved => Interlocked.Read(ref _checkpointsSaved);

    /// <summary>Gets the exports written.</summary>
    public long Exports => Interlocked.Read(ref _exports);

    /// <summary>Gets the failed saves and exports.</summary>
    public long Faults => Interlocked.Read(ref _faults);

    /// <summary>Gets the newest checkpoint saved.</summary>
    public string? LastCheckpoint => Volatile.Read(ref _lastCheckpoint);

    /// <summary>Gets the latest failure's message.</summary>
    public string? LastFault => Volatile.Read(ref _lastFault);

    /// <summary>Snapshots <paramref name="learner"/> and hands the writing to the worker thread.</summary>
    /// <param name="learner">The learner; it may change again as soon as this returns.</param>
    /// <param name="checkpoint">True to save a checkpoint.</param>
    /// <param name="export">True to export the model.</param>
    /// <param name="knownGood">The safety net's known-good learner, to save to its own file as well; null for none.</param>
    /// <returns>True when the job was taken; false while the previous job still runs.</returns>
    public bool TrySubmit(OnlineLearner learner, bool checkpoint, bool export, OnlineLearner? knownGood = null)
    {
        ArgumentNullException.ThrowIfNull(learner);
        if (_busy || _stopping || !(checkpoint || export))
        {
            return false;
        }

        _jobKnownGood = false;
        if (knownGood is not null)
        {
            _knownGoodSnapshot.SetLength(0);
            try
            {
                Checkpoint.Save(knownGood, _knownGoodSnapshot);
                _jobKnownGood = true;
            }
            catch (ArgumentException exception)
            {
                Fault($"known-good snapshot refused: {exception.Message}");
            }
        }

        _snapshot.SetLength(0);
        try
        {
            Checkpoint.Save(learner, _snapshot);
        }
        catch (ArgumentException exception)
        {
            // The learner holds a state no checkpoint can be loaded from (a non-finite weight).
            Fault($"snapshot refused: {exception.Message}");
            return true;
        }

        _jobCheckpoint = checkpoint;
        _jobSamples = learner.SamplesSeen;
        _jobExport = export && _exporter is not null;
        if (export && _exporter is null)
        {
            Fault("ONNX export was requested, but this build has no exporter");
        }

        _busy = true;
        _idle.Reset();
        _jobReady.Release();
        return true;
    }

    /// <summary>Waits until the running job, if any, is done.</summary>
    /// <param name="timeout">The longest wait.</param>
    /// <returns>True when the worker is idle.</returns>
    public bool WaitIdle(TimeSpan timeout)
    {
        return _idle.Wait(timeout);
    }

    /// <summary>Saves a checkpoint (and an export, if asked) on the calling thread, after the worker is idle (shutdown).</summary>
    /// <param name="learner">The learner.</param>
    /// <param name="export">True to export the model too.</param>
    public void SaveNow(OnlineLearner learner, bool export)
    {
        ArgumentNullException.ThrowIfNull(learner);
        WaitIdle(TimeSpan.FromMinutes(1));
        Write(learner, checkpoint: true, export && _exporter is not null);
    }

    /// <summary>Saves the known-good model on the calling thread, after the worker is idle (shutdown).</summary>
    /// <param name="knownGood">The safety net's known-good learner.</param>
    public void SaveKnownGoodNow(OnlineLearner knownGood)
    {
        ArgumentNullException.ThrowIfNull(knownGood);
        WaitIdle(TimeSpan.FromMinutes(1));
        _knownGoodSnapshot.SetLength(0);
        try
        {
            Checkpoint.Save(knownGood, _knownGoodSnapshot);
        }
        catch (ArgumentException exception)
        {
            Fault($"known-good snapshot refused: {exception.Message}");
            return;
        }

        WriteKnownGood();
    }

    /// <summary>Stops the thread after its running job.</summary>
    public void Dispose()
    {
        _stopping = true;
        _jobReady.Release();
        if (_thread.Join(TimeSpan.FromMinutes(1)))
        {
            // Only a thread that has ended is certain not to touch them again.
            _jobReady.Dispose();
            _idle.Dispose();
        }
    }

    private void Work()
    {
        while (true)
        {
            _jobReady.Wait();
            if (!_busy)
            {
                if (_stopping)
                {
                    return;
                }

                continue;
            }

            try
            {
                if (_jobExport)
                {
                    // Exporting needs a model; it runs on request, not every few minutes.
                    _snapshot.Position = 0;
                    OnlineLearner copy = Checkpoint.Load(_snapshot);
                    Write(copy, _jobCheckpoint, export: true);
                }
                else if (_jobCheckpoint)
                {
                    SaveCheckpoint(() => _store.Save(_snapshot, _jobSamples), _jobSamples);
                }

                if (_jobKnownGood)
                {
                    WriteKnownGood();
                }
            }
            catch (CheckpointFormatException exception)
            {
                Fault($"snapshot unreadable: {exception.Message}");
            }
            finally
            {
                _busy = false;
                _idle.Set();
            }
        }
    }

    private void SaveCheckpoint(Func<string> save, long samplesSeen)
    {
        try
        {
            string path = save();
            Volatile.Write(ref _lastCheckpoint, path);
            Interlocked.Increment(ref _checkpointsSaved);
            _log($"checkpoint saved: {path} ({samplesSeen} samples seen)");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException)
        {
            Fault($"checkpoint failed: {exception.Message}");
        }
    }

    private void Write(OnlineLearner learner, bool checkpoint, bool export)
    {
        if (checkpoint)
        {
            SaveCheckpoint(() => _store.Save(learner), learner.SamplesSeen);
        }

        if (export && _exporter is not null)
        {
            try
            {
                _exporter(learner, _exportPath);
                Interlocked.Increment(ref _exports);
                _log($"model exported: {_exportPath}");
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                Fault($"export failed: {exception.Message}");
            }
        }
    }

    private void WriteKnownGood()
    {
        try
        {
            _store.SaveKnownGood(_knownGoodSnapshot);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Fault($"known-good model not saved: {exception.Message}");
        }
    }

    private void Fault(string message)
    {
        Interlocked.Increment(ref _faults);
        Volatile.Write(ref _lastFault, message);
        _log(message);
    }
}
