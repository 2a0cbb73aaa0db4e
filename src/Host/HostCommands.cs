using System.CommandLine;
using System.CommandLine.Invocation;
using EdgeIL.Host.Commands;

namespace EdgeIL.Host;

/// <summary>The <c>edgeil</c> command line: one factory per command, each writing to the writers it is given.</summary>
public static class HostCommands
{
    /// <summary><c>--verbose</c>, on every command: errors add the exception's full text after their one-line message.</summary>
    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "On an error, print the full exception (type, message and stack trace) after the one-line message. Default: off",
        Recursive = true,
    };

    /// <summary>Builds the root command with every subcommand.</summary>
    public static RootCommand CreateRoot(TextWriter output, TextWriter error)
    {
        var root = new RootCommand("EdgeIL: online inference learning (IL-prox) on streams, from a desktop.")
        {
            DemoCommand.Create(output, error),
            ReplayCommand.Create(output, error),
            ExperimentCommand.Create(output, error),
            PredictCommand.Create(output, error),
            ExportCommand.Create(output, error),
            VerifyOnnxCommand.Create(output, error),
            ImportCommand.Create(output, error),
        };
        root.Add(Verbose);

        // Every command's action runs inside the one error path, so none can end in a stack trace.
        foreach (Command command in root.Subcommands)
        {
            if (command.Action is SynchronousCommandLineAction action)
            {
                command.SetAction(parse => CommandErrors.Guard(error, parse.GetValue(Verbose), () => action.Invoke(parse)));
            }
        }

        return root;
    }
}
