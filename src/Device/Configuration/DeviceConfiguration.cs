using System.Text.Json.Serialization;
using EdgeIL.Device.Sources;
using EdgeIL.Device.Streams;
using EdgeIL.Learner;

namespace EdgeIL.Device.Configuration;

/// <summary>
/// The whole configuration of <c>edgeil-device</c>, as read from a JSON file in <c>firmware-config/</c>:
/// where frames come from, where targets come from, the model, the loop's timing, the outputs and the
/// persistence policy. Field names in JSON are the camelCase forms of the property names.
/// </summary>
/// <remarks>
/// Every section has defaults, so a file names only what differs. <see cref="ConfigurationValidator"/>
/// checks the values; <see cref="DeviceConfigurationFile"/> reads and validates a file.
/// </remarks>
public sealed class DeviceConfiguration
{
    /// <summary>Gets a name for logs and the status file; the file name without extension when absent.</summary>
    public string? Name { get; set; }

    /// <summary>Gets the fixed-timestep loop's settings.</summary>
    public LoopSettings Loop { get; set; } = new();

    /// <summary>Gets the network and its learning rule.</summary>
    public ModelSettings Model { get; set; } = new();

    /// <summary>Gets where frames come from.</summary>
    public SourceSettings Source { get; set; } = new();

    /// <summary>Gets where targets come from.</summary>
    public TargetSettings Targets { get; set; } = new();

    /// <summary>Gets the outputs besides the status file.</summary>
    public OutputSettings Outputs { get; set; } = new();

    /// <summary>Gets the checkpoint and export policy.</summary>
    public PersistenceSettings Persistence { get; set; } = new();

    /// <summary>Gets how the GPIO controller is opened (buttons, LEDs).</summary>
    public GpioSettings Gpio { get; set; } = new();

    /// <summary>Gets the safety net: drift detection, the canary set, the known-good model and rollback, the stuck-sensor check.</summary>
    public SafetySettings Safety { get; set; } = new();
}

/// <summary>The safety net (firmware-config/README.md, "The safety net"). Every field has a default; <c>enabled: false</c> turns it all off.</summary>
public sealed class SafetySettings
{
    /// <summary>Gets whether the safety net runs.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets the drift detector on the prequential loss: "adwin", "page-hinkley" or "none".</summary>
    public string DriftDetector { get; set; } = "adwin";

    /// <summary>Gets ADWIN's confidence delta, range (0, 1).</summary>
    public double DriftConfidence { get; set; } = 0.002;

    /// <summary>Gets Page-Hinkley's tolerance delta, in the loss's units, range &gt;= 0.</summary>
    public double DriftTolerance { get; set; } = 0.005;

    /// <summary>Gets Page-Hinkley's threshold lambda, in the loss's units, range &gt; 0.</summary>
    public double DriftThreshold { get; set; } = 50;

    /// <summary>Gets the frames in the canary set, range 0..10000; 0 turns the canary, the known-good model and rollback off.</summary>
    public int CanarySize { get; set; } = 200;

    /// <summary>Gets how often a learnable frame goes to the canary instead of being learned, one in this many, range 2..1000.</summary>
    public int CanaryEvery { get; set; } = 20;

    /// <summary>Gets the ticks between two scorings of the current and the known-good model on the canary, range 10..1000000.</summary>
    public int ScoreEveryTicks { get; set; } = 300;

    /// <summary>Gets how much worse than the known-good model (relative, 0.25 = 25 %) the current one must score to count as worse, range 0..10.</summary>
    public double RollbackMargin { get; set; } = 0.25;

    /// <summary>Gets the scorings in a row the current model must be worse before it is rolled back, range 1..1000.</summary>
    public int RollbackAfterScorings { get; set; } = 3;

    /// <summary>Gets the seconds of identical frames after which the sensor counts as stuck, range 0..86400; 0 for no check.</summary>
    public double StuckAfterSeconds { get; set; } = 10;
}

/// <summary>The fixed-timestep loop: tick rate, catch-up clamp and the adaptive inference budget.</summary>
public sealed class LoopSettings
{
    /// <summary>Gets the target tick rate in hertz, range 1..1000.</summary>
    public double TickHz { get; set; } = 30;

