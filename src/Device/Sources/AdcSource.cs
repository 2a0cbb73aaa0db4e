using System.Device.Spi;
using Iot.Device.Adc;

namespace EdgeIL.Device.Sources;

/// <summary>
/// An MCP3008 eight-channel 10-bit ADC on SPI, through the <see cref="Mcp3008"/> binding. A sample is
/// one raw reading 0..1023 per configured single-ended channel (1023 is the reference voltage).
/// </summary>
public sealed class AdcSource : SampledSource
{
    private readonly Mcp3008 _adc;
    private readonly int[] _channels;

    /// <summary>Initializes a new source that owns <paramref name="device"/>.</summary>
    /// <param name="device">The SPI device the MCP3008 is on; disposed with the source.</param>
    /// <param name="channels">The channels to read, each 0..7.</param>
    /// <param name="windowSamples">Samples per frame.</param>
    /// <param name="sampleHz">The sampling rate.</param>
    /// <param name="time">The clock of the sampling timer.</param>
    public AdcSource(SpiDevice device, IReadOnlyList<int> channels, int windowSamples, double sampleHz, TimeProvider time)
        : base(channels?.Count ?? 0, windowSamples, sampleHz, time)
    {
        ArgumentNullException.ThrowIfNull(device);
        foreach (int channel in channels!)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(channel, nameof(channels));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(channel, 7, nameof(channels));
        }

        _channels = [.. channels];
        SpiConnectionSettings settings = device.ConnectionSettings;
        Description = $"MCP3008 on /dev/spidev{settings.BusId}.{settings.ChipSelectLine}, channels {string.Join(',', _channels)}";
        _adc = new Mcp3008(device);
    }

    /// <inheritdoc/>
    public override string Description { get; }

    /// <inheritdoc/>
    protected override void ReadSample(Span<float> sample)
    {
        for (int i = 0; i < _channels.Length; i++)
        {
            sample[i] = _adc.Read(_channels[i]);
        }
    }

    /// <inheritdoc/>
    protected override void DisposeDevice() => _adc.Dispose();
}
