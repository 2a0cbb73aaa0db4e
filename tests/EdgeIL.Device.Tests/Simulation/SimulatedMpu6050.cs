using System.Device.I2c;

namespace EdgeIL.Device.Tests.Simulation;

/// <summary>
/// An MPU-6050 at register level, after the InvenSense register map (RM-MPU-6000A-00 rev 4.2): a
/// register pointer set by the first byte of a write, auto-increment on reads and writes, reset
/// values (PWR_MGMT_1 = 0x40, WHO_AM_I = 0x68, the rest 0), DEVICE_RESET, read-only data registers
/// scaled by the full-scale ranges in ACCEL_CONFIG and GYRO_CONFIG, and data frozen in sleep mode.
/// </summary>
internal sealed class SimulatedMpu6050 : I2cDevice
{
    private const byte GyroConfig = 0x1B;
    private const byte AccelConfig = 0x1C;
    private const byte AccelXHigh = 0x3B;
    private const byte GyroZLow = 0x48;
    private const byte PowerManagement1 = 0x6B;
    private const byte WhoAmI = 0x75;

    private readonly byte[] _registers = new byte[128];
    private byte _pointer;

    public SimulatedMpu6050(int busId = 1, int address = 0x68)
    {
        ConnectionSettings = new I2cConnectionSettings(busId, address);
        Reset();
    }

    public override I2cConnectionSettings ConnectionSettings { get; }

    /// <summary>Gets or sets the acceleration the chip feels, in g, per axis.</summary>
    public (double X, double Y, double Z) AccelerationG { get; set; } = (0, 0, 1);

    /// <summary>Gets or sets the angular rate, in degrees per second, per axis.</summary>
    public (double X, double Y, double Z) RotationDegreesPerSecond { get; set; }

    /// <summary>Gets or sets how many of the next transfers fail, as a NACK does on a real bus.</summary>
    public int FailingTransfers { get; set; }

    public bool IsSleeping => (_registers[PowerManagement1] & 0x40) != 0;

    public byte Register(byte address) => _registers[address];

    public override byte ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        Read(one);
        return one[0];
    }

    public override void Read(Span<byte> buffer)
    {
        Fail();
        for (int i = 0; i < buffer.Length; i++)
        {
            buffer[i] = ReadRegister(_pointer);
            _pointer = (byte)((_pointer + 1) & 0x7F);
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Fail();
        if (buffer.IsEmpty)
        {
            return;
        }

        _pointer = (byte)(buffer[0] & 0x7F);
        foreach (byte value in buffer[1..])
        {
            WriteRegister(_pointer, value);
            _pointer = (byte)((_pointer + 1) & 0x7F);
        }
    }

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Write(writeBuffer);
        Read(readBuffer);
    }

    private void Fail()
    {
        if (FailingTransfers > 0)
        {
            FailingTransfers--;
            throw new IOException("Error 121 performing I2C data transfer (remote I/O error: no acknowledge).");
        }
    }

    private void Reset()
    {
        Array.Clear(_registers);
        _registers[PowerManagement1] = 0x40;
        _registers[WhoAmI] = 0x68;
    }

    private void WriteRegister(byte address, byte value)
    {
        if (address == WhoAmI || address is >= AccelXHigh and <= GyroZLow)
        {
            return;
        }

        if (address == PowerManagement1 && (value & 0x80) != 0)
        {
            Reset();
            return;
        }

        _registers[address] = value;
    }

    private byte ReadRegister(byte address)
    {
        if (address is >= AccelXHigh and <= GyroZLow && !IsSleeping)
        {
            Sample();
        }

        return _registers[address];
    }

    private void Sample()
    {
        // Sensitivity halves with each full-scale step: 16384 LSB/g at ±2 g, 131 LSB/(°/s) at ±250 °/s.
        double accelerationLsb = 16384.0 / (1 << ((_registers[AccelConfig] >> 3) & 3));
        double rotationLsb = 131.0 / (1 << ((_registers[GyroConfig] >> 3) & 3));
        Store(0x3B, AccelerationG.X * accelerationLsb);
        Store(0x3D, AccelerationG.Y * accelerationLsb);
        Store(0x3F, AccelerationG.Z * accelerationLsb);
        Store(0x41, (25.0 - 36.53) * 340); // 25 °C by the datasheet's formula
        Store(0x43, RotationDegreesPerSecond.X * rotationLsb);
        Store(0x45, RotationDegreesPerSecond.Y * rotationLsb);
        Store(0x47, RotationDegreesPerSecond.Z * rotationLsb);
    }

    private void Store(byte high, double value)
    {
        short raw = (short)Math.Clamp(Math.Round(value), short.MinValue, short.MaxValue);
        _registers[high] = (byte)(raw >> 8);
        _registers[high + 1] = (byte)raw;
    }
}
