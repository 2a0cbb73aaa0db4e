using System.Globalization;
using EdgeIL.Device.Sources;
using EdgeIL.Learner;

namespace EdgeIL.Device.Configuration;

/// <summary>
/// Checks a <see cref="DeviceConfiguration"/> before anything is opened, so that a wrong value is
/// reported by its field name at start-up rather than as a failure minutes into a run.
/// </summary>
public static class ConfigurationValidator
{
    /// <summary>Lists every problem of <paramref name="configuration"/>, each as <c>field.path: what is wrong</c>.</summary>
    /// <param name="configuration">The configuration to check.</param>
    /// <returns>The problems; empty when the configuration is valid.</returns>
    public static IReadOnlyList<string> Validate(DeviceConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var errors = new Errors();
        CheckLoop(configuration, errors);
        CheckModel(configuration.Model, errors);
        CheckSource(configuration.Source, errors);
        CheckTargets(configuration, errors);
        CheckOutputs(configuration, errors);
        CheckPersistence(configuration.Persistence, errors);
        CheckSafety(configuration.Safety, errors);
        CheckGpio(configuration.Gpio, errors);
        CheckPinsDistinct(configuration, errors);
        return errors.List;
    }

    private static void CheckSafety(SafetySettings safety, Errors errors)
    {
        if (safety.DriftDetector is not ("adwin" or "page-hinkley" or "none"))
        {
            errors.Add("safety.driftDetector", $"is \"{safety.DriftDetector}\"; use \"adwin\", \"page-hinkley\" or \"none\"");
        }

        errors.Range("safety.driftConfidence", safety.DriftConfidence, 1e-12, 0.5);
        errors.Range("safety.driftTolerance", safety.DriftTolerance, 0, 1e6);
        errors.Range("safety.driftThreshold", safety.DriftThreshold, 1e-6, 1e9);
        errors.Range("safety.canarySize", safety.CanarySize, 0, 10_000);
        errors.Range("safety.canaryEvery", safety.CanaryEvery, 2, 1000);
        errors.Range("safety.scoreEveryTicks", safety.ScoreEveryTicks, 10, 1_000_000);
        errors.Range("safety.rollbackMargin", safety.RollbackMargin, 0, 10);
        errors.Range("safety.rollbackAfterScorings", safety.RollbackAfterScorings, 1, 1000);
        errors.Range("safety.stuckAfterSeconds", safety.StuckAfterSeconds, 0, 86_400);
    }

    private static void CheckLoop(DeviceConfiguration configuration, Errors errors)
    {
        LoopSettings loop = configuration.Loop;
        errors.Range("loop.tickHz", loop.TickHz, 1, 1000);
        errors.Range("loop.maxCatchUpTicks", loop.MaxCatchUpTicks, 0, 100);
        errors.Range("loop.budgetStepIterations", loop.BudgetStepIterations, 1, 100);
        errors.Range("loop.raiseAfterTicks", loop.RaiseAfterTicks, 1, 100_000);
        errors.Range("loop.headroomFraction", loop.HeadroomFraction, 0.05, 0.95);
        errors.Range("loop.statusEverySeconds", loop.StatusEverySeconds, 0.1, 3600);
        errors.Range("loop.printEverySeconds", loop.PrintEverySeconds, 0, 3600);
        errors.Range("loop.prequentialWindow", loop.PrequentialWindow, 10, 1_000_000);
        errors.Range("loop.consecutiveFaultLimit", loop.ConsecutiveFaultLimit, 1, 1_000_000);
        errors.Range("loop.frameTimeoutSeconds", loop.FrameTimeoutSeconds, 1, 3600);
        if (loop.FloorIterations is { } floor
            && LearningAlgorithms.TryParse(configuration.Model.Algorithm, out LearningAlgorithm algorithm))
        {
            int budget = configuration.Model.Iterations ?? Hyperparameters.For(algorithm).Iterations;
            errors.Range("loop.floorIterations", floor, 0, budget, $" (the budget of {configuration.Model.Algorithm} here is {budget})");
        }
    }

