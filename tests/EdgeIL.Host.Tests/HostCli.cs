namespace EdgeIL.Host.Tests;

/// <summary>Runs the <c>edgeil</c> command line in-process, as a user would type it, capturing both writers.</summary>
internal static class HostCli
{
    public static (int Exit, string Output, string Error) Invoke(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = HostCommands.Invoke(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
