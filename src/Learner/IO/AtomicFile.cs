using System.Text;

namespace EdgeIL.Learner.IO;

/// <summary>
/// Replaces a file so that a crash or power cut leaves either the old file or the whole new one:
/// the bytes go to <c>path + ".tmp"</c> in the same directory (a rename is atomic only within one
/// file system), are flushed to the storage device, and the temporary is renamed over the target.
/// Every file EdgeIL writes for a user (checkpoints, ONNX models, datasets, reports, status) goes
/// through here, so there is one place where that promise is kept.
/// </summary>
/// <remarks>
/// The directory entry itself is not flushed (.NET has no portable call for it): after a power cut
/// right after a write the newest file may be missing, but the file at the path is always complete.
/// </remarks>
public static class AtomicFile
{
    /// <summary>What the temporary file's name adds to the target's.</summary>
    public const string TemporarySuffix = ".tmp";

    /// <summary>Atomically replaces (or creates) <paramref name="path"/> with what <paramref name="write"/> writes.</summary>
    /// <param name="path">The target; its directory must exist.</param>
    /// <param name="write">Writes the complete new contents to the stream it is given.</param>
    /// <param name="expectedLength">The contents' length when known: reserving it first makes a full disk fail before anything is written.</param>
    public static void Write(string path, Action<Stream> write, long expectedLength = 0) => Write(path, write, expectedLength, wrapDestination: null);

    /// <summary>Atomically replaces (or creates) <paramref name="path"/> with <paramref name="contents"/>.</summary>
    public static void WriteAllBytes(string path, byte[] contents) => Write(path, stream => stream.Write(contents), contents.Length);

    /// <summary>Atomically replaces (or creates) <paramref name="path"/> with <paramref name="text"/> in UTF-8, without a byte order mark.</summary>
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, new UTF8Encoding(false).GetBytes(text));

    /// <summary>
    /// Starts replacing <paramref name="path"/>: write the contents to <see cref="AtomicFileWriter.Stream"/>,
    /// then <see cref="AtomicFileWriter.Commit"/>. Disposing without committing leaves the old file as it was.
    /// </summary>
    /// <param name="path">The target; its directory must exist.</param>
    /// <param name="expectedLength">The contents' length when known: reserving it first makes a full disk fail before anything is written.</param>
    public static AtomicFileWriter Begin(string path, long expectedLength = 0) => new(path, expectedLength, wrapDestination: null);

    /// <summary>As <see cref="Write(string, Action{Stream}, long)"/>; <paramref name="wrapDestination"/> lets tests make a write fail part way.</summary>
    internal static void Write(string path, Action<Stream> write, long expectedLength, Func<Stream, Stream>? wrapDestination)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var writer = new AtomicFileWriter(path, expectedLength, wrapDestination);
        write(writer.Stream);
        writer.Commit();
    }
}

/// <summary>One atomic replacement of a file in progress; see <see cref="AtomicFile.Begin"/>.</summary>
public sealed class AtomicFileWriter : IDisposable
{
    private readonly string _path;
    private readonly string _temporaryPath;
    private readonly FileStream _file;
    private bool _committed;
    private bool _disposed;

    internal AtomicFileWriter(string path, long expectedLength, Func<Stream, Stream>? wrapDestination)
    {
        _path = Path.GetFullPath(path);
        _temporaryPath = _path + AtomicFile.TemporarySuffix;

        // Exclusive, so two writers to one path at once make the second fail rather than
        // interleave; that temporary is then the other writer's, not ours to delete.
        _file = new FileStream(_temporaryPath, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            Share = FileShare.None,
            PreallocationSize = Math.Max(0, expectedLength),
        });
        Stream = wrapDestination?.Invoke(_file) ?? _file;
    }

    /// <summary>Where the new contents go.</summary>
    public Stream Stream { get; }

    /// <summary>Flushes the contents to the storage device and renames them over the target.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            Stream.Flush();

            // Without this the rename can reach the disk before the data, and a power cut on a
            // board would leave a complete-looking file of zeros.
            _file.Flush(flushToDisk: true);
            _file.Dispose();
            File.Move(_temporaryPath, _path, overwrite: true);
            _committed = true;
        }
        finally
        {
            Dispose();
        }
    }

    /// <summary>Abandons an uncommitted write: the temporary is deleted and the target is untouched.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _file.Dispose();
        if (!_committed)
        {
            TryDelete(_temporaryPath);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The write's own exception is the one worth reporting; a leftover temporary is
            // overwritten by the next write.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