    private static void CheckModel(ModelSettings model, Errors errors)
    {
        if (!LearningAlgorithms.TryParse(model.Algorithm ?? string.Empty, out _))
        {
            errors.OneOf("model.algorithm", model.Algorithm, LearningAlgorithms.Names);
        }

        if (model.HiddenLayers is null)
        {
            errors.Add("model.hiddenLayers", "must be a list of layer sizes (may be empty)");
        }
        else
        {
            // The learner's own limits, the same a checkpoint is checked against when it is loaded.
            errors.Range("model.hiddenLayers", model.HiddenLayers.Length, 0, LearnerLimits.MaximumHiddenLayers, " layers");
            for (int i = 0; i < model.HiddenLayers.Length; i++)
            {
                errors.Range($"model.hiddenLayers[{i}]", model.HiddenLayers[i], 1, LearnerLimits.MaximumHiddenLayerSize);
            }
        }

        if (model.Classes is { } classes)
        {
            errors.Range("model.classes", classes, 2, 256);
        }

        if (model.Iterations is { } iterations)
        {
            errors.Range("model.iterations", iterations, 1, LearnerLimits.MaximumIterations);
        }

        if (model.Alpha is { } alpha && !(alpha > 0 && alpha <= LearnerLimits.MaximumAlpha))
        {
            errors.Add("model.alpha", $"must be in (0, {LearnerLimits.Format(LearnerLimits.MaximumAlpha)}]; got {alpha}");
        }

        if (model.LearningRate is { } learningRate && !(learningRate > 0 && learningRate <= LearnerLimits.MaximumLearningRate))
        {
            errors.Add("model.learningRate", $"must be in (0, {LearnerLimits.Format(LearnerLimits.MaximumLearningRate)}]; got {learningRate}");
        }

        if (model.Epsilon is { } epsilon)
        {
            errors.Range("model.epsilon", epsilon, 0, LearnerLimits.MaximumEpsilon);
        }

        if (model.BalanceInterval is { } balanceInterval)
        {
            errors.Range("model.balanceInterval", balanceInterval, 0, LearnerLimits.MaximumBalanceInterval);
        }

        errors.Range("model.learnerThreads", model.LearnerThreads, 1, WorkerPool.MaxThreads);
        errors.Range("model.replayCapacity", model.ReplayCapacity, 0, LearnerLimits.MaximumReplayCapacity);
        errors.Range("model.replaysPerStep", model.ReplaysPerStep, 0, LearnerLimits.MaximumReplaysPerStep);

        errors.Defined("model.inputScaling", model.InputScaling);
        if (!float.IsFinite(model.InputOffset))
        {
            errors.Add("model.inputOffset", "must be a finite number");
        }

        if (!float.IsFinite(model.InputScale) || model.InputScale == 0)
        {
            errors.Add("model.inputScale", "must be a finite number other than 0");
        }

        if (model.ReconstructionHead == OutputHead.Softmax)
        {
            errors.Add("model.reconstructionHead", "must be \"identity\" or \"sigmoid\"; a softmax cannot reconstruct an input");
        }
    }

    private static void CheckSource(SourceSettings source, Errors errors)
    {
        if (!errors.Defined("source.kind", source.Kind))
        {
            return;
        }

        switch (source.Kind)
        {
            case SourceKind.Replay:
                ReplaySettings replay = source.Replay;
                if (!errors.Defined("source.replay.format", replay.Format))
                {
                    break;
                }

                if (replay.Format == ReplayFormat.Idx)
                {
                    errors.Required("source.replay.imagesPath", replay.ImagesPath, "the IDX image file");
                }
                else
                {
                    errors.Required("source.replay.path", replay.Path, replay.Format == ReplayFormat.Mnist ? "the MNIST folder" : "the file to replay");
                }

                if (replay.Format == ReplayFormat.Mnist)
                {
                    errors.Defined("source.replay.split", replay.Split);
                }

                if (replay.Format == ReplayFormat.Csv && replay.LabelColumn is { } column && string.IsNullOrWhiteSpace(column))
                {
                    errors.Add("source.replay.labelColumn", "must be a column name, or null for an unlabelled file");
                }

                break;
            case SourceKind.Camera:
                CameraSettings camera = source.Camera;
                errors.Range("source.camera.device", camera.Device, 0, 63);
                errors.Range("source.camera.captureWidth", camera.CaptureWidth, 16, 4096);
                errors.Range("source.camera.captureHeight", camera.CaptureHeight, 16, 4096);
                errors.Defined("source.camera.pixelFormat", camera.PixelFormat);
                if (camera.PixelFormat == RawPixelFormat.Yuyv && camera.CaptureWidth % 2 != 0)
                {
                    errors.Add("source.camera.captureWidth", $"must be even for YUYV, which stores pixels in pairs; got {camera.CaptureWidth}");
                }

                errors.Range("source.camera.width", camera.Width, 1, Math.Max(1, camera.CaptureWidth), " (at most the capture width)");
                errors.Range("source.camera.height", camera.Height, 1, Math.Max(1, camera.CaptureHeight), " (at most the capture height)");
                break;
            case SourceKind.Imu:
                ImuSettings imu = source.Imu;
                errors.Range("source.imu.i2cBus", imu.I2cBus, 0, 10);
                if (imu.Address is not (0x68 or 0x69))
                {
                    errors.Add("source.imu.address", $"must be 104 (0x68, AD0 low) or 105 (0x69, AD0 high); got {imu.Address}");
                }

                errors.Range("source.imu.sampleHz", imu.SampleHz, 1, 1000);
                errors.Range("source.imu.windowSamples", imu.WindowSamples, 1, 1024);
                break;
            case SourceKind.Adc:
                AdcSettings adc = source.Adc;
                errors.Range("source.adc.spiBus", adc.SpiBus, 0, 10);
                errors.Range("source.adc.chipSelect", adc.ChipSelect, 0, 3);
                errors.Range("source.adc.clockHz", adc.ClockHz, 10_000, 3_600_000);
                errors.Range("source.adc.sampleHz", adc.SampleHz, 1, 10_000);
                errors.Range("source.adc.windowSamples", adc.WindowSamples, 1, 4096);
                if (adc.Channels is null || adc.Channels.Length == 0)
                {
                    errors.Add("source.adc.channels", "must list at least one channel 0..7");
                }
                else
                {
                    for (int i = 0; i < adc.Channels.Length; i++)
                    {
                        errors.Range($"source.adc.channels[{i}]", adc.Channels[i], 0, 7);
                        if (Array.IndexOf(adc.Channels, adc.Channels[i]) < i)
                        {
                            errors.Add($"source.adc.channels[{i}]", $"channel {adc.Channels[i]} is listed twice");
                        }
                    }
                }

                break;
        }
    }

