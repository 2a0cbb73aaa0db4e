namespace EdgeIL.Learner.Checkpoints;

/// <summary>
/// Saves an <see cref="OnlineLearner"/> to a stream and loads it back: the architecture and the
/// model's <see cref="InputStage"/> (with its running statistics), the
/// algorithm and all its hyperparameters, every weight and bias, Adam's moments and step count
/// (for the rules that use Adam) and <see cref="OnlineLearner.SamplesSeen"/>, behind a CRC-32.
/// A loaded learner continues bit for bit as the saved one would have. FORMAT.md gives the layout.
/// </summary>
/// <remarks>
/// Only the training state is saved. <see cref="OnlineLearner.SimdLevel"/> is a property of the
/// machine, not of the learner, so a loaded learner takes the current machine's
/// (<see cref="Kernels.SimdSelection.Current"/>). For saving to a file use <see cref="CheckpointFile"/>,
/// which never leaves a half-written checkpoint in place of a good one.
/// </remarks>
public static class Checkpoint
{
    /// <summary>The format version this EdgeIL writes and the newest it reads.</summary>
    public static int FormatVersion => (int)CheckpointFormat.CurrentVersion;

    /// <summary>
    /// Writes a checkpoint of <paramref name="learner"/> at the current position of
    /// <paramref name="destination"/> and flushes the stream; the stream stays open.
    /// </summary>
    /// <param name="learner">The learner to save.</param>
    /// <param name="destination">A writable stream.</param>
    /// <exception cref="ArgumentException">
    /// The learner holds a state that a checkpoint could not be loaded from (a non-finite weight,
    /// negative <see cref="OnlineLearner.SamplesSeen"/>); nothing was written.
    /// </exception>
    public static void Save(OnlineLearner learner, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(destination);
        CheckpointEncoder.For(learner).WriteTo(destination);
    }

    /// <summary>
    /// Reads one checkpoint from the current position of <paramref name="source"/>, leaving the
    /// stream just past its last byte, and returns the learner it holds.
    /// </summary>
    /// <param name="source">A readable stream.</param>
    /// <returns>A learner in the state of the saved one.</returns>
    /// <exception cref="CheckpointFormatException">
    /// The bytes are not a checkpoint this EdgeIL can load: truncated, corrupted, foreign, from a
    /// newer format version, or inconsistent. No learner is built.
    /// </exception>
    public static OnlineLearner Load(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return CheckpointDecoder.Load(source, filePath: null);
    }
}
