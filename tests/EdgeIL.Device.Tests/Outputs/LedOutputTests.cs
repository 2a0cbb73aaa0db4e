using System.Device.Gpio;
using EdgeIL.Device.Outputs;
using EdgeIL.Device.Tests.Simulation;

namespace EdgeIL.Device.Tests.Outputs;

public sealed class LedOutputTests
{
    [Fact]
    public void Publish_PredictionChanges_MovesTheLitLedAndWritesOnlyChanges()
    {
        var driver = new InMemoryGpioDriver();
        using var controller = new GpioController(driver);
        using var leds = new LedOutput(controller, [17, 27, 22], anomalyPin: null, activeHigh: true);
        driver.Writes.Clear();

        leds.Publish(new TickOutcome(0, 1, 0.9f, -1, float.NaN, false), []);
        leds.Publish(new TickOutcome(1, 1, 0.9f, -1, float.NaN, false), []);
        leds.Publish(new TickOutcome(2, 2, 0.9f, -1, float.NaN, false), []);

        Assert.Equal([(27, PinValue.High), (27, PinValue.Low), (22, PinValue.High)], driver.Writes);
    }

    [Fact]
    public void Publish_Anomaly_LightsActiveLowLedWhileAnomalous()
    {
        var driver = new InMemoryGpioDriver();
        using var controller = new GpioController(driver);
        using var leds = new LedOutput(controller, [], anomalyPin: 21, activeHigh: false);

        Assert.Equal(PinValue.High, driver.Level(21));
        leds.Publish(new TickOutcome(0, -1, float.NaN, -1, 9f, true), []);
        Assert.Equal(PinValue.Low, driver.Level(21));
        leds.Publish(new TickOutcome(1, -1, float.NaN, -1, 1f, false), []);
        Assert.Equal(PinValue.High, driver.Level(21));
    }
}