    private static void CheckTargets(DeviceConfiguration configuration, Errors errors)
    {
        TargetSettings targets = configuration.Targets;
        if (!errors.Defined("targets.kind", targets.Kind))
        {
            return;
        }

        switch (targets.Kind)
        {
            case TargetKind.Dataset:
                if (configuration.Source.Kind != SourceKind.Replay)
                {
                    errors.Add("targets.kind", $"\"dataset\" takes labels from a replayed dataset, but source.kind is \"{ConfigurationNames.Of(configuration.Source.Kind)}\"; use buttons, stdin or none");
                }

                break;
            case TargetKind.Buttons:
                int[] pins = targets.Buttons.Pins ?? [];
                if (pins.Length < 2)
                {
                    errors.Add("targets.buttons.pins", $"must list one pin per class, at least 2; got {pins.Length}");
                }

                for (int i = 0; i < pins.Length; i++)
                {
                    errors.Range($"targets.buttons.pins[{i}]", pins[i], 0, 63);
                }

                if (configuration.Model.Classes is { } classes && pins.Length >= 2 && classes != pins.Length)
                {
                    errors.Add("model.classes", $"is {classes}, but targets.buttons.pins lists {pins.Length} buttons, one per class");
                }

                errors.Range("targets.buttons.debounceMilliseconds", targets.Buttons.DebounceMilliseconds, 0, 1000);
                break;
            case TargetKind.StandardInput:
                if (configuration.Model.Classes is null && configuration.Source.Kind != SourceKind.Replay)
                {
                    errors.Add("model.classes", "is required with stdin targets: the line protocol names classes 0..classes - 1");
                }

                break;
            case TargetKind.None:
                AnomalySettings anomaly = targets.Anomaly;
                errors.Range("targets.anomaly.thresholdDeviations", anomaly.ThresholdDeviations, 0.5, 100);
                errors.Range("targets.anomaly.smoothing", anomaly.Smoothing, 0.0001, 0.5);
                errors.Range("targets.anomaly.warmupTicks", anomaly.WarmupTicks, 0, 1_000_000);
                if (configuration.Model.ReconstructionHead == OutputHead.Sigmoid && configuration.Model.InputScaling != InputScaling.Fixed)
                {
                    errors.Add("model.reconstructionHead", "\"sigmoid\" reconstructs inputs scaled into 0..1, so it needs model.inputScaling \"fixed\"; use \"identity\" with \"standardize\"");
                }

                break;
        }
    }

