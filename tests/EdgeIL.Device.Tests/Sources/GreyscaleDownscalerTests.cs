using EdgeIL.Device.Sources;

namespace EdgeIL.Device.Tests.Sources;

public sealed class GreyscaleDownscalerTests
{
    [Fact]
    public void Convert_YuyvFrame_AveragesLumaPerBoxAndIgnoresChroma()
    {
        // A 4x2 YUYV frame: luma 10..80 row by row, chroma bytes set to values that must not leak in.
        byte[] frame =
        [
            10, 200, 20, 201, 30, 202, 40, 203,
            50, 204, 60, 205, 70, 206, 80, 207,
        ];
        var downscaler = new GreyscaleDownscaler(RawPixelFormat.Yuyv, width: 4, height: 2, outputWidth: 2, outputHeight: 1);
        float[] output = new float[2];

        downscaler.Convert(frame, output);

        Assert.Equal([(10f + 20 + 50 + 60) / 4, (30f + 40 + 70 + 80) / 4], output);
        Assert.Equal(16, downscaler.FrameBytes);
    }

    [Fact]
    public void Convert_GreyFrameSameSize_CopiesPixels()
    {
        byte[] frame = [0, 255, 17, 3, 4, 5];
        var downscaler = new GreyscaleDownscaler(RawPixelFormat.Grey, width: 3, height: 2, outputWidth: 3, outputHeight: 2);
        float[] output = new float[6];

        downscaler.Convert(frame, output);

        Assert.Equal([0f, 255f, 17f, 3f, 4f, 5f], output);
    }

    [Theory]
    [InlineData(7, 5, 3, 2)]
    [InlineData(640, 480, 28, 28)]
    [InlineData(31, 1, 4, 1)]
    public void Convert_SizesThatDoNotDivide_EveryPixelCountsOnce(int width, int height, int outputWidth, int outputHeight)
    {
        // Each output box mean times its box area, summed, is the sum of all pixels: every source pixel in exactly one box.
        var random = new Random(width * 1000 + height);
        byte[] frame = new byte[width * height];
        random.NextBytes(frame);
        var downscaler = new GreyscaleDownscaler(RawPixelFormat.Grey, width, height, outputWidth, outputHeight);
        float[] output = new float[outputWidth * outputHeight];

        downscaler.Convert(frame, output);

        double recovered = 0;
        for (int oy = 0; oy < outputHeight; oy++)
        {
            int rows = ((oy + 1) * height / outputHeight) - (oy * height / outputHeight);
            for (int ox = 0; ox < outputWidth; ox++)
            {
                int columns = ((ox + 1) * width / outputWidth) - (ox * width / outputWidth);
                recovered += output[(oy * outputWidth) + ox] * rows * columns;
            }
        }

        Assert.Equal(frame.Sum(pixel => (double)pixel), recovered, 1e-6 * width * height * 255);
    }

    [Fact]
    public void Convert_ShortFrame_Throws()
    {
        var downscaler = new GreyscaleDownscaler(RawPixelFormat.Yuyv, 4, 2, 2, 1);

        Assert.Throws<ArgumentException>(() => downscaler.Convert(new byte[15], new float[2]));
    }

    [Fact]
    public void Constructor_OddYuyvWidth_Throws()
    {
        Assert.Throws<ArgumentException>(() => new GreyscaleDownscaler(RawPixelFormat.Yuyv, 5, 2, 1, 1));
    }
}
