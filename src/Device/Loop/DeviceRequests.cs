namespace EdgeIL.Device.Loop;

/// <summary>
/// Requests to the running loop from other threads (signal handlers, buttons, standard input): export
/// the model, save a checkpoint now, or stop. The loop takes them between ticks.
/// </summary>
public sealed class DeviceRequests : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private int _export;
    private int _checkpoint;

    /// <summary>Gets a token cancelled when a stop is requested.</summary>
    public CancellationToken StopToken => _stop.Token;

    /// <summary>Gets a value indicating whether a stop was requested.</summary>
    public bool StopRequested => _stop.IsCancellationRequested;

    /// <summary>Gets why the stop was requested, for the log; null before.</summary>
    public string? StopReason { get; private set; }

    /// <summary>Asks for an ONNX export of the current model.</summary>
    public void RequestExport() => Interlocked.Exchange(ref _export, 1);

    /// <summary>Asks for a checkpoint now.</summary>
    public void RequestCheckpoint() => Interlocked.Exchange(ref _checkpoint, 1);

    /// <summary>Asks the loop to stop after the current tick (a checkpoint is saved on the way out).</summary>
    /// <param name="reason">Why, for the log, for example "SIGTERM".</param>
    public void RequestStop(string reason)
    {
        StopReason ??= reason;
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // A signal that arrives while the process is already tearing down has nothing left to stop.
        }
    }

    /// <summary>Takes a pending export request.</summary>
    /// <returns>True when an export was requested since the previous call.</returns>
    public bool TakeExport() => Interlocked.Exchange(ref _export, 0) == 1;

    /// <summary>Takes a pending checkpoint request.</summary>
    /// <returns>True when a checkpoint was requested since the previous call.</returns>
    public bool TakeCheckpoint() => Interlocked.Exchange(ref _checkpoint, 0) == 1;

    /// <inheritdoc/>
    public void Dispose() => _stop.Dispose();
}
