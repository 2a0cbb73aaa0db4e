using Microsoft.Win32.SafeHandles;

namespace EdgeIL.Device.Streams;

/// <summary>
/// A temporary file that holds data converted for random access (a CSV file's parsed values, a gzip
/// file's decompressed images), so that the data need not be held in memory.
/// </summary>
/// <remarks>
/// The file lives in <see cref="Path.GetTempPath"/> (<c>$TMPDIR</c>, else <c>/tmp</c>). On Linux it is
/// unlinked as soon as it is open, so no name is left behind even when the process is killed, and its
/// space is returned when the handle closes. On a board whose <c>/tmp</c> is a RAM disk, point
/// <c>TMPDIR</c> at the card, or the scratch data costs RAM after all.
/// </remarks>
internal static class ScratchFile
{
    /// <summary>Creates an empty scratch file open for reading and writing.</summary>
    /// <param name="purpose">What the file is for, in the message if it cannot be created.</param>
    /// <returns>The open file.</returns>
    /// <exception cref="IOException">The temporary folder cannot take a new file; the message names it.</exception>
    public static SafeFileHandle Create(string purpose)
    {
        string folder = Path.GetTempPath();
        string path = Path.Combine(folder, $"edgeil-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(
                path,
                FileMode.CreateNew,
                FileAccess.ReadWrite,
                FileShare.None,
                OperatingSystem.IsWindows() ? FileOptions.DeleteOnClose : FileOptions.None);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{folder}: cannot create a scratch file for {purpose} ({exception.Message}); set TMPDIR to a writable folder.", exception);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.Delete(path);
        }

        return handle;
    }

    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/> of a scratch file.</summary>
    /// <param name="file">The scratch file.</param>
    /// <param name="data">The bytes.</param>
    /// <param name="offset">Where they go.</param>
    /// <exception cref="IOException">The temporary folder is full; the message names it.</exception>
    public static void Write(SafeFileHandle file, ReadOnlySpan<byte> data, long offset)
    {
        try
        {
            RandomAccess.Write(file, data, offset);
        }
        catch (IOException exception)
        {
            throw new IOException($"{Path.GetTempPath()}: cannot write scratch data ({exception.Message}); free space there or set TMPDIR to a folder with room.", exception);
        }
    }
}
