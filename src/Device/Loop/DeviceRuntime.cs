using System.Device.Gpio;
using System.Device.I2c;
using System.Device.Spi;
using EdgeIL.Device.Configuration;
using EdgeIL.Device.Outputs;
using EdgeIL.Device.Persistence;
using EdgeIL.Device.Sources;
using EdgeIL.Device.Streams;
using EdgeIL.Device.Targets;
using EdgeIL.Learner;
using EdgeIL.Learner.Onnx;
using Iot.Device.Button;
using Iot.Device.Media;

namespace EdgeIL.Device.Loop;

/// <summary>What the runtime needs from the process around it.</summary>
/// <param name="StateDirectory">Where checkpoints, status.json, the ONNX export and recordings go.</param>
/// <param name="Hardware">Opens the buses.</param>
/// <param name="Time">The clock.</param>
/// <param name="Out">Where status lines and events are printed.</param>
/// <param name="Error">Where problems are reported.</param>
/// <param name="In">The line protocol's input (standard input).</param>
public sealed record DeviceEnvironment(string StateDirectory, IDeviceHardware Hardware, TimeProvider Time, TextWriter Out, TextWriter Error, TextReader In);

/// <summary>
/// The device runtime composed from a configuration: it opens the source, the targets and the outputs,
/// creates the model or resumes it from the newest valid checkpoint, and runs the loop. It owns
/// everything it opens.
/// </summary>
public sealed class DeviceRuntime : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private DeviceLoop? _loop;

    private DeviceRuntime(DeviceRequests requests)
    {
        Requests = requests;
    }

    /// <summary>Gets the loop.</summary>
    public DeviceLoop Loop => _loop ?? throw new InvalidOperationException("The runtime was not composed.");

    /// <summary>Gets the requests channel signals and buttons post to.</summary>
    public DeviceRequests Requests { get; }

    /// <summary>Gets the learner.</summary>
    public OnlineLearner Learner { get; private set; } = null!;

    /// <summary>Gets the checkpoint the model was resumed from; null for a fresh model.</summary>
    public string? ResumedFrom { get; private set; }

    /// <summary>Composes the runtime.</summary>
    /// <param name="loaded">The validated configuration.</param>
    /// <param name="environment">The process around the runtime.</param>
    /// <returns>The runtime, ready to <see cref="Run"/>.</returns>
    /// <exception cref="ConfigurationException">The configuration does not fit the data or the saved model.</exception>
    /// <exception cref="IOException">A device or file could not be opened.</exception>
    public static DeviceRuntime Create(LoadedConfiguration loaded, DeviceEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(environment);
        var runtime = new DeviceRuntime(new DeviceRequests());
        try
        {
            runtime.Compose(loaded, environment);
            return runtime;
        }
        catch
        {
            runtime.Dispose();
            throw;
        }
    }

    /// <summary>Runs the loop until it ends.</summary>
    /// <param name="maxTicks">The tick limit; null for none.</param>
    /// <returns>Why it ended.</returns>
    public LoopExit Run(long? maxTicks = null) => Loop.Run(maxTicks);

    /// <summary>Releases everything the runtime opened, in reverse order.</summary>
    public void Dispose()
    {
        _loop?.Dispose();
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }

        _owned.Clear();
        Requests.Dispose();
    }

    private static string Describe(ReadOnlySpan<int> sizes, OutputHead head, LearningAlgorithm algorithm) =>
        $"{string.Join('-', sizes.ToArray())} {head.ToString().ToLowerInvariant()} {algorithm.Name()}";

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    private void Compose(LoadedConfiguration loaded, DeviceEnvironment environment)
    {
        DeviceConfiguration configuration = loaded.Configuration;
        string name = loaded.Name;
        string file = Path.GetFileName(loaded.FilePath);
        CreateStateDirectory(environment.StateDirectory);
        bool selfSupervised = configuration.Targets.Kind == "none";
        GpioController? gpio = null;
        GpioController Gpio() => gpio ??= Own(environment.Hardware.OpenGpio(configuration.Gpio));

        IFrameSource source = Own(OpenSource(loaded, environment));

        int outputs;
        if (selfSupervised)
        {
            outputs = source.FeatureCount;
        }
        else
        {
            int? classes = configuration.Model.Classes
                ?? (configuration.Targets.Kind == "buttons" ? configuration.Targets.Buttons.Pins.Length : (int?)null)
                ?? (source.ClassCount > 0 ? source.ClassCount : (int?)null);
            if (classes is not { } classCount || classCount < 2)
            {
                throw new ConfigurationException($"{file}: model.classes: is required: the source {source.Description} carries no labels to count classes from");
            }

            if (configuration.Targets.Kind == "dataset" && source.ClassCount == 0)
            {
                throw new ConfigurationException($"{file}: targets.kind: \"dataset\" needs labelled samples, but {source.Description} has none");
            }

            if (source.ClassCount > classCount)
            {
                throw new ConfigurationException($"{file}: model.classes: is {classCount}, but {source.Description} has labels up to {source.ClassCount - 1}");
            }

            outputs = classCount;
        }

        ModelSettings modelSettings = configuration.Model;
        LearningAlgorithm algorithm = LearningAlgorithms.Parse(modelSettings.Algorithm);
        OutputHead head = !selfSupervised ? OutputHead.Softmax
            : modelSettings.ReconstructionHead == "sigmoid" ? OutputHead.Sigmoid : OutputHead.Identity;
        int[] sizes = [source.FeatureCount, .. modelSettings.HiddenLayers, outputs];

        var store = new CheckpointStore(environment.StateDirectory, configuration.Persistence.KeepCheckpoints);
        var rejected = new List<string>();
        (OnlineLearner Learner, string Path)? resumed = store.LoadNewest(rejected);
        foreach (string message in rejected)
        {
            environment.Error.WriteLine(message);
        }

        if (resumed is { } found)
        {
            OnlineLearner learner = found.Learner;
            if (!learner.Model.LayerSizes.SequenceEqual(sizes) || learner.Model.Head != head || learner.Algorithm != algorithm)
            {
                throw new ConfigurationException(
                    $"{file}: model: describes a {Describe(sizes, head, algorithm)} model, but the state directory holds {found.Path}, " +
                    $"a {Describe(learner.Model.LayerSizes, learner.Model.Head, learner.Algorithm)} model; " +
                    "restore the configuration it was trained with, or move the state directory away to start afresh");
            }

            Hyperparameters configured = Configured(modelSettings, learner.Hyperparameters);
            Learner = configured == learner.Hyperparameters ? learner : learner.WithHyperparameters(configured);
            ResumedFrom = found.Path;
        }
        else
        {
            Learner = CreateLearner(modelSettings, algorithm, head, sizes);
        }

        int ceiling = algorithm.UsesInference() ? Learner.Hyperparameters.Iterations : 0;
        int floor = Math.Min(ceiling, configuration.Loop.FloorIterations ?? ceiling / 2);
        var budget = new IterationBudget(ceiling, floor, configuration.Loop.BudgetStepIterations, configuration.Loop.RaiseAfterTicks, configuration.Loop.HeadroomFraction);

        ITargetSource? targets = null;
        AnomalyDetector? anomaly = null;
        switch (configuration.Targets.Kind)
        {
            case "dataset":
                targets = Own(new DatasetTargets());
                break;
            case "buttons":
                ButtonSettings buttons = configuration.Targets.Buttons;
                targets = Own(new ButtonTargets(Gpio(), buttons.Pins, buttons.PullUp, TimeSpan.FromMilliseconds(buttons.DebounceMilliseconds)));
                break;
            case "stdin":
                targets = Own(new LineProtocolTargets(environment.In, environment.Error, Requests, outputs));
                break;
            default:
                AnomalySettings settings = configuration.Targets.Anomaly;
                anomaly = new AnomalyDetector(settings.ThresholdDeviations, settings.Smoothing, settings.WarmupTicks);
                break;
        }

        var tickOutputs = new List<ITickOutput>();
        if (configuration.Outputs.Leds is { } leds)
        {
            tickOutputs.Add(Own(new LedOutput(Gpio(), leds.ClassPins, leds.AnomalyPin, leds.ActiveHigh)));
        }

        if (configuration.Outputs.Recording is { } recording)
        {
            string path = Path.GetFullPath(Path.Combine(environment.StateDirectory, recording.Path));
            RecordingWriter writer;
            try
            {
                writer = new RecordingWriter(
                    path,
                    source.FeatureCount,
                    selfSupervised ? 0 : outputs,
                    recording.Element == "uint8" ? RecordingElement.UInt8 : RecordingElement.Float32,
                    (float)configuration.Loop.TickHz,
                    environment.Time.GetUtcNow().ToUnixTimeMilliseconds(),
                    (long)recording.MaxMegabytes << 20);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // A path the configuration names, not a device: fixing the file is the remedy, so it is a configuration error.
                throw new ConfigurationException($"{file}: outputs.recording.path: cannot write {path}: {exception.Message}", exception);
            }

            tickOutputs.Add(Own(new RecordingOutput(writer, selfSupervised)));
        }

        if (configuration.Persistence.ExportButtonPin is { } exportPin)
        {
            var button = Own(new GpioButton(exportPin, isPullUp: true, hasExternalResistor: false, Gpio(), shouldDispose: false, TimeSpan.FromMilliseconds(50)));
            button.Press += (_, _) => Requests.RequestExport();
        }

        TextWriter? console = configuration.Outputs.Console ? environment.Out : null;
        var exportOptions = new OnnxExportOptions { SourceName = $"{name}: {source.Description}", Description = $"exported by edgeil-device from {file}" };
        var persistence = Own(new PersistenceWorker(
            store,
            (learner, path) => OnnxExport.Save(learner, path, exportOptions),
            Path.GetFullPath(Path.Combine(environment.StateDirectory, configuration.Persistence.OnnxPath)),
            line => (console ?? environment.Error).WriteLine(line)));

        var options = new DeviceLoopOptions
        {
            Name = name,
            TickHz = configuration.Loop.TickHz,
            MaxCatchUpTicks = configuration.Loop.MaxCatchUpTicks,
            ConsecutiveFaultLimit = configuration.Loop.ConsecutiveFaultLimit,
            FrameTimeoutSeconds = configuration.Loop.FrameTimeoutSeconds,
            StatusEverySeconds = configuration.Loop.StatusEverySeconds,
            PrintEverySeconds = configuration.Loop.PrintEverySeconds,
            CheckpointEveryLearnSteps = configuration.Persistence.CheckpointEveryLearnSteps,
            CheckpointEverySeconds = configuration.Persistence.CheckpointEverySeconds,
            PrequentialWindow = configuration.Loop.PrequentialWindow,
        };
        _loop = new DeviceLoop(
            Learner,
            source,
            targets,
            anomaly,
            tickOutputs,
            budget,
            persistence,
            new StatusFile(Path.Combine(environment.StateDirectory, "status.json")),
            console,
            Requests,
            environment.Time,
            options)
        {
            ResumedFrom = ResumedFrom,
        };

        if (console is not null)
        {
            console.WriteLine($"edgeil-device: {name} from {loaded.FilePath}");
            console.WriteLine($"  source   {source.Description} ({source.FeatureCount} features)");
            console.WriteLine($"  targets  {targets?.Description ?? "none: self-supervised autoencoder, reconstruction error as anomaly score"}");
            console.WriteLine($"  model    {Describe(sizes, head, algorithm)}, budget {budget.Ceiling} iterations, floor {budget.Floor}");
            console.WriteLine($"  state    {store.Directory}{(ResumedFrom is null ? " (fresh model)" : $" (resumed from {Path.GetFileName(ResumedFrom)}, {Learner.SamplesSeen} samples seen)")}");
            console.WriteLine($"  loop     {configuration.Loop.TickHz} Hz, catch-up clamp {configuration.Loop.MaxCatchUpTicks} ticks");
        }
    }

    private static OnlineLearner CreateLearner(ModelSettings settings, LearningAlgorithm algorithm, OutputHead head, int[] sizes)
    {
        Mlp model = Mlp.CreateRandom(sizes, head, settings.Seed);
        if (settings.InputScaling == "standardize")
        {
            model.Input.StartStandardizing();
        }
        else if (settings.InputOffset != 0 || settings.InputScale != 1)
        {
            model.Input.SetFixed(settings.InputOffset, settings.InputScale);
        }

        return new OnlineLearner(model, algorithm, Configured(settings, Hyperparameters.For(algorithm)));
    }

    /// <summary>The settings the configuration gives, on top of <paramref name="current"/> (the defaults, or a resumed checkpoint's).</summary>
    private static Hyperparameters Configured(ModelSettings settings, Hyperparameters current)
    {
        Hyperparameters h = current;
        h = settings.Iterations is { } iterations ? h with { Iterations = iterations } : h;
        h = settings.Alpha is { } alpha ? h with { Alpha = alpha } : h;
        h = settings.LearningRate is { } learningRate ? h with { LearningRate = learningRate } : h;
        return settings.Epsilon is { } epsilon ? h with { Epsilon = epsilon } : h;
    }

    private static IFrameSource OpenSource(LoadedConfiguration loaded, DeviceEnvironment environment)
    {
        SourceSettings source = loaded.Configuration.Source;
        switch (source.Kind)
        {
            case "replay":
                return OpenReplay(loaded, source.Replay);
            case "camera":
                CameraSettings camera = source.Camera;
                RawPixelFormat format = camera.PixelFormat == "grey" ? RawPixelFormat.Grey : RawPixelFormat.Yuyv;
                var downscaler = new GreyscaleDownscaler(format, camera.CaptureWidth, camera.CaptureHeight, camera.Width, camera.Height);
                var settings = new VideoConnectionSettings(
                    camera.Device,
                    ((uint)camera.CaptureWidth, (uint)camera.CaptureHeight),
                    format == RawPixelFormat.Grey ? VideoPixelFormat.GREY : VideoPixelFormat.YUYV);
                VideoDevice video = environment.Hardware.OpenCamera(settings);
                return new CameraSource(video, downscaler);
            case "imu":
                ImuSettings imu = source.Imu;
                I2cDevice i2c = environment.Hardware.OpenI2c(new I2cConnectionSettings(imu.I2cBus, imu.Address));
                return new ImuSource(i2c, imu.WindowSamples, imu.SampleHz, environment.Time);
            default:
                AdcSettings adc = source.Adc;
                SpiDevice spi = environment.Hardware.OpenSpi(new SpiConnectionSettings(adc.SpiBus, adc.ChipSelect)
                {
                    ClockFrequency = adc.ClockHz,

                    // MCP3008 datasheet section 6.1: SPI modes 0,0 and 1,1 both work; 0 is the usual.
                    Mode = SpiMode.Mode0,
                });
                return new AdcSource(spi, adc.Channels, adc.WindowSamples, adc.SampleHz, environment.Time);
        }
    }

    private static void CreateStateDirectory(string stateDirectory)
    {
        try
        {
            Directory.CreateDirectory(stateDirectory);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"--state-dir {stateDirectory}: cannot be created: {exception.Message}", exception);
        }
    }

    private static ReplaySource OpenReplay(LoadedConfiguration loaded, ReplaySettings replay)
    {
        string file = Path.GetFileName(loaded.FilePath);
        try
        {
            switch (replay.Format)
            {
                case "recording":
                    string recordingPath = loaded.Resolve(replay.Path!);
                    return new ReplaySource(RecordingReader.Open(recordingPath), $"recording {recordingPath}");
                default:
                    int? classes = loaded.Configuration.Model.Classes;
                    LabeledDataset dataset = replay.Format switch
                    {
                        "mnist" => IdxDataset.LoadMnistFolder(loaded.Resolve(replay.Path!), replay.Split == "test" ? MnistSplit.Test : MnistSplit.Train, classCount: classes),
                        "idx" => replay.LabelsPath is { } labels
                            ? IdxDataset.Load(loaded.Resolve(replay.ImagesPath!), loaded.Resolve(labels), Path.GetFileNameWithoutExtension(replay.ImagesPath!), classes)
                            : IdxDataset.LoadUnlabeled(loaded.Resolve(replay.ImagesPath!), Path.GetFileNameWithoutExtension(replay.ImagesPath!)),
                        _ => CsvDataset.Read(loaded.Resolve(replay.Path!), replay.LabelColumn, classCount: classes).Dataset,
                    };
                    var stream = new DatasetStream(dataset, replay.Seed, cycle: replay.Cycle);
                    return new ReplaySource(stream, $"replay of {dataset.Name} ({dataset.Count} samples, seed {replay.Seed})");
            }
        }
        catch (FileNotFoundException exception)
        {
            throw new ConfigurationException($"{file}: source.replay: {exception.Message}", exception);
        }
        catch (DirectoryNotFoundException exception)
        {
            throw new ConfigurationException($"{file}: source.replay.path: {exception.Message}", exception);
        }
        catch (DataFormatException exception)
        {
            throw new ConfigurationException($"{file}: source.replay: {exception.Message}", exception);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A folder given as a file, or a file this user may not read: still a path in the configuration.
            throw new ConfigurationException($"{file}: source.replay.path: {exception.Message}", exception);
        }
    }
}
