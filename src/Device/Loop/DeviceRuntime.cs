using System.Device.Gpio;
using System.Device.I2c;
using System.Device.Spi;
using EdgeIL.Device.Configuration;
using EdgeIL.Device.Outputs;
using EdgeIL.Device.Persistence;
using EdgeIL.Device.Safety;
using EdgeIL.Device.Sources;
using EdgeIL.Device.Streams;
using EdgeIL.Device.Targets;
using EdgeIL.Learner;
using EdgeIL.Learner.Drift;
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
public sealed record DeviceEnvironment(string StateDirectory, IDeviceHardware Hardware, TimeProvider Time, TextWriter Out, TextWriter Error, TextReader In)
{
    /// <summary>Gets the cores the learner may use; the machine's by default.</summary>
    public int ProcessorCount { get; init; } = Environment.ProcessorCount;
}

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
        CreateStateDirectory(environment.StateDirectory);
        var gpio = new Lazy<GpioController>(() => Own(environment.Hardware.OpenGpio(configuration.Gpio)), LazyThreadSafetyMode.None);

        IFrameSource source = Own(OpenSource(loaded, environment));
        ModelShape shape = ChooseModelShape(loaded, source);
        var store = new CheckpointStore(environment.StateDirectory, configuration.Persistence.KeepCheckpoints);
        ResumeOrCreateLearner(loaded, environment, store, shape);
        ConfigureWorkers(loaded, environment);
        IterationBudget budget = CreateBudget(configuration.Loop, shape.Algorithm);
        TickMode mode = CreateTickMode(configuration, environment, gpio, shape.Outputs);
        List<ITickOutput> outputs = OpenOutputs(loaded, environment, gpio, source, shape);
        WireExportButton(configuration, gpio);
        TextWriter? console = configuration.Outputs.Console ? environment.Out : null;
        CheckpointPolicy checkpoints = CreateCheckpointPolicy(loaded, environment, store, source, console);
        var status = new StatusReporter(
            new StatusFile(Path.Combine(environment.StateDirectory, "status.json")),
            console,
            environment.Time,
            configuration.Loop.StatusEverySeconds,
            configuration.Loop.PrintEverySeconds);
        var options = new DeviceLoopOptions
        {
            Name = loaded.Name,
            TickHz = configuration.Loop.TickHz,
            MaxCatchUpTicks = configuration.Loop.MaxCatchUpTicks,
            ConsecutiveFaultLimit = configuration.Loop.ConsecutiveFaultLimit,
            FrameTimeoutSeconds = configuration.Loop.FrameTimeoutSeconds,
        };
        SafetyNet? safety = CreateSafetyNet(loaded, environment, store, mode, console);
        _loop = new DeviceLoop(mode, source, outputs, budget, checkpoints, status, Requests, environment.Time, options) { ResumedFrom = ResumedFrom, Safety = safety };
        if (console is not null)
        {
            PrintSummary(console, loaded, source, mode, shape, budget, store);
        }
    }

    /// <summary>The layer sizes, head and rule the configuration asks for on this source.</summary>
    private static ModelShape ChooseModelShape(LoadedConfiguration loaded, IFrameSource source)
    {
        DeviceConfiguration configuration = loaded.Configuration;
        ModelSettings model = configuration.Model;
        bool selfSupervised = configuration.Targets.Kind == TargetKind.None;
        int outputs = selfSupervised ? source.FeatureCount : CountClasses(loaded, source);
        OutputHead head = selfSupervised ? model.ReconstructionHead : OutputHead.Softmax;
        return new ModelShape([source.FeatureCount, .. model.HiddenLayers, outputs], head, LearningAlgorithms.Parse(model.Algorithm));
    }

    private static int CountClasses(LoadedConfiguration loaded, IFrameSource source)
    {
        DeviceConfiguration configuration = loaded.Configuration;
        string file = Path.GetFileName(loaded.FilePath);
        int? classes = configuration.Model.Classes
            ?? (configuration.Targets.Kind == TargetKind.Buttons ? configuration.Targets.Buttons.Pins.Length : (int?)null)
            ?? (source.ClassCount > 0 ? source.ClassCount : (int?)null);
        if (classes is not { } classCount || classCount < 2)
        {
            throw new ConfigurationException($"{file}: model.classes: is required: the source {source.Description} carries no labels to count classes from");
        }

        if (configuration.Targets.Kind == TargetKind.Dataset && source.ClassCount == 0)
        {
            throw new ConfigurationException($"{file}: targets.kind: \"dataset\" needs labelled samples, but {source.Description} has none");
        }

        if (source.ClassCount > classCount)
        {
            throw new ConfigurationException($"{file}: model.classes: is {classCount}, but {source.Description} has labels up to {source.ClassCount - 1}");
        }

        return classCount;
    }

    /// <summary>Resumes from the newest valid checkpoint when it holds the configured model, else creates a fresh one.</summary>
    private void ResumeOrCreateLearner(LoadedConfiguration loaded, DeviceEnvironment environment, CheckpointStore store, ModelShape shape)
    {
        ModelSettings settings = loaded.Configuration.Model;
        var rejected = new List<string>();
        (OnlineLearner Learner, string Path)? resumed = store.LoadNewest(rejected);
        foreach (string message in rejected)
        {
            environment.Error.WriteLine(message);
        }

        if (resumed is not { } found)
        {
            Learner = CreateLearner(settings, shape);
            ConfigureReplay(loaded, environment, shape);
            return;
        }

        OnlineLearner learner = found.Learner;
        if (!learner.Model.LayerSizes.SequenceEqual(shape.Sizes) || learner.Model.Head != shape.Head || learner.Algorithm != shape.Algorithm)
        {
            throw new ConfigurationException(
                $"{Path.GetFileName(loaded.FilePath)}: model: describes a {Describe(shape.Sizes, shape.Head, shape.Algorithm)} model, but the state directory holds {found.Path}, " +
                $"a {Describe(learner.Model.LayerSizes, learner.Model.Head, learner.Algorithm)} model; " +
                "restore the configuration it was trained with, or move the state directory away to start afresh");
        }

        Hyperparameters configured = Configured(settings, learner.Hyperparameters);
        Learner = configured == learner.Hyperparameters ? learner : learner.WithHyperparameters(configured);
        ResumedFrom = found.Path;
        ConfigureReplay(loaded, environment, shape);
    }

    /// <summary>
    /// Splits the learner's steps across <c>model.learnerThreads</c> threads, no more than the board has
    /// cores: a thread beyond them would only wait for one, and every split would wait for it.
    /// </summary>
    private void ConfigureWorkers(LoadedConfiguration loaded, DeviceEnvironment environment)
    {
        int configured = loaded.Configuration.Model.LearnerThreads;
        int threads = Math.Min(configured, environment.ProcessorCount);
        if (threads < configured)
        {
            environment.Error.WriteLine($"model.learnerThreads is {configured}, but this board has {environment.ProcessorCount} cores: the learner uses {threads}");
        }

        if (threads > 1)
        {
            Learner.Workers = Own(new WorkerPool(threads));
        }
    }

    /// <summary>
    /// Gives the learner the replay memory the configuration asks for: the resumed one when its
    /// settings are unchanged, else an empty one (or none), saying so.
    /// </summary>
    private void ConfigureReplay(LoadedConfiguration loaded, DeviceEnvironment environment, ModelShape shape)
    {
        ModelSettings settings = loaded.Configuration.Model;
        ReplayMemory? resumed = Learner.Replay;
        if (settings.ReplayCapacity == 0)
        {
            if (resumed is not null)
            {
                environment.Error.WriteLine($"model.replayCapacity is 0: the checkpoint's replay memory of {resumed.Count} samples is dropped");
                Learner.Replay = null;
            }

            return;
        }

        var wanted = new ReplayMemorySettings(settings.ReplayCapacity, settings.ReplaysPerStep);
        if (wanted.Problem(shape.Sizes[0], shape.Sizes[^1]) is { } problem)
        {
            throw new ConfigurationException($"{Path.GetFileName(loaded.FilePath)}: model.replayCapacity: {problem}");
        }

        if (resumed is not null && resumed.Capacity == wanted.Capacity && resumed.ReplaysPerStep == wanted.ReplaysPerStep)
        {
            return;
        }

        if (resumed is not null)
        {
            environment.Error.WriteLine($"model.replayCapacity/replaysPerStep changed ({resumed.Capacity}/{resumed.ReplaysPerStep} -> {wanted.Capacity}/{wanted.ReplaysPerStep}): the replay memory starts empty");
        }

        Learner.Replay = wanted.Create(shape.Sizes[0], shape.Sizes[^1], (ulong)settings.Seed);
    }

    /// <summary>
    /// The safety net, with its known-good model: the saved one when it matches the learner, else a
    /// copy of the learner as it starts.
    /// </summary>
    private SafetyNet? CreateSafetyNet(LoadedConfiguration loaded, DeviceEnvironment environment, CheckpointStore store, TickMode mode, TextWriter? console)
    {
        SafetySettings safety = loaded.Configuration.Safety;
        if (!safety.Enabled)
        {
            return null;
        }

        OnlineLearner knownGood = new(new Mlp(Learner.Model.LayerSizes, Learner.Model.Head), Learner.Algorithm, Learner.Hyperparameters)
        {
            Replay = Learner.Replay is { } replay ? new ReplayMemory(replay.Capacity, replay.ReplaysPerStep, replay.InputSize, replay.OutputSize, seed: 0) : null,
        };
        var rejected = new List<string>();
        OnlineLearner? saved = safety.CanarySize > 0 ? store.LoadKnownGood(rejected) : null;
        foreach (string message in rejected)
        {
            environment.Error.WriteLine(message);
        }

        bool usable = saved is not null && saved.Model.HasSameShape(Learner.Model) && saved.Algorithm == Learner.Algorithm
            && (saved.Replay?.Capacity, saved.Replay?.ReplaysPerStep) == (Learner.Replay?.Capacity, Learner.Replay?.ReplaysPerStep);
        if (saved is not null && !usable)
        {
            environment.Error.WriteLine($"{store.KnownGoodPath} holds another model than this configuration's; the safety net starts from the current one");
        }

        knownGood.RestoreStateFrom(usable ? saved! : Learner);
        DriftDetectorSettings? drift = safety.DriftDetector == "none"
            ? null
            : new DriftDetectorSettings(DriftDetectorSettings.Parse(safety.DriftDetector), safety.DriftConfidence, safety.DriftTolerance, safety.DriftThreshold);
        var options = new SafetyNetOptions
        {
            Drift = drift,
            CanarySize = safety.CanarySize,
            CanaryEvery = safety.CanaryEvery,
            ScoreEveryTicks = safety.ScoreEveryTicks,
            RollbackMargin = safety.RollbackMargin,
            RollbackAfterScorings = safety.RollbackAfterScorings,
            StuckAfterFrames = safety.StuckAfterSeconds == 0 ? 0 : (int)Math.Clamp(Math.Ceiling(safety.StuckAfterSeconds * loaded.Configuration.Loop.TickHz), 1, int.MaxValue),
        };
        return new SafetyNet(options, mode, knownGood, environment.Time, console);
    }

    private IterationBudget CreateBudget(LoopSettings loop, LearningAlgorithm algorithm)
    {
        int ceiling = algorithm.UsesInference() ? Learner.Hyperparameters.Iterations : 0;
        int floor = Math.Min(ceiling, loop.FloorIterations ?? ceiling / 2);
        return new IterationBudget(ceiling, floor, loop.BudgetStepIterations, loop.RaiseAfterTicks, loop.HeadroomFraction);
    }

    /// <summary>The classifier with its target source, or the autoencoder with its anomaly detector.</summary>
    private TickMode CreateTickMode(DeviceConfiguration configuration, DeviceEnvironment environment, Lazy<GpioController> gpio, int outputs)
    {
        TargetSettings targets = configuration.Targets;
        int window = configuration.Loop.PrequentialWindow;
        switch (targets.Kind)
        {
            case TargetKind.Dataset:
                return new ClassifierTickMode(Learner, Own(new DatasetTargets()), window);
            case TargetKind.Buttons:
                ButtonSettings buttons = targets.Buttons;
                return new ClassifierTickMode(
                    Learner, Own(new ButtonTargets(gpio.Value, buttons.Pins, buttons.PullUp, TimeSpan.FromMilliseconds(buttons.DebounceMilliseconds))), window);
            case TargetKind.StandardInput:
                return new ClassifierTickMode(Learner, Own(new LineProtocolTargets(environment.In, environment.Error, Requests, outputs)), window);
            default:
                AnomalySettings anomaly = targets.Anomaly;
                return new AutoencoderTickMode(Learner, new AnomalyDetector(anomaly.ThresholdDeviations, anomaly.Smoothing, anomaly.WarmupTicks));
        }
    }

    private List<ITickOutput> OpenOutputs(LoadedConfiguration loaded, DeviceEnvironment environment, Lazy<GpioController> gpio, IFrameSource source, ModelShape shape)
    {
        DeviceConfiguration configuration = loaded.Configuration;
        bool selfSupervised = configuration.Targets.Kind == TargetKind.None;
        var outputs = new List<ITickOutput>();
        if (configuration.Outputs.Leds is { } leds)
        {
            outputs.Add(Own(new LedOutput(gpio.Value, leds.ClassPins, leds.AnomalyPin, leds.ActiveHigh)));
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
                    selfSupervised ? 0 : shape.Outputs,
                    recording.Element,
                    (float)configuration.Loop.TickHz,
                    environment.Time.GetUtcNow().ToUnixTimeMilliseconds(),
                    (long)recording.MaxMegabytes << 20);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // A path the configuration names, not a device: fixing the file is the remedy, so it is a configuration error.
                throw new ConfigurationException($"{Path.GetFileName(loaded.FilePath)}: outputs.recording.path: cannot write {path}: {exception.Message}", exception);
            }

            outputs.Add(Own(new RecordingOutput(writer, selfSupervised)));
        }

        return outputs;
    }

    private void WireExportButton(DeviceConfiguration configuration, Lazy<GpioController> gpio)
    {
        if (configuration.Persistence.ExportButtonPin is { } exportPin)
        {
            var button = Own(new GpioButton(exportPin, isPullUp: true, hasExternalResistor: false, gpio.Value, shouldDispose: false, TimeSpan.FromMilliseconds(50)));
            button.Press += (_, _) => Requests.RequestExport();
        }
    }

    private CheckpointPolicy CreateCheckpointPolicy(LoadedConfiguration loaded, DeviceEnvironment environment, CheckpointStore store, IFrameSource source, TextWriter? console)
    {
        PersistenceSettings settings = loaded.Configuration.Persistence;
        var exportOptions = new OnnxExportOptions
        {
            SourceName = $"{loaded.Name}: {source.Description}",
            Description = $"exported by edgeil-device from {Path.GetFileName(loaded.FilePath)}",
        };
        var persistence = Own(new PersistenceWorker(
            store,
            (learner, path) => OnnxExport.Save(learner, path, exportOptions),
            Path.GetFullPath(Path.Combine(environment.StateDirectory, settings.OnnxPath)),
            line => (console ?? environment.Error).WriteLine(line)));
        return new CheckpointPolicy(persistence, Requests, environment.Time, settings.CheckpointEveryLearnSteps, settings.CheckpointEverySeconds);
    }

    private void PrintSummary(TextWriter console, LoadedConfiguration loaded, IFrameSource source, TickMode mode, ModelShape shape, IterationBudget budget, CheckpointStore store)
    {
        LoopSettings loop = loaded.Configuration.Loop;
        console.WriteLine($"edgeil-device: {loaded.Name} from {loaded.FilePath}");
        console.WriteLine($"  source   {source.Description} ({source.FeatureCount} features)");
        console.WriteLine($"  targets  {mode.TargetsDescription}");
        string threads = Learner.Workers is { } workers ? $", {workers.Threads} learner threads" : "";
        console.WriteLine($"  model    {Describe(shape.Sizes, shape.Head, shape.Algorithm)}, budget {budget.Ceiling} iterations, floor {budget.Floor}{threads}");
        console.WriteLine($"  state    {store.Directory}{(ResumedFrom is null ? " (fresh model)" : $" (resumed from {Path.GetFileName(ResumedFrom)}, {Learner.SamplesSeen} samples seen)")}");
        console.WriteLine($"  loop     {loop.TickHz} Hz, catch-up clamp {loop.MaxCatchUpTicks} ticks");
    }

    private static OnlineLearner CreateLearner(ModelSettings settings, ModelShape shape)
    {
        Mlp model = Mlp.CreateRandom(shape.Sizes, shape.Head, settings.Seed);
        if (settings.InputScaling == InputScaling.Standardize)
        {
            model.Input.StartStandardizing();
        }
        else if (settings.InputOffset != 0 || settings.InputScale != 1)
        {
            model.Input.SetFixed(settings.InputOffset, settings.InputScale);
        }

        // A model without a softmax head reconstructs its input (targets.kind none): it takes the
        // reconstruction defaults, without which IL-prox's autoencoder collapses on a long stream.
        Hyperparameters defaults = shape.Head == OutputHead.Softmax ? Hyperparameters.For(shape.Algorithm) : Hyperparameters.ForReconstruction(shape.Algorithm);
        return new OnlineLearner(model, shape.Algorithm, Configured(settings, defaults));
    }

    /// <summary>What the model is: its layer sizes, output head and learning rule.</summary>
    private sealed record ModelShape(int[] Sizes, OutputHead Head, LearningAlgorithm Algorithm)
    {
        public int Outputs => Sizes[^1];
    }

    /// <summary>The settings the configuration gives, on top of <paramref name="current"/> (the defaults, or a resumed checkpoint's).</summary>
    private static Hyperparameters Configured(ModelSettings settings, Hyperparameters current) =>
        current.With(alpha: settings.Alpha, learningRate: settings.LearningRate, epsilon: settings.Epsilon, iterations: settings.Iterations, balanceInterval: settings.BalanceInterval);

    private static IFrameSource OpenSource(LoadedConfiguration loaded, DeviceEnvironment environment)
    {
        SourceSettings source = loaded.Configuration.Source;
        switch (source.Kind)
        {
            case SourceKind.Replay:
                return OpenReplay(loaded, source.Replay);
            case SourceKind.Camera:
                CameraSettings camera = source.Camera;
                RawPixelFormat format = camera.PixelFormat;
                var downscaler = new GreyscaleDownscaler(format, camera.CaptureWidth, camera.CaptureHeight, camera.Width, camera.Height);
                var settings = new VideoConnectionSettings(
                    camera.Device,
                    ((uint)camera.CaptureWidth, (uint)camera.CaptureHeight),
                    format == RawPixelFormat.Grey ? VideoPixelFormat.GREY : VideoPixelFormat.YUYV);
                VideoDevice video = environment.Hardware.OpenCamera(settings);
                return new CameraSource(video, downscaler);
            case SourceKind.Imu:
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

    private static ReplaySource OpenReplay(LoadedConfiguration loaded, ReplaySettings replay)
    {
        string file = Path.GetFileName(loaded.FilePath);
        try
        {
            switch (replay.Format)
            {
                case ReplayFormat.Recording:
                    string recordingPath = loaded.Resolve(replay.Path!);
                    return new ReplaySource(RecordingReader.Open(recordingPath), $"recording {recordingPath}");
                default:
                    int? classes = loaded.Configuration.Model.Classes;
                    LabeledDataset dataset = replay.Format switch
                    {
                        ReplayFormat.Mnist => IdxDataset.LoadMnistFolder(loaded.Resolve(replay.Path!), replay.Split, classCount: classes),
                        ReplayFormat.Idx => replay.LabelsPath is { } labels
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
}
