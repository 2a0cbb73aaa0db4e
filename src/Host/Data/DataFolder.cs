namespace EdgeIL.Host.Data;

/// <summary>
/// The per-user folder that fetched datasets live in, shared with <c>tools/fetch-datasets</c>:
/// <c>--data-dir</c> when given, else <c>$EDGEIL_DATA</c>, else <c>$XDG_DATA_HOME/edgeil</c>, else
/// <c>~/.local/share/edgeil</c> (on Windows, <c>%LOCALAPPDATA%\edgeil</c>). An installed tool has no
/// source tree to search, so the folder is the same wherever the command runs from.
/// </summary>
public static class DataFolder
{
    /// <summary>The environment variable that names the data folder.</summary>
    public const string EnvironmentVariable = "EDGEIL_DATA";

    /// <summary>The data folder for this process: <paramref name="overrideFolder"/>, else the environment's.</summary>
    public static string Resolve(string? overrideFolder = null) => Resolve(overrideFolder, Environment.GetEnvironmentVariable);

    /// <summary>The data folder, reading the environment through <paramref name="environment"/> (tests pass their own).</summary>
    public static string Resolve(string? overrideFolder, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.IsNullOrEmpty(overrideFolder))
        {
            return Path.GetFullPath(overrideFolder);
        }

        if (environment(EnvironmentVariable) is { Length: > 0 } explicitFolder)
        {
            return Path.GetFullPath(explicitFolder);
        }

        // The XDG base directory specification says a relative XDG_DATA_HOME is invalid and must be ignored.
        if (environment("XDG_DATA_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg))
        {
            return Path.Combine(xdg, "edgeil");
        }

        if (OperatingSystem.IsWindows())
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "edgeil");
        }

        string home = environment("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".local", "share", "edgeil");
    }
}
