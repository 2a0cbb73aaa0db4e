namespace EdgeIL.Device.Sources;

/// <summary>
/// A triple buffer handing the newest frame from one producer thread to one consumer without locks or
/// allocation: the producer fills its back buffer and swaps it with the middle one; the consumer swaps
/// its front buffer with the middle one when the middle holds a frame it has not seen.
/// </summary>
/// <remarks>
/// A frame the consumer did not take in time is overwritten by the next one, never queued: the loop
/// wants the world as it is now, not as it was several frames ago.
/// </remarks>
internal sealed class LatestFrame
{
    // The middle slot's index in bits 0..1 and a "fresh" flag in bit 2, swapped as one int.
    private const int FreshFlag = 4;
    private const int IndexMask = 3;

    private readonly float[][] _buffers;
    private int _middle = 1;
    private int _back = 2;
    private int _front;

    public LatestFrame(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        _buffers = [new float[length], new float[length], new float[length]];
    }

    /// <summary>Gets the producer's buffer to fill; valid until <see cref="Publish"/>.</summary>
    public float[] BackBuffer => _buffers[_back];

    /// <summary>Makes the back buffer the newest frame (producer thread only).</summary>
    public void Publish()
    {
        int previous = Interlocked.Exchange(ref _middle, _back | FreshFlag);
        _back = previous & IndexMask;
    }

    /// <summary>Copies the newest frame out if one was published since the previous take (consumer thread only).</summary>
    /// <param name="destination">Receives the frame.</param>
    /// <returns>True when a new frame was copied.</returns>
    public bool TryTake(Span<float> destination)
    {
        if ((Volatile.Read(ref _middle) & FreshFlag) == 0)
        {
            return false;
        }

        int previous = Interlocked.Exchange(ref _middle, _front);
        _front = previous & IndexMask;
        _buffers[_front].AsSpan(0, Math.Min(destination.Length, _buffers[_front].Length)).CopyTo(destination);
        return true;
    }
}
