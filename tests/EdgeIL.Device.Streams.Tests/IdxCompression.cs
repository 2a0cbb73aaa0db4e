namespace EdgeIL.Device.Streams.Tests;

/// <summary>How <see cref="IdxWriter"/> stores a file.</summary>
public enum IdxCompression
{
    /// <summary>Plain IDX bytes.</summary>
    None,

    /// <summary>IDX bytes in a gzip stream, as the MNIST files are distributed.</summary>
    Gzip,
}
