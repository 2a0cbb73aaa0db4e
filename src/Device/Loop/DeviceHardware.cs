using System.Device.Gpio;
using System.Device.Gpio.Drivers;
using System.Device.I2c;
using System.Device.Spi;
using EdgeIL.Device.Configuration;
using Iot.Device.Media;

namespace EdgeIL.Device.Loop;

/// <summary>
/// Opens the buses the runtime's parts sit on. The Linux implementation opens the real device files;
/// tests hand in simulated buses, so the real bindings run above them.
/// </summary>
public interface IDeviceHardware
{
    /// <summary>Opens the GPIO controller.</summary>
    /// <param name="settings">Which driver and chip.</param>
    /// <returns>The controller; the caller owns it.</returns>
    GpioController OpenGpio(GpioSettings settings);

    /// <summary>Opens an I2C device.</summary>
    /// <param name="settings">The bus and address.</param>
    /// <returns>The device; the caller owns it.</returns>
    I2cDevice OpenI2c(I2cConnectionSettings settings);

    /// <summary>Opens an SPI device.</summary>
    /// <param name="settings">The bus, chip select, clock and mode.</param>
    /// <returns>The device; the caller owns it.</returns>
    SpiDevice OpenSpi(SpiConnectionSettings settings);

    /// <summary>Opens a V4L2 camera.</summary>
    /// <param name="settings">The device number, capture size and pixel format.</param>
    /// <returns>The device; the caller owns it.</returns>
    VideoDevice OpenCamera(VideoConnectionSettings settings);
}

/// <summary>The buses of a Linux board: /dev/gpiochipN, /dev/i2c-N, /dev/spidevN.M and /dev/videoN.</summary>
public sealed class LinuxHardware : IDeviceHardware
{
    // The RP1 I/O controller's GPIO chip carries the 40-pin header on a Raspberry Pi 5 (datasheet
    // "RP1 peripherals", section 3); its number changed between kernels (gpiochip4, later gpiochip0),
    // so it is found by label rather than assumed.
    private const string RaspberryPi5HeaderChipLabel = "pinctrl-rp1";

    /// <inheritdoc/>
    public GpioController OpenGpio(GpioSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Driver switch
        {
            GpioDriverKind.LibgpiodV2 => new GpioController(new LibGpiodV2Driver(settings.Chip ?? HeaderChip())),
            GpioDriverKind.Libgpiod => new GpioController(new LibGpiodDriver(settings.Chip ?? HeaderChip())),
            GpioDriverKind.Sysfs => new GpioController(new SysFsDriver()),

            // The library's detection predates the Raspberry Pi 5 and can pick a driver that opens the
            // wrong chip there; on a Pi 5 the driver is named explicitly.
            _ when IsRaspberryPi5() => new GpioController(new LibGpiodV2Driver(settings.Chip ?? HeaderChip())),
            _ => new GpioController(),
        };
    }

    /// <inheritdoc/>
    public I2cDevice OpenI2c(I2cConnectionSettings settings) => I2cDevice.Create(settings);

    /// <inheritdoc/>
    public SpiDevice OpenSpi(SpiConnectionSettings settings) => SpiDevice.Create(settings);

    /// <inheritdoc/>
    public VideoDevice OpenCamera(VideoConnectionSettings settings) => VideoDevice.Create(settings);

    /// <summary>Tells whether this is a Raspberry Pi 5, from the device tree's model string.</summary>
    /// <returns>True on a Raspberry Pi 5 (or Compute Module 5).</returns>
    public static bool IsRaspberryPi5()
    {
        try
        {
            string model = File.ReadAllText("/proc/device-tree/model");
            return model.Contains("Raspberry Pi 5", StringComparison.Ordinal)
                || model.Contains("Raspberry Pi Compute Module 5", StringComparison.Ordinal);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static int HeaderChip()
    {
        try
        {
            foreach (GpioChipInfo chip in LibGpiodV2Driver.GetAvailableChips())
            {
                if (chip.Label == RaspberryPi5HeaderChipLabel)
                {
                    return chip.Id;
                }
            }
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException or IOException or PlatformNotSupportedException)
        {
            // No libgpiod v2 on this system: chip 0 is the header on every other Raspberry Pi.
        }

        return 0;
    }
}
