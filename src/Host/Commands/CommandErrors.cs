using EdgeIL.Device.Streams;
using EdgeIL.Host.Data;
using EdgeIL.Learner.Checkpoints;
using EdgeIL.Learner.Onnx;

namespace EdgeIL.Host.Commands;

/// <summary>Turns the errors a user can cause into one clear line and an exit code, instead of a stack trace.</summary>
public static class CommandErrors
{
    /// <summary>Runs <paramref name="action"/>; bad input is reported on <paramref name="error"/> with <see cref="ExitCodes.BadInput"/>.</summary>
    public static int Guard(TextWriter error, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception exception) when (exception is DataFormatException or DataNotFoundException or CheckpointFormatException or OnnxFormatException or ArgumentException or FileNotFoundException or DirectoryNotFoundException)
        {
            error.WriteLine($"edgeil: {exception.Message}");
            return ExitCodes.BadInput;
        }
    }
}
