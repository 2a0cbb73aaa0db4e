using EdgeIL.Device.Streams;
using EdgeIL.Host.Data;
using EdgeIL.Learner.Checkpoints;
using EdgeIL.Learner.Onnx;

namespace EdgeIL.Host.Commands;

/// <summary>
/// The one error path of every command: an exception that reaches it becomes one line on the error
/// writer and an exit code, never a stack trace (unless <c>--verbose</c>). <see cref="HostCommands"/>
/// routes every command's action through <see cref="Guard"/>, so a new command cannot miss it.
/// </summary>
public static class CommandErrors
{
    /// <summary>Runs <paramref name="action"/> and reports whatever it throws through <see cref="Report"/>.</summary>
    /// <param name="error">Where the message goes.</param>
    /// <param name="verbose">True to add the exception's full text (type, message, stack) after the message.</param>
    /// <param name="action">The command's work; returns its exit code.</param>
    public static int Guard(TextWriter error, bool verbose, Func<int> action)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            return action();
        }
        catch (Exception exception)
        {
            return Report(exception, error, verbose);
        }
    }

    /// <summary>
    /// Writes <paramref name="exception"/> as one line and returns the exit code: <see cref="ExitCodes.BadInput"/>
    /// for what a user can cause (malformed or missing data, bad options, files that cannot be read or
    /// written: a folder where a file was expected, permissions, a missing folder, a full disk), else
    /// <see cref="ExitCodes.InternalError"/>.
    /// </summary>
    public static int Report(Exception exception, TextWriter error, bool verbose)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(error);
        if (exception is AggregateException { InnerExceptions.Count: 1 } aggregate)
        {
            exception = aggregate.InnerExceptions[0];
        }

        bool userError = IsUserError(exception);
        string line = userError
            ? $"edgeil: {OneLine(exception.Message)}"
            : $"edgeil: internal error ({exception.GetType().Name}): {OneLine(exception.Message)}. Run again with --verbose for the details.";
        error.WriteLine(line);
        if (verbose)
        {
            error.WriteLine(exception.ToString());
        }

        return userError ? ExitCodes.BadInput : ExitCodes.InternalError;
    }

    /// <summary>True for the errors bad input, options or files cause, whose message already says what is wrong and where.</summary>
    public static bool IsUserError(Exception exception) =>
        exception is DataFormatException or DataNotFoundException or CheckpointFormatException or OnnxFormatException
            or ArgumentException or IOException or UnauthorizedAccessException or InvalidDataException;

    // Every message the framework writes for an IO error names its path; a multi-line message
    // (a list of problems) is kept whole but indented, so the first line still stands alone.
    private static string OneLine(string message) =>
        message.Trim().ReplaceLineEndings(Environment.NewLine + "  ");
}
