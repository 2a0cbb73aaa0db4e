using EdgeIL.Device.Sources;
using Iot.Device.Media;

namespace EdgeIL.Device.Tests.Sources;

/// <summary>
/// The camera source's frame path on recorded frames: the binding opens /dev/videoN only when capture
/// starts, so a source can be built and fed frames the way its capture thread feeds them.
/// </summary>
public sealed class CameraSourceTests
{
    [Fact]
    public void Accept_RecordedYuyvFrames_LoopReadsTheNewestConverted()
    {
        using var source = Open();
        float[] frame = new float[source.FeatureCount];

        source.Accept(UniformYuyv(4, 2, luma: 40));
        source.Accept(UniformYuyv(4, 2, luma: 90));
        FrameRead read = source.TryReadLatest(frame, out int label);

        Assert.Equal(FrameRead.Frame, read);
        Assert.Equal(-1, label);
        Assert.Equal([90f, 90f], frame);
        Assert.Equal(FrameRead.NoNewFrame, source.TryReadLatest(frame, out _));
    }

    [Fact]
    public void Accept_ShortFrame_CountedAsFaultAndNotPublished()
    {
        using var source = Open();

        Assert.False(source.Accept(new byte[10]));
        Assert.Equal(1, source.Faults);
        Assert.Contains("10 bytes", source.LastFault, StringComparison.Ordinal);
        Assert.Equal(FrameRead.NoNewFrame, source.TryReadLatest(new float[2], out _));
    }

    private static CameraSource Open()
    {
        VideoDevice device = VideoDevice.Create(new VideoConnectionSettings(0, (4, 2), VideoPixelFormat.YUYV));
        return new CameraSource(device, new GreyscaleDownscaler(RawPixelFormat.Yuyv, 4, 2, 2, 1));
    }

    private static byte[] UniformYuyv(int width, int height, byte luma)
    {
        byte[] frame = new byte[width * height * 2];
        for (int i = 0; i < frame.Length; i += 2)
        {
            frame[i] = luma;
            frame[i + 1] = 128;
        }

        return frame;
    }
}
