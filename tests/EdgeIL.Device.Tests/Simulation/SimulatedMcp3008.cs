using System.Device.Spi;

namespace EdgeIL.Device.Tests.Simulation;

/// <summary>
/// An MCP3008 on SPI, bit by bit after the datasheet (DS21295, section 6.1, figure 6-1): after the
/// start bit the chip clocks in SGL/DIFF and D2..D0, samples for one clock, outputs a null bit, then
/// the 10-bit result MSB first.
/// </summary>
internal sealed class SimulatedMcp3008 : SpiDevice
{
    public SimulatedMcp3008(int busId = 0, int chipSelect = 0)
    {
        ConnectionSettings = new SpiConnectionSettings(busId, chipSelect);
    }

    public override SpiConnectionSettings ConnectionSettings { get; }

    /// <summary>Gets the 10-bit reading each channel gives, 0..1023.</summary>
    public int[] Channels { get; } = new int[8];

    public override byte ReadByte() => throw new NotSupportedException("The MCP3008 is read by full-duplex transfers.");

    public override void Read(Span<byte> buffer) => throw new NotSupportedException("The MCP3008 is read by full-duplex transfers.");

    public override void WriteByte(byte value) => throw new NotSupportedException("The MCP3008 is read by full-duplex transfers.");

    public override void Write(ReadOnlySpan<byte> buffer) => throw new NotSupportedException("The MCP3008 is read by full-duplex transfers.");

    public override void TransferFullDuplex(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        readBuffer.Clear();
        int totalBits = writeBuffer.Length * 8;
        int started = -1;
        int control = 0;
        int result = 0;
        for (int bit = 0; bit < totalBits; bit++)
        {
            bool input = (writeBuffer[bit / 8] & (0x80 >> (bit % 8))) != 0;
            if (started < 0)
            {
                if (input)
                {
                    started = bit;
                }

                continue;
            }

            int clock = bit - started;
            if (clock <= 4)
            {
                control = (control << 1) | (input ? 1 : 0);
                if (clock == 4)
                {
                    bool singleEnded = (control & 0b1000) != 0;
                    int channel = control & 0b111;
                    result = singleEnded ? Channels[channel] : Math.Max(0, Channels[channel & ~1] - Channels[channel | 1]);
                }

                continue;
            }

            // Clock 5 samples (output high-impedance, read as 0), clock 6 is the null bit, 7..16 the result.
            int dataBit = clock - 7;
            if (dataBit is >= 0 and < 10 && ((result >> (9 - dataBit)) & 1) != 0)
            {
                readBuffer[bit / 8] |= (byte)(0x80 >> (bit % 8));
            }
        }
    }
}
