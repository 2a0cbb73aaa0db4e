using System.Diagnostics;
using System.Globalization;
using EdgeIL.Host.Runs;

namespace EdgeIL.Host.Console;

/// <summary>
/// Live progress of one or more concurrent runs: one line per run with a bar, samples per second
/// and the time left. On a terminal the lines are redrawn in place; into a file or pipe a line is
/// written at every tenth of a run, so logs stay readable.
/// </summary>
public sealed class ProgressBoard
{
    private const int BarWidth = 28;
    private static readonly long s_redrawTicks = Stopwatch.Frequency / 8;
    private readonly TextWriter _writer;
    private readonly bool _live;
    private readonly Row[] _rows;
    private readonly Lock _lock = new();
    private long _lastDraw;
    private bool _drawn;

    /// <summary>Creates a board with one row per name.</summary>
    /// <param name="writer">Where progress goes (standard error, so results on standard output stay clean).</param>
    /// <param name="live">Redraw in place (a terminal) rather than append lines.</param>
    /// <param name="names">One label per run.</param>
    public ProgressBoard(TextWriter writer, bool live, params string[] names)
    {
        _writer = writer;
        _live = live;
        _rows = names.Select(name => new Row(name)).ToArray();
    }

    /// <summary>True when standard error is a terminal that can be redrawn.</summary>
    public static bool ConsoleIsLive => !System.Console.IsErrorRedirected;

    /// <summary>The observer for run <paramref name="index"/>.</summary>
    public IRunObserver Observer(int index) => new RowObserver(this, index);

    /// <summary>Draws the final state once more and moves below the board.</summary>
    public void Finish()
    {
        lock (_lock)
        {
            Draw(force: true);
        }
    }

    private void Update(int index, long done, long total)
    {
        lock (_lock)
        {
            Row row = _rows[index];
            row.Start ??= Stopwatch.GetTimestamp();
            int previousTenth = row.Total == 0 ? -1 : (int)(10 * row.Done / row.Total);
            row.Done = done;
            row.Total = total;
            if (_live)
            {
                Draw(force: done >= total);
            }
            else if ((int)(10 * done / Math.Max(total, 1)) != previousTenth)
            {
                _writer.WriteLine(Format(row));
            }
        }
    }

    private void Draw(bool force)
    {
        long now = Stopwatch.GetTimestamp();
        if (!_live || (!force && now - _lastDraw < s_redrawTicks))
        {
            return;
        }

        _lastDraw = now;
        if (_drawn)
        {
            // Back to the first row of the board: ANSI "cursor up" by the number of rows.
            _writer.Write($"\u001b[{_rows.Length}A");
        }

        foreach (Row row in _rows)
        {
            _writer.Write("\r\u001b[2K");
            _writer.WriteLine(Format(row));
        }

        _writer.Flush();
        _drawn = true;
    }

    private static string Format(Row row)
    {
        double fraction = row.Total == 0 ? 0 : Math.Clamp((double)row.Done / row.Total, 0, 1);
        int filled = (int)Math.Round(fraction * BarWidth);
        double seconds = row.Start is { } start ? Stopwatch.GetElapsedTime(start).TotalSeconds : 0;
        double rate = seconds > 0 ? row.Done / seconds : 0;
        string left = rate > 0 && row.Done < row.Total ? TimeSpan.FromSeconds((row.Total - row.Done) / rate).ToString(@"m\:ss", CultureInfo.InvariantCulture) : "0:00";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{row.Name,-14} [{new string('#', filled)}{new string('.', BarWidth - filled)}] {row.Done,7}/{row.Total,-7} {rate,8:F0} samples/s  {left} left");
    }

    private sealed class Row(string name)
    {
        public string Name { get; } = name;

        public long Done { get; set; }

        public long Total { get; set; }

        public long? Start { get; set; }
    }

    private sealed class RowObserver(ProgressBoard board, int index) : IRunObserver
    {
        public void Progress(long done, long total) => board.Update(index, done, total);

        public void Evaluated(Evaluation evaluation)
        {
        }
    }
}
