namespace EdgeIL.Host.Commands;

/// <summary>
/// Checks the files and folders a command was given before any work, so that a folder given as a
/// file, a missing file or a missing parent folder is reported naming the option and the path,
/// instead of by whatever the first read or write happens to throw.
/// </summary>
public static class CommandPaths
{
    /// <summary>Returns <paramref name="path"/> if it names an existing file.</summary>
    /// <exception cref="ArgumentException">It names a folder.</exception>
    /// <exception cref="FileNotFoundException">Nothing is there.</exception>
    public static string InputFile(string path, string option)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            throw new ArgumentException($"{option} {path}: is a folder, not a file.");
        }

        return File.Exists(path) ? path : throw new FileNotFoundException($"{option} {path}: does not exist.", path);
    }

    /// <summary>Returns <paramref name="path"/> if a file can be created or replaced there: not a folder, and its folder exists.</summary>
    /// <exception cref="ArgumentException">It names a folder, or its folder does not exist.</exception>
    public static string OutputFile(string path, string option)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            throw new ArgumentException($"{option} {path}: is a folder; give the name of the file to write.");
        }

        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return Directory.Exists(folder)
            ? path
            : throw new ArgumentException($"{option} {path}: the folder {folder} does not exist.");
    }

    /// <summary>Returns <paramref name="path"/> if it is a folder or can become one (it is not a file).</summary>
    /// <exception cref="ArgumentException">It names a file.</exception>
    public static string OutputFolder(string path, string option)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return File.Exists(path)
            ? throw new ArgumentException($"{option} {path}: is a file; give a folder to write into.")
            : path;
    }
}
