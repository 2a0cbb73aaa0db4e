namespace EdgeIL.Device.Streams;

/// <summary>
/// Images as an IDX file stores them: <see cref="Count"/> images of <see cref="Rows"/> × <see cref="Columns"/>
/// unsigned bytes, row-major, one after the other.
/// </summary>
public sealed class IdxImages
{
    private readonly byte[] _pixels;

    /// <summary>
    /// Initializes a new instance over <paramref name="pixels"/>, which it takes over without copying:
    /// the caller must not change it afterwards.
    /// </summary>
    /// <param name="rows">The height of each image, at least 1.</param>
    /// <param name="columns">The width of each image, at least 1.</param>
    /// <param name="pixels">The pixels; its length must be a multiple of <paramref name="rows"/> × <paramref name="columns"/>.</param>
    /// <exception cref="ArgumentException">The length of <paramref name="pixels"/> is not a whole number of images.</exception>
    public IdxImages(int rows, int columns, byte[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        int imageLength = ValidateShape(rows, columns, pixels.Length, nameof(pixels));
        Rows = rows;
        Columns = columns;
        Count = pixels.Length / imageLength;
        _pixels = pixels;
    }

    /// <summary>Gets the number of images.</summary>
    public int Count { get; }

    /// <summary>Gets the height of each image.</summary>
    public int Rows { get; }

    /// <summary>Gets the width of each image.</summary>
    public int Columns { get; }

    /// <summary>Gets the number of pixels in one image, <see cref="Rows"/> × <see cref="Columns"/>.</summary>
    public int PixelsPerImage => Rows * Columns;

    /// <summary>Gets all pixels, image after image.</summary>
    public ReadOnlySpan<byte> Pixels => _pixels;

    /// <summary>Gets the pixels of one image, row-major.</summary>
    /// <param name="index">The image, 0..<see cref="Count"/> - 1.</param>
    /// <returns>The image's <see cref="PixelsPerImage"/> pixels.</returns>
    public ReadOnlySpan<byte> GetImage(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return _pixels.AsSpan(index * PixelsPerImage, PixelsPerImage);
    }

    /// <summary>Checks an image shape and a pixel count against it.</summary>
    /// <returns>The number of pixels per image.</returns>
    internal static int ValidateShape(int rows, int columns, int pixelCount, string pixelsParameterName)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        long imageLength = (long)rows * columns;
        if (imageLength > Array.MaxLength || pixelCount % imageLength != 0)
        {
            throw new ArgumentException($"{pixelCount} pixels are not a whole number of {rows}x{columns} images.", pixelsParameterName);
        }

        return (int)imageLength;
    }
}
