namespace EdgeIL.Device.Configuration;

/// <summary>
/// The exception thrown when a configuration file cannot be used. Its message lists every problem
/// found, one per line, each naming the file and the field: <c>imu-anomaly.json: source.imu.i2cBus: must be 0..10</c>.
/// </summary>
public sealed class ConfigurationException : Exception
{
    /// <summary>Initializes a new instance with a generic message.</summary>
    public ConfigurationException()
        : this("The configuration is invalid.")
    {
    }

    /// <summary>Initializes a new instance with one message.</summary>
    /// <param name="message">The problem, naming the file and field.</param>
    public ConfigurationException(string message)
        : this(message, innerException: null)
    {
    }

    /// <summary>Initializes a new instance with one message and its cause.</summary>
    /// <param name="message">The problem, naming the file and field.</param>
    /// <param name="innerException">The exception that revealed it, for example a JSON syntax error.</param>
    public ConfigurationException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    /// <summary>Initializes a new instance listing several problems.</summary>
    /// <param name="errors">The problems, each naming the file and field.</param>
    public ConfigurationException(IReadOnlyList<string> errors)
        : base(string.Join(Environment.NewLine, errors))
    {
        Errors = errors;
    }

    /// <summary>Gets the problems, one per entry.</summary>
    public IReadOnlyList<string> Errors { get; }
}