    /// <summary>
    /// Gets how many ticks late the loop may fall and still run them back to back, range 0..100; a
    /// backlog beyond it is dropped and counted as missed ticks, so a stall cannot spiral.
    /// </summary>
    public int MaxCatchUpTicks { get; set; } = 3;

    /// <summary>
    /// Gets the lowest inference budget the loop may lower to under load, range 0..the algorithm's
    /// budget; null for half the algorithm's budget (IL-prox: 25 down to 12).
    /// </summary>
    public int? FloorIterations { get; set; }

    /// <summary>Gets how many iterations one lowering or raising step moves the budget, range 1..100.</summary>
    public int BudgetStepIterations { get; set; } = 1;

    /// <summary>Gets how many consecutive learning ticks with headroom raise the budget one step, range 1..100000.</summary>
    public int RaiseAfterTicks { get; set; } = 50;

    /// <summary>
    /// Gets the share of the tick period below which a tick counts as having headroom, range 0.05..0.95.
    /// </summary>
    public double HeadroomFraction { get; set; } = 0.6;

    /// <summary>Gets how often status.json is rewritten, in seconds, range 0.1..3600.</summary>
    public double StatusEverySeconds { get; set; } = 2;

    /// <summary>Gets how often a status line is printed, in seconds; 0 never, range 0..3600.</summary>
    public double PrintEverySeconds { get; set; } = 10;

    /// <summary>Gets how many of the latest labelled ticks the prequential accuracy covers, range 10..1000000.</summary>
    public int PrequentialWindow { get; set; } = 500;

    /// <summary>
    /// Gets how many source faults in a row end the run with an error (so systemd restarts the process and
    /// reopens the hardware), range 1..1000000.
    /// </summary>
    public int ConsecutiveFaultLimit { get; set; } = 200;

    /// <summary>
    /// Gets how many seconds a live source may go without a new frame before the run ends with an error
    /// (a camera unplugged, a capture thread stopped), range 1..3600.
    /// </summary>
    public double FrameTimeoutSeconds { get; set; } = 10;
}

/// <summary>The network: its shape, its learning rule and its input stage.</summary>
public sealed class ModelSettings
{
    /// <summary>Gets the learning rule's kebab-case name, for example <c>il-prox</c>.</summary>
    public string Algorithm { get; set; } = "il-prox";

    /// <summary>Gets the hidden layer sizes, each 1..4096; at most 8 layers.</summary>
    public int[] HiddenLayers { get; set; } = [64];

    /// <summary>
    /// Gets the number of classes, range 2..256, for button and stdin targets; null to take the
    /// replayed dataset's count. Ignored in self-supervised mode.
    /// </summary>
    public int? Classes { get; set; }

    /// <summary>Gets the seed of the initial weights.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Gets the inference budget T, range 1..200; null for the algorithm's default.</summary>
    public int? Iterations { get; set; }

    /// <summary>
    /// Gets the proximal step size alpha of the proximal rules, range (0, 1e6]; null for the algorithm's
    /// default (5; 0.01 for an autoencoder learning with il-prox, il-prox-fast or bp-prox).
    /// </summary>
    public float? Alpha { get; set; }

    /// <summary>Gets the learning rate of the other rules, range (0, 1e3]; null for the algorithm's default.</summary>
    public float? LearningRate { get; set; }

    /// <summary>
    /// Gets the damping eps of the normalised rules' <c>s_n = ||a_n||^2 + 1 + eps</c>, range [0, 1e6];
    /// null for the default 0.25. A larger value damps steps when hidden activity is small, which
    /// kept an IL-prox autoencoder stable on Fashion-MNIST where 0.25 drifted (docs/results).
    /// </summary>
    public float? Epsilon { get; set; }

    /// <summary>
    /// Gets the samples between two rebalancings of the hidden units (IL-prox, IL-prox Fast, BP-prox),
    /// range 0..1,000,000; null for the default: 10 for an autoencoder (<c>targets.kind</c> none), 0 (the
    /// paper's rule) for a classifier. The paper's rule collapses on a long self-supervised stream
    /// (docs/algorithms.md, "Long self-supervised streams").
    /// </summary>
    public int? BalanceInterval { get; set; }

