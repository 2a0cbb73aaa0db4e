using System.CommandLine;

namespace EdgeIL.Host.Tests;

/// <summary>Runs the <c>edgeil</c> command line in-process, as a user would type it, capturing both writers.</summary>
internal static class HostCli
{
    public static (int Exit, string Output, string Error) Invoke(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        RootCommand root = HostCommands.CreateRoot(output, error);
        int exit = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
