using System.CommandLine;
using System.Runtime.InteropServices;
using EdgeIL.Device.Configuration;
using EdgeIL.Device.Loop;

namespace EdgeIL.Device.App;

/// <summary>The <c>edgeil-device</c> command line.</summary>
internal static class DeviceCommand
{
    private static readonly Option<string> s_config = new("--config")
    {
        Description = "The JSON configuration (see firmware-config/). Required.",
        Required = true,
    };

    private static readonly Option<string> s_stateDirectory = new("--state-dir")
    {
        Description = "Where checkpoints, status.json, the ONNX export and recordings go; created if missing. Default: ./edgeil-state",
        DefaultValueFactory = _ => "edgeil-state",
    };

    private static readonly Option<long?> s_maxTicks = new("--max-ticks")
    {
        Description = "End the run cleanly after this many ticks (a checkpoint is saved). Default: run until stopped.",
    };

    /// <summary>Creates the command.</summary>
    public static RootCommand Create(TextWriter output, TextWriter error, TextReader input)
    {
        var command = new RootCommand(
            "edgeil-device: learn online from a camera, an IMU, an ADC or a replayed dataset with a fixed inference budget. " +
            "SIGINT/SIGTERM stop cleanly and save a checkpoint; SIGUSR1 exports the model to ONNX; SIGUSR2 saves a checkpoint.")
        {
            s_config,
            s_stateDirectory,
            s_maxTicks,
        };
        command.SetAction(parse => new DeviceRunner(output, error, input).Run(parse.GetValue(s_config)!, parse.GetValue(s_stateDirectory)!, parse.GetValue(s_maxTicks)));
        return command;
    }
}

/// <summary>Loads the configuration, composes the runtime, wires the signals and runs; returns the exit code.</summary>
internal sealed class DeviceRunner(TextWriter output, TextWriter error, TextReader input)
{
    /// <summary>The run ended as asked: tick limit, signal, quit, or the end of a replay.</summary>
    public const int Success = 0;

    /// <summary>The run failed: a device could not be opened, or the source failed while running.</summary>
    public const int Failure = 1;

    /// <summary>The configuration or the arguments are wrong; restarting will not help.</summary>
    public const int UsageError = 2;

    // Linux numbers these the same on x86-64 and arm64 (asm-generic/signal.h); .NET has no names for them.
    private const int SignalUser1 = 10;
    private const int SignalUser2 = 12;

    public int Run(string configPath, string stateDirectory, long? maxTicks)
    {
        if (maxTicks is < 0)
        {
            error.WriteLine($"--max-ticks: must be 0 or more; got {maxTicks}");
            return UsageError;
        }

        LoadedConfiguration loaded;
        try
        {
            loaded = DeviceConfigurationFile.Load(configPath);
        }
        catch (ConfigurationException exception)
        {
            error.WriteLine(exception.Message);
            return UsageError;
        }

        var environment = new DeviceEnvironment(Path.GetFullPath(stateDirectory), new LinuxHardware(), TimeProvider.System, output, error, input);
        DeviceRuntime runtime;
        try
        {
            runtime = DeviceRuntime.Create(loaded, environment);
        }
        catch (ConfigurationException exception)
        {
            error.WriteLine(exception.Message);
            return UsageError;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or DllNotFoundException or PlatformNotSupportedException)
        {
            error.WriteLine($"{Path.GetFileName(configPath)}: cannot open the hardware: {exception.Message}");
            return Failure;
        }

        using (runtime)
        {
            DeviceRequests requests = runtime.Requests;
            using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Stop(context, requests, "SIGTERM"));
            using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Stop(context, requests, "SIGINT"));
            using PosixSignalRegistration export = PosixSignalRegistration.Create((PosixSignal)SignalUser1, context =>
            {
                context.Cancel = true;
                requests.RequestExport();
            });
            using PosixSignalRegistration checkpoint = PosixSignalRegistration.Create((PosixSignal)SignalUser2, context =>
            {
                context.Cancel = true;
                requests.RequestCheckpoint();
            });

            LoopExit exit = runtime.Run(maxTicks);
            return exit == LoopExit.SourceFailed ? Failure : Success;
        }
    }

    private static void Stop(PosixSignalContext context, DeviceRequests requests, string name)
    {
        // Cancelling the default action keeps the process alive long enough to save a checkpoint.
        context.Cancel = true;
        requests.RequestStop(name);
    }
}
