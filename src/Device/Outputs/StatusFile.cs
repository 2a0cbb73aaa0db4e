using System.Buffers;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;

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
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _writer;
    private readonly string _temporaryPath;

    /// <summary>Initializes a new writer for <paramref name="path"/>.</summary>
    /// <param name="path">The status file; its folder must exist.</param>
    public StatusFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
        _temporaryPath = Path + ".tmp";
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Indented = true });
    }

    /// <summary>Gets the status file's full path.</summary>
    public string Path { get; }

    /// <summary>Replaces the file with <paramref name="status"/>.</summary>
    /// <param name="status">The status.</param>
    /// <exception cref="IOException">The file could not be written; the previous one is intact.</exception>
    public void Write(DeviceStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        _buffer.ResetWrittenCount();
        _writer.Reset();
        JsonSerializer.Serialize(_writer, status, DeviceStatusJsonContext.Default.DeviceStatus);
        _buffer.Write("\n"u8);
        using (SafeFileHandle file = File.OpenHandle(_temporaryPath, FileMode.Create, FileAccess.Write))
        {
            RandomAccess.Write(file, _buffer.WrittenSpan, fileOffset: 0);
        }

        File.Move(_temporaryPath, Path, overwrite: true);
    }

    /// <summary>Reads a status file back (for tests and tools).</summary>
    /// <param name="path">The status file.</param>
    /// <returns>The status.</returns>
    public static DeviceStatus Read(string path) =>
        JsonSerializer.Deserialize(File.ReadAllBytes(path), DeviceStatusJsonContext.Default.DeviceStatus)
        ?? throw new JsonException($"{path}: holds null, not a status");
}
