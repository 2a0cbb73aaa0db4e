namespace EdgeIL.Learner.Onnx;

/// <summary>
/// Replaces a file so that a crash or power cut leaves either the old file or the whole new one:
/// the bytes go to <c>path + ".tmp"</c> in the same directory (a rename is atomic only within one
/// file system), are flushed to the storage device, and the temporary is renamed over the target.
/// </summary>
internal static class AtomicFile
{
    /// <summary>What the temporary file's name adds to the target's.</summary>
    public const string TemporarySuffix = ".tmp";

    /// <summary>Atomically replaces (or creates) <paramref name="path"/> with <paramref name="contents"/>.</summary>
    /// <param name="path">The target; its directory must exist.</param>
    /// <param name="contents">The complete new contents.</param>
    /// <param name="wrapDestination">Passes the temporary file's stream through a wrapper, so tests can make a write fail part way; null in production.</param>
    public static void Write(string path, ReadOnlySpan<byte> contents, Func<Stream, Stream>? wrapDestination = null)
    {
        string fullPath = Path.GetFullPath(path);
        string temporaryPath = fullPath + TemporarySuffix;

        // Exclusive, so two exports to one path at once make the second fail rather than interleave;
        // that file is then the other writer's, not ours to delete.
        FileStream file = new(temporaryPath, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            Share = FileShare.None,

            // Reserving the space first makes a full disk fail here, before anything is written.
            PreallocationSize = contents.Length,
        });
        try
        {
            using (file)
            {
                Stream destination = wrapDestination?.Invoke(file) ?? file;
                destination.Write(contents);
                destination.Flush();
                file.Flush(flushToDisk: true);
            }

            File.Move(temporaryPath, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporaryPath);
            throw;
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
            // overwritten by the next export.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
