using System.Device.Gpio;

namespace EdgeIL.Device.Tests.Simulation;

/// <summary>
/// A GPIO driver with its pins in memory: outputs keep what was written, inputs read what the test
/// drives, and driving an input raises the edge callbacks the bindings registered, as a kernel
/// driver does from its interrupt.
/// </summary>
internal sealed class InMemoryGpioDriver : GpioDriver
{
    private readonly Dictionary<int, PinMode> _modes = [];
    private readonly Dictionary<int, PinValue> _values = [];
    private readonly Dictionary<int, List<(PinEventTypes Events, PinChangeEventHandler Handler)>> _callbacks = [];

    public List<(int Pin, PinValue Value)> Writes { get; } = [];

    protected override int PinCount => 64;

    public PinValue Level(int pin) => _values.TryGetValue(pin, out PinValue value) ? value : PinValue.Low;

    /// <summary>Drives an input pin from outside (a button closing, a signal changing).</summary>
    public void Drive(int pin, PinValue value)
    {
        PinValue previous = Level(pin);
        _values[pin] = value;
        if (previous == value || !_callbacks.TryGetValue(pin, out var handlers))
        {
            return;
        }

        PinEventTypes edge = value == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
        foreach ((PinEventTypes events, PinChangeEventHandler handler) in handlers.ToArray())
        {
            if ((events & edge) != 0)
            {
                handler(this, new PinValueChangedEventArgs(edge, pin));
            }
        }
    }

    protected override void OpenPin(int pinNumber) => _modes.TryAdd(pinNumber, PinMode.Input);

    protected override void ClosePin(int pinNumber)
    {
        _modes.Remove(pinNumber);
        _callbacks.Remove(pinNumber);
    }

    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        _modes[pinNumber] = mode;
        if (mode == PinMode.InputPullUp && !_values.ContainsKey(pinNumber))
        {
            _values[pinNumber] = PinValue.High;
        }
    }

    protected override PinMode GetPinMode(int pinNumber) => _modes.TryGetValue(pinNumber, out PinMode mode) ? mode : PinMode.Input;

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => true;

    protected override PinValue Read(int pinNumber) => Level(pinNumber);

    protected override void Write(int pinNumber, PinValue value)
    {
        _values[pinNumber] = value;
        Writes.Add((pinNumber, value));
    }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The tests drive pins through callbacks.");

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        if (!_callbacks.TryGetValue(pinNumber, out var handlers))
        {
            _callbacks[pinNumber] = handlers = [];
        }

        handlers.Add((eventTypes, callback));
    }

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        if (_callbacks.TryGetValue(pinNumber, out var handlers))
        {
            handlers.RemoveAll(entry => entry.Handler == callback);
        }
    }
}
