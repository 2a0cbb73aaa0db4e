using EdgeIL.Device.App;

return DeviceCommand.Create(Console.Out, Console.Error, Console.In).Parse(args).Invoke();
