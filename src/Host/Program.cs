using EdgeIL.Host;

return HostCommands.CreateRoot(Console.Out, Console.Error).Parse(args).Invoke();
