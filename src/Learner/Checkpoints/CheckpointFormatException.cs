namespace EdgeIL.Learner.Checkpoints;

/// <summary>
/// The exception thrown when a checkpoint cannot be loaded because its bytes are wrong: truncated,
/// corrupted (checksum mismatch), not an EdgeIL checkpoint at all, written by a newer EdgeIL, or
/// describing a learner that could not exist (inconsistent sizes, non-finite weights, settings out
/// of range). The message names the file, when there is one, and says what is wrong.
/// </summary>
/// <remarks>
/// I/O failures (a missing file, a read error) are not format errors: they surface as the
/// <see cref="IOException"/> the stream threw, so a caller can tell "retry later" from "this file
/// is bad".
/// </remarks>
public sealed class CheckpointFormatException : Exception
{
    /// <summary>Initializes a new instance with a generic message.</summary>
    public CheckpointFormatException()
        : this("The checkpoint is malformed.")
    {
    }

    /// <summary>Initializes a new instance with the given message.</summary>
    /// <param name="message">What is wrong with the checkpoint.</param>
    public CheckpointFormatException(string message)
        : base(message)
    {
        Problem = message;
    }

    /// <summary>Initializes a new instance with the given message and the exception that revealed the problem.</summary>
    /// <param name="message">What is wrong with the checkpoint.</param>
    /// <param name="innerException">The exception that revealed the problem.</param>
    public CheckpointFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problem = message;
    }

    /// <summary>
    /// Initializes a new instance whose message is "<c>Cannot load EdgeIL checkpoint 'path': problem</c>",
    /// or without the path when the checkpoint did not come from a file.
    /// </summary>
    /// <param name="filePath">The checkpoint file, or null when it was read from a stream.</param>
    /// <param name="problem">What is wrong, for example "checksum mismatch: file is corrupted".</param>
    /// <param name="innerException">The exception that revealed the problem, if any.</param>
    public CheckpointFormatException(string? filePath, string problem, Exception? innerException = null)
        : base(FormatMessage(filePath, problem), innerException)
    {
        FilePath = filePath;
        Problem = problem;
    }

    /// <summary>Gets the checkpoint file, or null when the checkpoint was read from a stream.</summary>
    public string? FilePath { get; }

    /// <summary>Gets what is wrong, without the file name.</summary>
    public string Problem { get; }

    private static string FormatMessage(string? filePath, string problem) =>
        filePath is null ? $"Cannot load EdgeIL checkpoint: {problem}" : $"Cannot load EdgeIL checkpoint '{filePath}': {problem}";
}
