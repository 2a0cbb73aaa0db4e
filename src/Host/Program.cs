using EdgeIL.Host;

return HostCommands.Invoke(args, Console.Out, Console.Error);
