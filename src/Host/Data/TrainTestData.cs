using EdgeIL.Device.Streams;

namespace EdgeIL.Host.Data;

/// <summary>What the values of a dataset are, which decides the default input stage.</summary>
public enum DataKind
{
    /// <summary>Pixel intensities 0..255: scaled by 1/255 unless told otherwise.</summary>
    Pixels,

    /// <summary>Sensor readings in any units: left unscaled unless told to scale or standardise.</summary>
    Sensor,
}

/// <summary>A training stream and a held-out test set.</summary>
/// <param name="Name">The dataset's name in reports (<c>sample</c>, <c>mnist</c>, a file name).</param>
/// <param name="Train">The samples streamed for learning.</param>
/// <param name="Test">The held-out samples, evaluated feed-forward only.</param>
/// <param name="Kind">What the values are.</param>
public sealed record TrainTestData(string Name, LabeledDataset Train, LabeledDataset Test, DataKind Kind)
{
    /// <summary>
    /// For regression: the names of the real-valued targets, which the datasets hold as their
    /// targets (<see cref="LabeledDataset.CopyTargets"/>), apart from the inputs. Empty otherwise.
    /// </summary>
    public IReadOnlyList<string> TargetNames { get; init; } = [];

    /// <summary>The number of regression targets per sample.</summary>
    public int TargetCount => TargetNames.Count;

    /// <summary>The number of model inputs per sample.</summary>
    public int InputCount => Train.FeatureCount;

    /// <summary>The number of classes, from both sets.</summary>
    public int ClassCount => Math.Max(Train.ClassCount, Test.ClassCount);

    /// <summary>
    /// For generated data (a synthetic sensor): opens the training stream for a seed and a number of
    /// samples, in place of reshuffled passes over <see cref="Train"/>, which then only gives the shape
    /// of a sample. Null for stored data.
    /// </summary>
    public Func<ulong, long, ISampleStream>? TrainGenerator { get; init; }

    /// <summary>
    /// Gets the order of each pass over <see cref="Train"/>: shuffled for datasets of independent
    /// samples, file order for sensor logs and recordings, which are time series.
    /// </summary>
    public StreamOrder Order { get; init; } = StreamOrder.Shuffled;

    /// <summary>Gets the CSV file the data was read from; null for other data.</summary>
    public string? CsvPath { get; init; }

    /// <summary>
    /// The training stream of a run: the generator's, or passes over <see cref="Train"/> in
    /// <see cref="Order"/> until <paramref name="samples"/> have been read.
    /// </summary>
    public ISampleStream OpenTrainStream(ulong seed, long samples) =>
        TrainGenerator?.Invoke(seed, samples) ?? new DatasetStream(Train, seed, samples, cycle: true, Order);
}
