using System.CommandLine;
using EdgeIL.Host.Commands;

namespace EdgeIL.Host;

/// <summary>The <c>edgeil</c> command line: one factory per command, each writing to the writers it is given.</summary>
public static class HostCommands
{
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
        return root;
    }
}
