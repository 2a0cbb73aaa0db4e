using System.Device.Gpio;

namespace EdgeIL.Device.Outputs;

/// <summary>
/// GPIO LEDs: one per class, lit for the predicted class, and one lit while the anomaly score is out
/// of its recent range. A pin is written only when its state changes, so a steady prediction costs no
/// system calls.
/// </summary>
public sealed class LedOutput : ITickOutput
{
    private readonly GpioController _controller;
    private readonly int[] _classPins;
    private readonly int _anomalyPin;
    private readonly PinValue _on;
    private readonly PinValue _off;
    private int _litClass = -1;
    private bool _anomalyLit;

    /// <summary>Initializes the LEDs on <paramref name="controller"/>, which the output uses but does not own, all off.</summary>
    /// <param name="controller">The GPIO controller.</param>
    /// <param name="classPins">The pin of each class's LED, class 0 first; may be empty.</param>
    /// <param name="anomalyPin">The anomaly LED's pin, or null.</param>
    /// <param name="activeHigh">True when a high pin lights an LED.</param>
    public LedOutput(GpioController controller, IReadOnlyList<int> classPins, int? anomalyPin, bool activeHigh)
    {
        ArgumentNullException.ThrowIfNull(controller);
        ArgumentNullException.ThrowIfNull(classPins);
        _controller = controller;
        _classPins = [.. classPins];
        _anomalyPin = anomalyPin ?? -1;
        _on = activeHigh ? PinValue.High : PinValue.Low;
        _off = activeHigh ? PinValue.Low : PinValue.High;
        foreach (int pin in _classPins)
        {
            _controller.OpenPin(pin, PinMode.Output, _off);
        }

        if (_anomalyPin >= 0)
        {
            _controller.OpenPin(_anomalyPin, PinMode.Output, _off);
        }
    }

    /// <inheritdoc/>
    public void Publish(in TickOutcome outcome, ReadOnlySpan<float> frame)
    {
        int lit = (uint)outcome.PredictedClass < (uint)_classPins.Length ? outcome.PredictedClass : -1;
        if (lit != _litClass)
        {
            if (_litClass >= 0)
            {
                _controller.Write(_classPins[_litClass], _off);
            }

            if (lit >= 0)
            {
                _controller.Write(_classPins[lit], _on);
            }

            _litClass = lit;
        }

        if (_anomalyPin >= 0 && outcome.IsAnomaly != _anomalyLit)
        {
            _controller.Write(_anomalyPin, outcome.IsAnomaly ? _on : _off);
            _anomalyLit = outcome.IsAnomaly;
        }
    }

    /// <summary>Turns every LED off and releases the pins.</summary>
    public void Dispose()
    {
        foreach (int pin in _classPins)
        {
            Release(pin);
        }

        if (_anomalyPin >= 0)
        {
            Release(_anomalyPin);
        }
    }

    private void Release(int pin)
    {
        if (_controller.IsPinOpen(pin))
        {
            _controller.Write(pin, _off);
            _controller.ClosePin(pin);
        }
    }
}
