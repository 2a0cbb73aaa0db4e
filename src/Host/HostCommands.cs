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

    /// <summary>
    /// Parses and runs <paramref name="args"/> as the <c>edgeil</c> program does. A command line that does
    /// not parse is reported like every other error: one line per problem, a pointer to <c>--help</c>,
    /// exit code <see cref="ExitCodes.BadInput"/>.
    /// </summary>
    public static int Invoke(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ParseResult parse = CreateRoot(output, error).Parse(args);
        if (parse.Errors.Count == 0)
        {
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error });
        }

        // Some parser messages list the allowed values one per line; a problem stays one line here.
        foreach (string message in parse.Errors.Select(e => string.Join(' ', e.Message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))).Distinct())
        {
            error.WriteLine($"edgeil: {message}");
        }

        // The root's own name is the executable's (testhost under a test runner); users type edgeil.
        var names = new List<string>();
        for (Command? command = parse.CommandResult.Command; command is not null and not RootCommand; command = command.Parents.OfType<Command>().FirstOrDefault())
        {
            names.Insert(0, command.Name);
        }

        error.WriteLine($"Run '{string.Join(' ', names.Prepend("edgeil"))} --help' for the options.");
        return ExitCodes.BadInput;
    }

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