    /// <summary>
    /// Gets the threads a learn step's matrix work is split across, range 1..64; 1 (the default) for the
    /// loop's thread alone. More than the board's cores are cut to its cores. The learned model is the same
    /// for any value (docs/algorithms.md, "Several cores").
    /// </summary>
    public int LearnerThreads { get; set; } = 1;

    /// <summary>Gets the samples in the learner's replay memory, range 0..1000000 (and 256 MB); 0 for none.</summary>
    public int ReplayCapacity { get; set; }

    /// <summary>Gets the samples replayed after each learn step when there is a replay memory, range 0..64.</summary>
    public int ReplaysPerStep { get; set; } = 1;

    /// <summary>Gets the input stage: <c>fixed</c> (offset and scale below) or <c>standardize</c> (running mean and deviation).</summary>
    [JsonConverter(typeof(ConfigurationEnumConverter<InputScaling>))]
    public InputScaling InputScaling { get; set; } = InputScaling.Fixed;

    /// <summary>Gets the fixed offset subtracted from every feature.</summary>
    public float InputOffset { get; set; }

    /// <summary>Gets the fixed factor applied after the offset, for example 1/255 for pixels; not 0.</summary>
    public float InputScale { get; set; } = 1f;

    /// <summary>
    /// Gets the output function of the self-supervised autoencoder: <c>identity</c> (squared error, any
    /// input scale) or <c>sigmoid</c> (inputs scaled into 0..1, as pixels with scale 1/255).
    /// </summary>
    [JsonConverter(typeof(ConfigurationEnumConverter<OutputHead>))]
    public OutputHead ReconstructionHead { get; set; } = OutputHead.Identity;
}

/// <summary>Where frames come from: one of the four kinds and its settings.</summary>
public sealed class SourceSettings
{
    /// <summary>Gets the kind: <c>replay</c>, <c>camera</c>, <c>imu</c> or <c>adc</c>.</summary>
    public SourceKind Kind { get; set; } = SourceKind.Replay;

    /// <summary>Gets the replay settings (kind <c>replay</c>).</summary>
    public ReplaySettings Replay { get; set; } = new();

    /// <summary>Gets the camera settings (kind <c>camera</c>).</summary>
    public CameraSettings Camera { get; set; } = new();

    /// <summary>Gets the IMU settings (kind <c>imu</c>).</summary>
    public ImuSettings Imu { get; set; } = new();

    /// <summary>Gets the ADC settings (kind <c>adc</c>).</summary>
    public AdcSettings Adc { get; set; } = new();
}

/// <summary>A dataset or a device recording replayed as if a sensor produced it (desktop simulation).</summary>
public sealed class ReplaySettings
{
    /// <summary>Gets the format: <c>mnist</c> (a folder laid out as MNIST), <c>idx</c>, <c>csv</c> or <c>recording</c>.</summary>
    public ReplayFormat Format { get; set; } = ReplayFormat.Mnist;

    /// <summary>Gets the folder (mnist) or file (csv, recording); relative paths are taken from the configuration file's folder.</summary>
    public string? Path { get; set; }

    /// <summary>Gets the IDX image file (format idx).</summary>
    public string? ImagesPath { get; set; }

    /// <summary>Gets the IDX label file (format idx); null for unlabelled images.</summary>
    public string? LabelsPath { get; set; }

    /// <summary>Gets the split of an MNIST folder: <c>train</c> or <c>test</c>.</summary>
    [JsonConverter(typeof(ConfigurationEnumConverter<MnistSplit>))]
    public MnistSplit Split { get; set; } = MnistSplit.Train;

    /// <summary>Gets the label column of a CSV file; null for an unlabelled file.</summary>
    public string? LabelColumn { get; set; } = "label";

    /// <summary>Gets the seed of the replay order.</summary>
    public ulong Seed { get; set; } = 1;

    /// <summary>Gets a value indicating whether replay starts a new, reshuffled pass at the end (true) or ends the run (false).</summary>
    public bool Cycle { get; set; } = true;
}

