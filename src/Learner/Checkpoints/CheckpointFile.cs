using EdgeIL.Learner.IO;

namespace EdgeIL.Learner.Checkpoints;

/// <summary>
/// Saves checkpoints to files atomically and loads them: a crash or power cut at any moment of a
/// save leaves either the previous checkpoint or the new one, never a mixture.
/// </summary>
/// <remarks>
/// Saving goes through <see cref="AtomicFile"/>: a save writes <c>path + ".tmp"</c> in the same directory (a rename is atomic only within one
/// file system), flushes it to the storage device, then renames it over <c>path</c>. A save that
/// fails deletes its temporary file; one cut short by a power loss leaves it, and the next save
/// overwrites it. The temporary is opened exclusively, so two saves to the same path at once make
/// the second fail rather than interleave. The directory itself is not flushed (.NET has no
/// portable call for it), so after a power cut just after a save the file system may still show the
/// previous checkpoint: the newest save can be lost, but what is there is always whole.
/// </remarks>
public static class CheckpointFile
{
    /// <summary>What a save's temporary file name adds to the checkpoint's path.</summary>
    public const string TemporarySuffix = AtomicFile.TemporarySuffix;

    /// <summary>Atomically replaces (or creates) the checkpoint at <paramref name="path"/> with one of <paramref name="learner"/>.</summary>
    /// <param name="learner">The learner to save.</param>
    /// <param name="path">The checkpoint file; its directory must exist.</param>
    /// <exception cref="ArgumentException">The learner holds a state a checkpoint could not be loaded from; no file was touched.</exception>
    /// <exception cref="IOException">Writing failed (for example the disk is full); the previous checkpoint is intact.</exception>
    public static void Save(OnlineLearner learner, string path) => Save(learner, path, wrapDestination: null);

    /// <summary>Loads the checkpoint at <paramref name="path"/>.</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <returns>A learner in the state of the saved one.</returns>
    /// <exception cref="CheckpointFormatException">The file is not a checkpoint this EdgeIL can load; the message names it and says why.</exception>
    /// <exception cref="IOException">The file cannot be read (for example it does not exist).</exception>
    public static OnlineLearner Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string fullPath = Path.GetFullPath(path);
        using var file = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        OnlineLearner learner = CheckpointDecoder.Load(file, fullPath);

        // A stream may carry more after a checkpoint; a checkpoint file may not.
        long trailing = file.Length - file.Position;
        return trailing == 0
            ? learner
            : throw new CheckpointFormatException(fullPath, $"{trailing} unexpected bytes after the end of the checkpoint (byte {file.Position})");
    }

    /// <summary>
    /// <see cref="Save(OnlineLearner, string)"/> with the temporary file's stream passed through
    /// <paramref name="wrapDestination"/>, so tests can make a save fail part way through.
    /// </summary>
    internal static void Save(OnlineLearner learner, string path, Func<Stream, Stream>? wrapDestination)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentException.ThrowIfNullOrEmpty(path);
        CheckpointEncoder encoder = CheckpointEncoder.For(learner);
        AtomicFile.Write(path, encoder.WriteTo, encoder.TotalLength, wrapDestination);
    }
}
