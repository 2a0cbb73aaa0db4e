using EdgeIL.Device.Loop;

namespace EdgeIL.Device.Targets;

/// <summary>
/// Targets and commands from the line protocol (<see cref="LineProtocol"/>) read from a text reader,
/// normally standard input, on a background thread.
/// </summary>
public sealed class LineProtocolTargets : ITargetSource
{
    private readonly TextReader _input;
    private readonly TextWriter _errors;
    private readonly DeviceRequests _requests;
    private readonly int _classCount;
    private Thread? _reader;
    private int _held = -1;
    private int _once = -1;

    /// <summary>Initializes a new source.</summary>
    /// <param name="input">The lines to read; not disposed by the source (standard input stays open).</param>
    /// <param name="errors">Where parse errors are reported.</param>
    /// <param name="requests">Where export, checkpoint and quit commands go.</param>
    /// <param name="classCount">The number of classes, range &gt;= 1.</param>
    public LineProtocolTargets(TextReader input, TextWriter errors, DeviceRequests requests, int classCount)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        _input = input;
        _errors = errors;
        _requests = requests;
        _classCount = classCount;
    }

    /// <inheritdoc/>
    public string Description => $"lines on standard input (classes 0..{_classCount - 1})";

    /// <summary>Gets the number of lines read.</summary>
    public long LinesRead { get; private set; }

    /// <inheritdoc/>
    public void Start()
    {
        if (_reader is not null)
        {
            return;
        }

        // A dedicated thread, because a console read blocks until a line arrives and must not tie up a
        // thread-pool thread the sampling tasks need.
        _reader = new Thread(ReadAll) { IsBackground = true, Name = "edgeil stdin" };
        _reader.Start();
    }

    /// <summary>Applies one line as the reader thread does.</summary>
    /// <param name="line">The line.</param>
    /// <returns>True when the line was valid.</returns>
    public bool Apply(string line)
    {
        LinesRead++;
        if (!LineProtocol.TryParse(line, _classCount, out LineCommand command, out string? error))
        {
            _errors.WriteLine($"stdin line {LinesRead}: {error}");
            return false;
        }

        switch (command.Kind)
        {
            case LineCommandKind.Hold:
                Volatile.Write(ref _held, command.Label);
                break;
            case LineCommandKind.Once:
                Volatile.Write(ref _once, command.Label);
                break;
            case LineCommandKind.Clear:
                Volatile.Write(ref _held, -1);
                Volatile.Write(ref _once, -1);
                break;
            case LineCommandKind.Export:
                _requests.RequestExport();
                break;
            case LineCommandKind.Checkpoint:
                _requests.RequestCheckpoint();
                break;
            case LineCommandKind.Quit:
                _requests.RequestStop("quit on standard input");
                break;
        }

        return true;
    }

    /// <inheritdoc/>
    public int CurrentLabel(int frameLabel)
    {
        int once = Interlocked.Exchange(ref _once, -1);
        return once >= 0 ? once : Volatile.Read(ref _held);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        // The reader thread is a background thread blocked in ReadLine; it ends with the process.
    }

    private void ReadAll()
    {
        try
        {
            while (_input.ReadLine() is { } line)
            {
                Apply(line);
            }
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException)
        {
            _errors.WriteLine($"stdin: stopped reading: {exception.Message}");
        }

        // End of input (a pipe closed, no terminal under systemd) leaves no one to hold a label.
        Volatile.Write(ref _held, -1);
    }
}
