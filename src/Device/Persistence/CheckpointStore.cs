using EdgeIL.Learner.IO;
using System.Globalization;
using EdgeIL.Learner;
using EdgeIL.Learner.Checkpoints;

namespace EdgeIL.Device.Persistence;

/// <summary>
/// The checkpoints in a state directory: <c>checkpoint-NNNNNNNNNNNN.eilc</c>, numbered by the samples the
/// model had learned from, so the newest is the highest number. Saves go through the learner's atomic
/// <see cref="CheckpointFile"/>; only the newest few are kept.
/// </summary>
/// <remarks>
/// Keeping more than one matters on a device: if the newest file is damaged (a card going bad, a file
/// system repaired after a power cut), the loop resumes from the one before rather than from scratch.
/// A file that does not load never counts among the kept ones: a damaged file is renamed to
/// <c>*.eilc.bad</c> (kept for a post-mortem, out of the store), an unreadable one is left where it is
/// but ignored. Otherwise a damaged file with a high number would outrank every new save and have it
/// deleted at once, and learning would never persist again.
/// </remarks>
public sealed class CheckpointStore
{
    /// <summary>The checkpoint file name's prefix.</summary>
    public const string Prefix = "checkpoint-";

    /// <summary>The checkpoint file name's extension.</summary>
    public const string Extension = ".eilc";

    /// <summary>The safety net's known-good model, beside the checkpoints (not one of them: it is never pruned or resumed from).</summary>
    public const string KnownGoodFileName = "known-good.eilc";

    /// <summary>What a checkpoint that failed validation is renamed with.</summary>
    public const string BadSuffix = ".bad";

    private readonly int _keep;
    private readonly HashSet<string> _ignored = new(StringComparer.Ordinal);