/// <summary>A V4L2 camera captured raw (YUYV or GREY), turned grey and downscaled to the network's input.</summary>
public sealed class CameraSettings
{
    /// <summary>Gets the video device number: 0 for /dev/video0, range 0..63.</summary>
    public int Device { get; set; }

    /// <summary>Gets the capture width in pixels, range 16..4096.</summary>
    public int CaptureWidth { get; set; } = 320;

    /// <summary>Gets the capture height in pixels, range 16..4096.</summary>
    public int CaptureHeight { get; set; } = 240;

    /// <summary>Gets the raw pixel format: <c>yuyv</c> or <c>grey</c>; never a compressed one, so no decoder sits on the hot path.</summary>
    [JsonConverter(typeof(ConfigurationEnumConverter<RawPixelFormat>))]
    public RawPixelFormat PixelFormat { get; set; } = RawPixelFormat.Yuyv;

    /// <summary>Gets the width of the network's input image, range 1..capture width.</summary>
    public int Width { get; set; } = 28;

    /// <summary>Gets the height of the network's input image, range 1..capture height.</summary>
    public int Height { get; set; } = 28;
}

/// <summary>An MPU-6050 on I2C, sampled in the background; a frame is the latest window of samples.</summary>
public sealed class ImuSettings
{
    /// <summary>Gets the I2C bus: 1 for /dev/i2c-1, range 0..10.</summary>
    public int I2cBus { get; set; } = 1;

    /// <summary>Gets the device address: 0x68 (104, AD0 low) or 0x69 (105, AD0 high).</summary>
    public int Address { get; set; } = 0x68;

    /// <summary>Gets the sampling rate in hertz, range 1..1000.</summary>
    public double SampleHz { get; set; } = 100;

    /// <summary>Gets the samples per frame, range 1..1024; a frame has 6 features per sample.</summary>
    public int WindowSamples { get; set; } = 25;
}

/// <summary>An MCP3008 on SPI, sampled in the background; a frame is the latest window of samples.</summary>
public sealed class AdcSettings
{
    /// <summary>Gets the SPI bus: 0 for /dev/spidev0.x, range 0..10.</summary>
    public int SpiBus { get; set; }

    /// <summary>Gets the chip-select line, range 0..3.</summary>
    public int ChipSelect { get; set; }

    /// <summary>Gets the SPI clock in hertz, range 10000..3600000 (the MCP3008 datasheet's limit at 5 V).</summary>
    public int ClockHz { get; set; } = 1_000_000;

    /// <summary>Gets the single-ended channels read, each 0..7, distinct.</summary>
    public int[] Channels { get; set; } = [0];

    /// <summary>Gets the sampling rate in hertz, range 1..10000.</summary>
    public double SampleHz { get; set; } = 200;

    /// <summary>Gets the samples per frame, range 1..4096.</summary>
    public int WindowSamples { get; set; } = 50;
}

/// <summary>Where targets come from, and the self-supervised mode's anomaly settings.</summary>
public sealed class TargetSettings
{
    /// <summary>
    /// Gets the kind: <c>dataset</c> (the replayed sample's label), <c>buttons</c>, <c>stdin</c>, or
    /// <c>none</c> (self-supervised: an autoencoder whose reconstruction error is an anomaly score).
    /// </summary>
    public TargetKind Kind { get; set; } = TargetKind.Dataset;

    /// <summary>Gets the button settings (kind <c>buttons</c>).</summary>
    public ButtonSettings Buttons { get; set; } = new();

    /// <summary>Gets the anomaly detector's settings (kind <c>none</c>).</summary>
    public AnomalySettings Anomaly { get; set; } = new();
}

/// <summary>GPIO buttons: hold button k while showing class k.</summary>
public sealed class ButtonSettings
{
    /// <summary>Gets the GPIO (BCM) pin of each class's button, class 0 first; each 0..63, distinct.</summary>
    public int[] Pins { get; set; } = [];

    /// <summary>Gets a value indicating whether a pressed button pulls the pin low (pull-up wiring, the usual) rather than high.</summary>
    public bool PullUp { get; set; } = true;

