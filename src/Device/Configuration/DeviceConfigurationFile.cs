using System.Text.Json;
using EdgeIL.Device.Sources;
using EdgeIL.Device.Streams;
using EdgeIL.Learner;

namespace EdgeIL.Device.Configuration;

/// <summary>Reads a configuration file and validates it, reporting every problem by file and field.</summary>
public static class DeviceConfigurationFile
{
    /// <summary>Reads and validates the configuration at <paramref name="path"/>.</summary>
    /// <param name="path">The JSON file.</param>
    /// <returns>The configuration, with the folder its relative paths are taken from.</returns>
    /// <exception cref="ConfigurationException">
    /// The file cannot be read, is not valid JSON for a configuration, or holds values out of range. The
    /// message names the file and each field: <c>imu-anomaly.json: source.imu.i2cBus: must be 0..10; got 12</c>.
    /// </exception>
    public static LoadedConfiguration Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fileName = Path.GetFileName(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"{fileName}: cannot be read: {exception.Message}", exception);
        }

        DeviceConfiguration configuration = Parse(bytes, fileName);
        string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? Directory.GetCurrentDirectory();
        return new LoadedConfiguration(configuration, Path.GetFullPath(path), folder);
    }

    /// <summary>Parses and validates configuration JSON.</summary>
    /// <param name="utf8Json">The file's bytes.</param>
    /// <param name="fileName">The name errors are reported under.</param>
    /// <returns>The valid configuration.</returns>
    /// <exception cref="ConfigurationException">The JSON is malformed or a value is out of range.</exception>
    public static DeviceConfiguration Parse(ReadOnlySpan<byte> utf8Json, string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);

        // Editors on Windows save UTF-8 with a byte-order mark; the JSON reader refuses one, a person would not.
        if (utf8Json.StartsWith("\uFEFF"u8))
        {
            utf8Json = utf8Json[3..];
        }

        DeviceConfiguration? configuration;
        try
        {
            configuration = JsonSerializer.Deserialize(utf8Json, DeviceConfigurationJsonContext.Default.DeviceConfiguration);
        }
        catch (JsonException exception)
        {
            throw new ConfigurationException($"{fileName}: {Describe(exception)}", exception);
        }

        if (configuration is null)
        {
            throw new ConfigurationException($"{fileName}: the file holds null; expected an object of settings");
        }

        IReadOnlyList<string> errors = ConfigurationValidator.Validate(configuration);
        if (errors.Count > 0)
        {
            throw new ConfigurationException([.. errors.Select(error => $"{fileName}: {error}")]);
        }

        return configuration;
    }

    private static string Describe(JsonException exception)
    {
        // System.Text.Json reports "$.source.imu.i2cBus"; the validator's names have no "$." in front.
        string field = exception.Path is { Length: > 2 } jsonPath && jsonPath.StartsWith("$.", StringComparison.Ordinal)
            ? jsonPath[2..]
            : "(top level)";
        string where = exception.LineNumber is { } line ? $" (line {line + 1})" : string.Empty;
        string message = exception.Message;
        if (message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            int start = message.IndexOf('\'', StringComparison.Ordinal);
            int end = start < 0 ? -1 : message.IndexOf('\'', start + 1);
            string name = end > start ? message[(start + 1)..end] : "?";
            // The path already ends in the unknown name; older serializers stopped at its parent.
            string path = field == "(top level)" ? name
                : field == name || field.EndsWith("." + name, StringComparison.Ordinal) ? field
                : $"{field}.{name}";
            return $"{path}: is not a known setting{where}";
        }

        // The framework's message ends in its own "Path: ... | LineNumber: ..." suffix, repeated above.
        int suffix = message.IndexOf(" Path:", StringComparison.Ordinal);
        string detail = suffix > 0 ? message[..suffix] : message;
        if (ClosedSetNames(detail) is { } names)
        {
            return $"{field}: must be one of {names}{where}";
        }

        if (detail.StartsWith("The JSON value could not be converted to", StringComparison.Ordinal))
        {
            detail = "has the wrong type: " + detail["The JSON value could not be converted to ".Length..].TrimEnd('.') + " expected";
        }

        return $"{field}: {detail}{where}";
    }

    /// <summary>The names a closed-set setting takes, when <paramref name="detail"/> says a value could not be read as one; else null.</summary>
    private static string? ClosedSetNames(string detail)
    {
        // System.Text.Json names the enum type it could not convert to, but not the value it read.
        const string Prefix = "The JSON value could not be converted to ";
        if (!detail.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        return detail[Prefix.Length..].TrimEnd('.') switch
        {
            var type when type == typeof(SourceKind).FullName => ConfigurationNames.List<SourceKind>(),
            var type when type == typeof(TargetKind).FullName => ConfigurationNames.List<TargetKind>(),
            var type when type == typeof(ReplayFormat).FullName => ConfigurationNames.List<ReplayFormat>(),
            var type when type == typeof(GpioDriverKind).FullName => ConfigurationNames.List<GpioDriverKind>(),
            var type when type == typeof(MnistSplit).FullName => ConfigurationNames.List<MnistSplit>(),
            var type when type == typeof(RawPixelFormat).FullName => ConfigurationNames.List<RawPixelFormat>(),
            var type when type == typeof(InputScaling).FullName => ConfigurationNames.List<InputScaling>(),
            var type when type == typeof(OutputHead).FullName => ConfigurationNames.List<OutputHead>(),
            var type when type == typeof(RecordingElement).FullName => ConfigurationNames.List<RecordingElement>(),
            _ => null,
        };
    }
}

/// <summary>A validated configuration and where it was read from.</summary>
/// <param name="Configuration">The settings.</param>
/// <param name="FilePath">The full path of the file.</param>
/// <param name="Folder">The folder relative paths in the settings are taken from.</param>
public sealed record LoadedConfiguration(DeviceConfiguration Configuration, string FilePath, string Folder)
{
    /// <summary>Gets the name for logs and the status file: <see cref="DeviceConfiguration.Name"/> or the file name without extension.</summary>
    public string Name => Configuration.Name ?? Path.GetFileNameWithoutExtension(FilePath);

    /// <summary>Resolves a path from the settings against <see cref="Folder"/>.</summary>
    /// <param name="path">An absolute path, or one relative to the configuration file.</param>
    /// <returns>The full path.</returns>
    public string Resolve(string path) => Path.GetFullPath(Path.Combine(Folder, path));
}