    private static void CheckOutputs(DeviceConfiguration configuration, Errors errors)
    {
        if (configuration.Outputs.Leds is { } leds)
        {
            int[] pins = leds.ClassPins ?? [];
            for (int i = 0; i < pins.Length; i++)
            {
                errors.Range($"outputs.leds.classPins[{i}]", pins[i], 0, 63);
            }

            if (pins.Length > 0 && configuration.Targets.Kind == TargetKind.None)
            {
                errors.Add("outputs.leds.classPins", "has no classes to show in self-supervised mode (targets.kind \"none\"); use anomalyPin");
            }

            if (configuration.Model.Classes is { } classes && pins.Length > classes)
            {
                errors.Add("outputs.leds.classPins", $"lists {pins.Length} LEDs for {classes} classes");
            }

            if (leds.AnomalyPin is { } anomalyPin)
            {
                errors.Range("outputs.leds.anomalyPin", anomalyPin, 0, 63);
                if (configuration.Targets.Kind != TargetKind.None)
                {
                    errors.Add("outputs.leds.anomalyPin", "only lights in self-supervised mode (targets.kind \"none\")");
                }
            }
        }

        if (configuration.Outputs.Recording is { } recording)
        {
            errors.Required("outputs.recording.path", recording.Path, "the recording file");
            errors.Defined("outputs.recording.element", recording.Element);
            errors.Range("outputs.recording.maxMegabytes", recording.MaxMegabytes, 1, 1_000_000);
        }
    }

    private static void CheckPersistence(PersistenceSettings persistence, Errors errors)
    {
        errors.Range("persistence.checkpointEveryLearnSteps", persistence.CheckpointEveryLearnSteps, 0, int.MaxValue);
        errors.Range("persistence.checkpointEverySeconds", persistence.CheckpointEverySeconds, 0, 7 * 24 * 3600.0);
        errors.Range("persistence.keepCheckpoints", persistence.KeepCheckpoints, 1, 100);
        errors.Required("persistence.onnxPath", persistence.OnnxPath, "the ONNX file");
        if (persistence.ExportButtonPin is { } pin)
        {
            errors.Range("persistence.exportButtonPin", pin, 0, 63);
        }
    }

    private static void CheckGpio(GpioSettings gpio, Errors errors)
    {
        errors.Defined("gpio.driver", gpio.Driver);
        if (gpio.Chip is { } chip)
        {
            errors.Range("gpio.chip", chip, 0, 15);
        }
    }

    private static void CheckPinsDistinct(DeviceConfiguration configuration, Errors errors)
    {
        // Two roles on one pin would have a button's input read an LED's output, or two LEDs fight.
        var owners = new Dictionary<int, string>();
        if (configuration.Targets.Kind == TargetKind.Buttons)
        {
            Claim(configuration.Targets.Buttons.Pins ?? [], "targets.buttons.pins");
        }

        if (configuration.Outputs.Leds is { } leds)
        {
            Claim(leds.ClassPins ?? [], "outputs.leds.classPins");
            if (leds.AnomalyPin is { } anomalyPin)
            {
                Claim([anomalyPin], "outputs.leds.anomalyPin");
            }
        }

        if (configuration.Persistence.ExportButtonPin is { } exportPin)
        {
            Claim([exportPin], "persistence.exportButtonPin");
        }

        void Claim(int[] pins, string field)
        {
            for (int i = 0; i < pins.Length; i++)
            {
                string name = pins.Length == 1 && !field.EndsWith('s') ? field : $"{field}[{i}]";
                if (!owners.TryAdd(pins[i], name))
                {
                    errors.Add(name, $"pin {pins[i]} is already used by {owners[pins[i]]}");
                }
            }
        }
    }

    private sealed class Errors
    {
        public List<string> List { get; } = [];

        public void Add(string field, string message) => List.Add($"{field}: {message}");

        public void Range(string field, double value, double minimum, double maximum, string unit = "")
        {
            if (!(value >= minimum && value <= maximum))
            {
                Add(field, $"must be {Format(minimum)}..{Format(maximum)}{unit}; got {Format(value)}");
            }
        }

        public void Required(string field, string? value, string what)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                Add(field, $"is required: {what}");
            }
        }

        public bool OneOf(string field, string? value, IReadOnlyList<string> allowed)
        {
            if (value is not null && allowed.Contains(value))
            {
                return true;
            }

            Add(field, $"must be one of {string.Join(", ", allowed.Select(a => $"\"{a}\""))}; got {(value is null ? "null" : $"\"{value}\"")}");
            return false;
        }

        /// <summary>
        /// Checks that a closed-set value is one of its named members. The JSON reader only produces
        /// those, but a value set in code (or a future reader) could be any number.
        /// </summary>
        public bool Defined<TEnum>(string field, TEnum value)
            where TEnum : struct, Enum
        {
            if (Enum.IsDefined(value))
            {
                return true;
            }

            Add(field, $"must be one of {ConfigurationNames.List<TEnum>()}; got {value}");
            return false;
        }

        private static string Format(double value) => value.ToString("0.#####", CultureInfo.InvariantCulture);
    }
}
