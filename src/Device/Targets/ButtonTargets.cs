using System.Device.Gpio;
using Iot.Device.Button;

namespace EdgeIL.Device.Targets;

/// <summary>
/// Targets from GPIO buttons, one per class, through the bindings' <see cref="GpioButton"/>: while
/// exactly one button is held, the frames shown are of that button's class.
/// </summary>
/// <remarks>
/// Two buttons held at once give no target rather than guessing: a wrong label teaches the model
/// something false, a missing one only slows it down.
/// </remarks>
public sealed class ButtonTargets : ITargetSource
{
    private readonly GpioButton[] _buttons;

    /// <summary>Initializes a new source on <paramref name="controller"/>, which it uses but does not own.</summary>
    /// <param name="controller">The GPIO controller the buttons are on.</param>
    /// <param name="pins">The pin of each class's button, class 0 first.</param>
    /// <param name="pullUp">True when a pressed button pulls its pin low.</param>
    /// <param name="debounce">Time during which further edges of a button are ignored.</param>
    public ButtonTargets(GpioController controller, IReadOnlyList<int> pins, bool pullUp, TimeSpan debounce)
    {
        ArgumentNullException.ThrowIfNull(controller);
        ArgumentNullException.ThrowIfNull(pins);
        if (pins.Count < 1)
        {
            throw new ArgumentException("At least one button is needed.", nameof(pins));
        }

        _buttons = new GpioButton[pins.Count];
        try
        {
            for (int i = 0; i < pins.Count; i++)
            {
                _buttons[i] = new GpioButton(pins[i], pullUp, hasExternalResistor: false, controller, shouldDispose: false, debounce);
            }
        }
        catch
        {
            Dispose();
            throw;
        }

        Description = $"buttons on pins {string.Join(',', pins)} (class 0 first)";
    }

    /// <inheritdoc/>
    public string Description { get; }

    /// <summary>Gets the number of buttons, one per class.</summary>
    public int Count => _buttons.Length;

    /// <inheritdoc/>
    public void Start()
    {
    }

    /// <inheritdoc/>
    public int CurrentLabel(int frameLabel)
    {
        int held = -1;
        for (int i = 0; i < _buttons.Length; i++)
        {
            if (_buttons[i].IsPressed)
            {
                if (held >= 0)
                {
                    return -1;
                }

                held = i;
            }
        }

        return held;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (GpioButton? button in _buttons)
        {
            button?.Dispose();
        }
    }
}
