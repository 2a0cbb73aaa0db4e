namespace EdgeIL.Device.Streams;

/// <summary>
/// A source of samples read one at a time: a dataset replayed in shuffled order, or a live sensor.
/// </summary>
/// <remarks>
/// Implementations do not allocate per sample, since the device loop reads one sample per tick for as
/// long as it runs and a garbage collection there is a missed deadline.
/// </remarks>
public interface ISampleStream : IDisposable
{
    /// <summary>Gets the number of features each sample has.</summary>
    int FeatureCount { get; }

    /// <summary>Gets the number of classes labels come from; 0 when the stream is unlabelled.</summary>
    int ClassCount { get; }

    /// <summary>Reads the next sample.</summary>
    /// <param name="features">
    /// Receives the sample's features in its first <see cref="FeatureCount"/> elements; later elements
    /// are left as they were. Must hold at least <see cref="FeatureCount"/> elements.
    /// </param>
    /// <param name="label">The sample's label, 0..<see cref="ClassCount"/> - 1; or -1 when it has none, or when the stream has ended.</param>
    /// <returns>True when a sample was read; false when the stream has ended.</returns>
    /// <exception cref="ArgumentException"><paramref name="features"/> is shorter than <see cref="FeatureCount"/>.</exception>
    /// <exception cref="ObjectDisposedException">The stream was disposed.</exception>
    bool TryRead(Span<float> features, out int label);

    /// <summary>
    /// Reads the next sample with its regression targets. A stream without targets (the default)
    /// reads as <see cref="TryRead(Span{float}, out int)"/> and accepts only an empty <paramref name="targets"/>.
    /// </summary>
    /// <param name="features">Receives the features, as for <see cref="TryRead(Span{float}, out int)"/>.</param>
    /// <param name="targets">Receives the sample's regression targets; empty for a stream that has none.</param>
    /// <param name="label">The sample's label, as for <see cref="TryRead(Span{float}, out int)"/>.</param>
    /// <returns>True when a sample was read; false when the stream has ended.</returns>
    /// <exception cref="NotSupportedException"><paramref name="targets"/> is not empty and the stream has no targets.</exception>
    bool TryRead(Span<float> features, Span<float> targets, out int label) => targets.IsEmpty
        ? TryRead(features, out label)
        : throw new NotSupportedException("This stream carries no regression targets.");
}
