using System.Text.Json;

namespace EdgeIL.Device.Outputs;

/// <summary>
/// Writes <c>status.json</c> atomically: a reader (a dashboard, a health check, the end-to-end test)
/// sees either the previous status or the new one, never half of one.
/// </summary>
/// <remarks>
/// The file is written to a temporary name and renamed over the old one. It is not flushed to the
/// storage device: the status is rewritten every few seconds, and an fsync each time would wear an SD
/// card for nothing; after a power cut an older status, or none, is harmless.
/// </remarks>
public sealed class StatusFile
{
    private readonly MemoryStream _buffer = new();

    /// <summary>Initializes a new writer for <paramref name="path"/>.</summary>
    /// <param name="path">The status file; its folder must exist.</param>
    public StatusFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>Gets the status file's full path.</summary>
    public string Path { get; }

    /// <summary>Replaces the file with <paramref name="status"/>.</summary>
    /// <param name="status">The status.</param>
    /// <exception cref="IOException">The file could not be written; the previous one is intact.</exception>
    public void Write(DeviceStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        _buffer.SetLength(0);
        using (var writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Indented = true }))
        {
            JsonSerializer.Serialize(writer, status, DeviceStatusJsonContext.Default.DeviceStatus);
        }

        _buffer.WriteByte((byte)'\n');
        string temporary = Path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1))
        {
            file.Write(_buffer.GetBuffer(), 0, (int)_buffer.Length);
        }

        File.Move(temporary, Path, overwrite: true);
    }

    /// <summary>Reads a status file back (for tests and tools).</summary>
    /// <param name="path">The status file.</param>
    /// <returns>The status.</returns>
    public static DeviceStatus Read(string path) =>
        JsonSerializer.Deserialize(File.ReadAllBytes(path), DeviceStatusJsonContext.Default.DeviceStatus)
        ?? throw new JsonException($"{path}: holds null, not a status");
}