    /// <summary>Gets the debounce time in milliseconds, range 0..1000.</summary>
    public int DebounceMilliseconds { get; set; } = 20;
}

/// <summary>When a reconstruction error counts as an anomaly.</summary>
public sealed class AnomalySettings
{
    /// <summary>Gets how many standard deviations above its recent mean a score must be to count, range 0.5..100.</summary>
    public double ThresholdDeviations { get; set; } = 4;

    /// <summary>Gets the weight of each new score in the recent mean and variance, range 0.0001..0.5.</summary>
    public double Smoothing { get; set; } = 0.01;

    /// <summary>Gets how many scored ticks pass before any is called anomalous, range 0..1000000.</summary>
    public int WarmupTicks { get; set; } = 300;
}

/// <summary>Outputs besides the status file, which is always written.</summary>
public sealed class OutputSettings
{
    /// <summary>Gets a value indicating whether status lines and events are printed to standard output.</summary>
    public bool Console { get; set; } = true;

    /// <summary>Gets the LED settings; no LEDs when absent.</summary>
    public LedSettings? Leds { get; set; }

    /// <summary>Gets the recording settings; no recording when absent.</summary>
    public RecordingSettings? Recording { get; set; }
}

/// <summary>GPIO LEDs for the predicted class and the anomaly flag.</summary>
public sealed class LedSettings
{
    /// <summary>Gets the pin of each class's LED, class 0 first (may be empty); each 0..63.</summary>
    public int[] ClassPins { get; set; } = [];

    /// <summary>Gets the pin of the anomaly LED; null for none.</summary>
    public int? AnomalyPin { get; set; }

    /// <summary>Gets a value indicating whether a high pin lights the LED (LED to ground through a resistor).</summary>
    public bool ActiveHigh { get; set; } = true;
}

/// <summary>A recording of the stream (frames, targets, predictions) the host can replay.</summary>
public sealed class RecordingSettings
{
    /// <summary>Gets the file; a relative path is taken from the state directory.</summary>
    public string Path { get; set; } = "recording.eilrec";

    /// <summary>Gets how features are stored: <c>float32</c> (exact) or <c>uint8</c> (rounded and clamped to 0..255, for pixels).</summary>
    [JsonConverter(typeof(ConfigurationEnumConverter<RecordingElement>))]
    public RecordingElement Element { get; set; } = RecordingElement.Float32;

    /// <summary>Gets the size at which recording stops, in megabytes, range 1..1000000.</summary>
    public int MaxMegabytes { get; set; } = 256;
}

/// <summary>Checkpoints and ONNX export.</summary>
public sealed class PersistenceSettings
{
    /// <summary>Gets how many learn steps pass between checkpoints; 0 for none by count.</summary>
    public int CheckpointEveryLearnSteps { get; set; } = 1000;

    /// <summary>Gets how many seconds pass between checkpoints; 0 for none by time.</summary>
    public double CheckpointEverySeconds { get; set; } = 300;

    /// <summary>Gets how many checkpoints are kept, range 1..100; older ones are deleted after a save.</summary>
    public int KeepCheckpoints { get; set; } = 3;

    /// <summary>Gets the ONNX file written on request; a relative path is taken from the state directory.</summary>
    public string OnnxPath { get; set; } = "model.onnx";

    /// <summary>Gets the pin of a button that requests an ONNX export; null for none.</summary>
    public int? ExportButtonPin { get; set; }
}

/// <summary>How the GPIO controller is opened.</summary>
public sealed class GpioSettings
{
    /// <summary>
    /// Gets the driver: <c>auto</c> (libgpiod v2 on a Raspberry Pi 5, the library's detection elsewhere),
    /// <c>libgpiod-v2</c>, <c>libgpiod</c> or <c>sysfs</c>.
    /// </summary>
    public GpioDriverKind Driver { get; set; } = GpioDriverKind.Auto;

    /// <summary>Gets the GPIO chip number for the libgpiod drivers, range 0..15; null for the board's header chip.</summary>
    public int? Chip { get; set; }
}
