using System.Device.Gpio;
using EdgeIL.Device.Targets;
using EdgeIL.Device.Tests.Simulation;

namespace EdgeIL.Device.Tests.Targets;

/// <summary>The bindings' <c>GpioButton</c> over an in-memory GPIO driver: pull-up wiring, pressed is low.</summary>
public sealed class ButtonTargetsTests
{
    [Fact]
    public void CurrentLabel_OneButtonHeld_GivesItsClass()
    {
        var driver = new InMemoryGpioDriver();
        using var controller = new GpioController(driver);
        using var targets = new ButtonTargets(controller, [5, 6, 13], pullUp: true, TimeSpan.Zero);

        Assert.Equal(-1, targets.CurrentLabel(-1));
        driver.Drive(6, PinValue.Low);
        Assert.Equal(1, targets.CurrentLabel(-1));
        driver.Drive(6, PinValue.High);
        Assert.Equal(-1, targets.CurrentLabel(-1));
    }

    [Fact]
    public void CurrentLabel_TwoButtonsHeld_GivesNoTarget()
    {
        var driver = new InMemoryGpioDriver();
        using var controller = new GpioController(driver);
        using var targets = new ButtonTargets(controller, [5, 6], pullUp: true, TimeSpan.Zero);

        driver.Drive(5, PinValue.Low);
        driver.Drive(6, PinValue.Low);

        Assert.Equal(-1, targets.CurrentLabel(-1));
    }

    [Fact]
    public void CurrentLabel_IgnoresTheFramesOwnLabel()
    {
        var driver = new InMemoryGpioDriver();
        using var controller = new GpioController(driver);
        using var targets = new ButtonTargets(controller, [5, 6], pullUp: true, TimeSpan.Zero);

        Assert.Equal(-1, targets.CurrentLabel(frameLabel: 1));
    }
}