    /// <summary>Initializes a new store in <paramref name="directory"/>, creating it if needed.</summary>
    /// <param name="directory">The state directory.</param>
    /// <param name="keep">How many checkpoints to keep, range &gt;= 1.</param>
    public CheckpointStore(string directory, int keep)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        Directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(Directory);
        _keep = keep;
    }

    /// <summary>Gets the state directory.</summary>
    public string Directory { get; }

    /// <summary>Gets the known-good model's file.</summary>
    public string KnownGoodPath => Path.Combine(Directory, KnownGoodFileName);

    /// <summary>
    /// Loads the known-good model if its file exists and loads; a damaged one is moved aside like a
    /// damaged checkpoint. Never fatal: without it the safety net starts from the current model.
    /// </summary>
    /// <param name="rejected">Receives a line when a file was there but could not be used.</param>
    /// <returns>The learner, or null.</returns>
    public OnlineLearner? LoadKnownGood(ICollection<string> rejected)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        string path = KnownGoodPath;
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return CheckpointFile.Load(path);
        }
        catch (CheckpointFormatException exception)
        {
            rejected.Add(MoveAside(path, exception.Message));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            rejected.Add($"cannot read the known-good model {path}, starting from the current one: {exception.Message}");
        }

        return null;
    }

    /// <summary>Writes the known-good model's file atomically from an encoded checkpoint.</summary>
    /// <param name="checkpoint">The encoded checkpoint, from position 0 to its length.</param>
    /// <exception cref="IOException">The write failed; the previous file is intact.</exception>
    public void SaveKnownGood(MemoryStream checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        using AtomicFileWriter writer = AtomicFile.Begin(KnownGoodPath, checkpoint.Length);
        writer.Stream.Write(checkpoint.GetBuffer(), 0, (int)checkpoint.Length);
        writer.Commit();
    }

    /// <summary>Gets the path a checkpoint of a learner that has seen <paramref name="samplesSeen"/> samples is saved to.</summary>
    /// <param name="samplesSeen">The learner's <see cref="OnlineLearner.SamplesSeen"/>.</param>
    /// <returns>The path.</returns>
    public string PathFor(long samplesSeen) =>
        Path.Combine(Directory, Prefix + samplesSeen.ToString("D12", CultureInfo.InvariantCulture) + Extension);

    /// <summary>Lists the checkpoint files, newest (highest number) first, leaving out those <see cref="LoadNewest"/> could not read.</summary>
    /// <returns>The full paths.</returns>
    public IReadOnlyList<string> List()
    {
        var found = new List<(long Number, string Path)>();
        foreach (string path in System.IO.Directory.EnumerateFiles(Directory, Prefix + "*" + Extension))
        {
            if (_ignored.Contains(path))
            {
                continue;
            }

            string name = Path.GetFileNameWithoutExtension(path);
            if (long.TryParse(name.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long number))
            {
                found.Add((number, path));
            }
        }

        found.Sort((a, b) => b.Number.CompareTo(a.Number));
        return [.. found.Select(entry => entry.Path)];
    }

    /// <summary>
    /// Loads the newest checkpoint that loads. A newer one that fails validation (damaged, or holding
    /// a value outside <see cref="LearnerLimits"/>) is moved aside to <c>path.bad</c>; one that cannot
    /// be read (permissions, an I/O error) is skipped. Neither counts toward the kept checkpoints
    /// afterwards, and neither is ever fatal.
    /// </summary>
    /// <param name="rejected">Receives one line per checkpoint that was newer but could not be loaded, saying what was done with it and why.</param>
    /// <returns>The learner and its file, or null when no checkpoint loads.</returns>
    public (OnlineLearner Learner, string Path)? LoadNewest(ICollection<string> rejected)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        foreach (string path in List())
        {
            try
            {
                return (CheckpointFile.Load(path), path);
            }
            catch (CheckpointFormatException exception)
            {
                rejected.Add(MoveAside(path, exception.Message));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Perhaps only for now (a card being checked, permissions being fixed): leave the
                // file in place for a person to look at, but out of the store.
                _ignored.Add(path);
                rejected.Add($"cannot read checkpoint {path}, skipped: {exception.Message}");
            }
        }

        return null;
    }

    /// <summary>Saves a checkpoint atomically, then deletes all but the newest few.</summary>
    /// <param name="learner">The learner.</param>
    /// <returns>The checkpoint's path.</returns>
    /// <exception cref="IOException">The save failed; the earlier checkpoints are intact.</exception>
    public string Save(OnlineLearner learner)
    {
        ArgumentNullException.ThrowIfNull(learner);
        string path = PathFor(learner.SamplesSeen);
        CheckpointFile.Save(learner, path);

        // The save replaced whatever unreadable file had this name.
        _ignored.Remove(path);
        Prune();
        return path;
    }

    /// <summary>
    /// Saves a checkpoint that is already encoded (the persistence worker's snapshot) atomically,
    /// then deletes all but the newest few. Writing the snapshot's bytes as they are, rather than
    /// decoding them into a learner to encode again, keeps a save from allocating a model's worth of
    /// arrays, which on a device running for months would end in full garbage collections.
    /// </summary>
    /// <param name="checkpoint">The encoded checkpoint, from position 0 to its length.</param>
    /// <param name="samplesSeen">The samples the checkpoint's learner had seen, which name the file.</param>
    /// <returns>The checkpoint's path.</returns>
    /// <exception cref="IOException">The save failed; the earlier checkpoints are intact.</exception>
    public string Save(MemoryStream checkpoint, long samplesSeen)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        string path = PathFor(samplesSeen);
        using (AtomicFileWriter writer = AtomicFile.Begin(path, checkpoint.Length))
        {
            writer.Stream.Write(checkpoint.GetBuffer(), 0, (int)checkpoint.Length);
            writer.Commit();
        }

        _ignored.Remove(path);
        Prune();
        return path;
    }

    /// <summary>Deletes all but the newest checkpoints, and temporaries left by an interrupted save.</summary>
    public void Prune()
    {
        IReadOnlyList<string> all = List();
        for (int i = _keep; i < all.Count; i++)
        {
            TryDelete(all[i]);
        }

        foreach (string temporary in System.IO.Directory.EnumerateFiles(Directory, Prefix + "*" + Extension + CheckpointFile.TemporarySuffix))
        {
            TryDelete(temporary);
        }
    }

    private string MoveAside(string path, string reason)
    {
        string aside = path + BadSuffix;
        try
        {
            File.Move(path, aside, overwrite: true);
            return $"moved damaged checkpoint aside to {aside}: {reason}";
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            _ignored.Add(path);
            return $"ignoring damaged checkpoint {path} (could not move it aside: {exception.Message}): {reason}";
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
            // Another process may hold it (a copy off the device in progress); it goes next time.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
