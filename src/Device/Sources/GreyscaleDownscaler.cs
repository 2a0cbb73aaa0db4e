namespace EdgeIL.Device.Sources;

/// <summary>The raw V4L2 pixel formats the camera source captures: uncompressed, so no decoder runs per frame.</summary>
public enum RawPixelFormat
{
    /// <summary>V4L2 <c>GREY</c>: one byte of luma per pixel.</summary>
    Grey,

    /// <summary>
    /// V4L2 <c>YUYV</c> (YUV 4:2:2): four bytes per pixel pair, <c>Y0 U Y1 V</c>; luma is every even byte.
    /// </summary>
    Yuyv,
}

/// <summary>
/// Turns a raw camera frame into the network's input: luma only (grey), downscaled by averaging each
/// output pixel's box of source pixels, as floats 0..255. All buffers are made by the constructor.
/// </summary>
/// <remarks>
/// <para>
/// Output pixel <c>(ox, oy)</c> averages source columns <c>floor(ox W / w) .. floor((ox + 1) W / w) - 1</c> and
/// the rows likewise, so every source pixel counts in exactly one output pixel; when the sizes do not
/// divide, boxes differ by one pixel. A box average is the right filter for shrinking: point sampling
/// would alias fine texture into noise the network would try to learn.
/// </para>
/// <para>
/// Luma is passed on as the camera sends it, usually limited range (16..235): the model's input stage
/// owns the scaling, so a camera swap needs a configuration change, not a code change.
/// </para>
/// </remarks>
public sealed class GreyscaleDownscaler
{
    private readonly int[] _outputColumnOf;
    private readonly int[] _outputRowOf;
    private readonly int[] _columnWidth;
    private readonly int[] _rowHeight;
    private readonly int[] _columnSums;
    private readonly int _bytesPerPixel;

    /// <summary>Initializes a new converter for one frame geometry.</summary>
    /// <param name="format">The raw format.</param>
    /// <param name="width">The source width in pixels, range &gt;= 1 (even for YUYV).</param>
    /// <param name="height">The source height in pixels, range &gt;= 1.</param>
    /// <param name="outputWidth">The output width, range 1..<paramref name="width"/>.</param>
    /// <param name="outputHeight">The output height, range 1..<paramref name="height"/>.</param>
    public GreyscaleDownscaler(RawPixelFormat format, int width, int height, int outputWidth, int outputHeight)
    {
        if (!Enum.IsDefined(format))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown pixel format.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputHeight, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(outputWidth, width);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(outputHeight, height);
        if (format == RawPixelFormat.Yuyv && width % 2 != 0)
        {
            throw new ArgumentException($"YUYV stores pixels in pairs, so the width must be even; got {width}.", nameof(width));
        }

        Format = format;
        Width = width;
        Height = height;
        OutputWidth = outputWidth;
        OutputHeight = outputHeight;
        _bytesPerPixel = format == RawPixelFormat.Yuyv ? 2 : 1;
        _outputColumnOf = BoxIndex(width, outputWidth, out _columnWidth);
        _outputRowOf = BoxIndex(height, outputHeight, out _rowHeight);
        _columnSums = new int[outputWidth];
    }

    /// <summary>Gets the raw format.</summary>
    public RawPixelFormat Format { get; }

    /// <summary>Gets the source width.</summary>
    public int Width { get; }

    /// <summary>Gets the source height.</summary>
    public int Height { get; }

    /// <summary>Gets the output width.</summary>
    public int OutputWidth { get; }

    /// <summary>Gets the output height.</summary>
    public int OutputHeight { get; }

    /// <summary>Gets the size of one raw frame in bytes.</summary>
    public int FrameBytes => Width * Height * _bytesPerPixel;

    /// <summary>Gets the number of output values, <see cref="OutputWidth"/> × <see cref="OutputHeight"/>.</summary>
    public int OutputLength => OutputWidth * OutputHeight;

    /// <summary>
    /// Computes <c>destination[oy * w + ox]</c> = the mean luma of output pixel <c>(ox, oy)</c>'s box of source pixels.
    /// </summary>
    /// <param name="frame">The raw frame, at least <see cref="FrameBytes"/> bytes, rows packed without padding.</param>
    /// <param name="destination">Receives <see cref="OutputLength"/> values, row-major.</param>
    /// <exception cref="ArgumentException">A buffer is too short.</exception>
    public void Convert(ReadOnlySpan<byte> frame, Span<float> destination)
    {
        if (frame.Length < FrameBytes)
        {
            throw new ArgumentException($"A {Width}x{Height} {Format} frame has {FrameBytes} bytes; got {frame.Length}.", nameof(frame));
        }

        if (destination.Length < OutputLength)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values; the output has {OutputLength}.", nameof(destination));
        }

        int rowBytes = Width * _bytesPerPixel;
        int y = 0;
        for (int outputRow = 0; outputRow < OutputHeight; outputRow++)
        {
            Array.Clear(_columnSums);
            for (; y < Height && _outputRowOf[y] == outputRow; y++)
            {
                ReadOnlySpan<byte> row = frame.Slice(y * rowBytes, rowBytes);
                for (int x = 0; x < Width; x++)
                {
                    _columnSums[_outputColumnOf[x]] += row[x * _bytesPerPixel];
                }
            }

            Span<float> outputLine = destination.Slice(outputRow * OutputWidth, OutputWidth);
            int boxRows = _rowHeight[outputRow];
            for (int column = 0; column < OutputWidth; column++)
            {
                outputLine[column] = (float)_columnSums[column] / (boxRows * _columnWidth[column]);
            }
        }
    }

    private static int[] BoxIndex(int sourceLength, int outputLength, out int[] boxLength)
    {
        int[] index = new int[sourceLength];
        boxLength = new int[outputLength];
        for (int output = 0; output < outputLength; output++)
        {
            int start = (int)((long)output * sourceLength / outputLength);
            int end = (int)((long)(output + 1) * sourceLength / outputLength);
            boxLength[output] = end - start;
            index.AsSpan(start, end - start).Fill(output);
        }

        return index;
    }
}
