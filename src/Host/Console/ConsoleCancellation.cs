namespace EdgeIL.Host.Console;

/// <summary>
/// Turns Ctrl-C (and SIGTERM) into a cancellation request, so a run stops at the next sample and
/// still writes what it measured, marked partial, instead of the process dying mid-write.
/// </summary>
public sealed class ConsoleCancellation : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly System.Runtime.InteropServices.PosixSignalRegistration _terminate;

    /// <summary>Starts listening.</summary>
    public ConsoleCancellation()
    {
        System.Console.CancelKeyPress += OnCancelKeyPress;
        _terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM,
            context =>
            {
                context.Cancel = true;
                _source.Cancel();
            });
    }

    /// <summary>Fires on the first Ctrl-C or SIGTERM.</summary>
    public CancellationToken Token => _source.Token;

    /// <inheritdoc/>
    public void Dispose()
    {
        System.Console.CancelKeyPress -= OnCancelKeyPress;
        _terminate.Dispose();
        _source.Dispose();
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        // A second Ctrl-C after the first has been seen ends the process the usual way.
        e.Cancel = !_source.IsCancellationRequested;
        _source.Cancel();
    }
}
