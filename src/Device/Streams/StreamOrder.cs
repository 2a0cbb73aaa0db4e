namespace EdgeIL.Device.Streams;

/// <summary>The order in which a <see cref="DatasetStream"/> visits a dataset's samples in each pass.</summary>
public enum StreamOrder
{
    /// <summary>A seeded shuffle, afresh for every pass: for datasets of independent samples.</summary>
    Shuffled,

    /// <summary>The order of the file, every pass: for sensor logs and recordings, which are time series.</summary>
    File,
}
