using System.Buffers;
using Iot.Device.Media;

namespace EdgeIL.Device.Sources;

/// <summary>
/// A V4L2 camera through the <see cref="VideoDevice"/> binding, captured raw (YUYV or GREY) on its own
/// thread, turned grey and downscaled straight into a preallocated triple buffer.
/// </summary>
/// <remarks>
/// The binding hands each captured frame over in a fresh array, or, with
/// <see cref="VideoDevice.ImageBufferPoolingEnabled"/>, in one rented from <see cref="ArrayPool{T}.Shared"/>.
/// The source turns pooling on and gives every array back as soon as the frame is converted, so
/// capture allocates nothing in the steady state and the loop only ever sees its own buffers.
/// </remarks>
public sealed class CameraSource : IFrameSource
{
    private readonly VideoDevice _device;
    private readonly GreyscaleDownscaler _downscaler;
    private readonly LatestFrame _latest;
    private readonly CancellationTokenSource _stop = new();
    private Thread? _captureThread;
    private long _faults;
    private string? _lastFault;
    private bool _disposed;

    /// <summary>Initializes a new source that owns <paramref name="device"/>.</summary>
    /// <param name="device">The camera, opened with the raw format and capture size of <paramref name="downscaler"/>; disposed with the source.</param>
    /// <param name="downscaler">The conversion from raw frames to the network's input.</param>
    public CameraSource(VideoDevice device, GreyscaleDownscaler downscaler)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(downscaler);
        _device = device;
        _downscaler = downscaler;
        _latest = new LatestFrame(downscaler.OutputLength);
        Description = $"camera {device.DevicePath}{device.Settings.BusId} {downscaler.Width}x{downscaler.Height} {downscaler.Format} to {downscaler.OutputWidth}x{downscaler.OutputHeight} grey";
    }

    /// <inheritdoc/>
    public string Description { get; }

    /// <inheritdoc/>
    public int FeatureCount => _downscaler.OutputLength;

    /// <inheritdoc/>
    public int ClassCount => 0;

    /// <inheritdoc/>
    public long Faults => Interlocked.Read(ref _faults);

    /// <inheritdoc/>
    public string? LastFault => Volatile.Read(ref _lastFault);

    /// <inheritdoc/>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_captureThread is not null)
        {
            return;
        }

        _device.ImageBufferPoolingEnabled = true;
        _device.NewImageBufferReady += OnFrameCaptured;
        _captureThread = new Thread(Capture) { IsBackground = true, Name = "edgeil camera" };
        _captureThread.Start();
    }

    /// <inheritdoc/>
    public FrameRead TryReadLatest(Span<float> frame, out int label)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        label = -1;
        return _latest.TryTake(frame) ? FrameRead.Frame : FrameRead.NoNewFrame;
    }

    /// <summary>Converts one raw frame into the triple buffer, as the capture thread does for each captured frame.</summary>
    /// <param name="rawFrame">The raw frame.</param>
    /// <returns>True when the frame was converted; false when it was too short and counted as a fault.</returns>
    public bool Accept(ReadOnlySpan<byte> rawFrame)
    {
        if (rawFrame.Length < _downscaler.FrameBytes)
        {
            // A short frame means the driver chose another size or format than asked for.
            Interlocked.Increment(ref _faults);
            Volatile.Write(ref _lastFault, $"{Description}: a frame of {rawFrame.Length} bytes arrived; {_downscaler.FrameBytes} expected (check the capture size and pixel format the camera supports)");
            return false;
        }

        _downscaler.Convert(rawFrame, _latest.BackBuffer);
        _latest.Publish();
        return true;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stop.Cancel();
        if (_captureThread is not null)
        {
            _captureThread.Join(TimeSpan.FromSeconds(5));
            _device.NewImageBufferReady -= OnFrameCaptured;
        }

        _device.Dispose();
        _stop.Dispose();
    }

    private void OnFrameCaptured(object sender, NewImageBufferReadyEventArgs e)
    {
        try
        {
            Accept(e.ImageBuffer.AsSpan(0, e.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(e.ImageBuffer);
        }
    }

    private void Capture()
    {
        try
        {
            _device.StartCaptureContinuous();
            _device.CaptureContinuous(_stop.Token);
        }
        catch (Exception exception) when (exception is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            Interlocked.Increment(ref _faults);
            Volatile.Write(ref _lastFault, $"{Description}: capture stopped: {exception.Message}");
        }
        finally
        {
            try
            {
                _device.StopCaptureContinuous();
            }
            catch (Exception exception) when (exception is IOException or InvalidOperationException)
            {
                // The device may already be gone (unplugged); there is nothing left to stop.
            }
        }
    }
}
