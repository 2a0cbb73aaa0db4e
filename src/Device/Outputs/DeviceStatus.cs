using System.Text.Json.Serialization;

namespace EdgeIL.Device.Outputs;

/// <summary>
/// The contents of <c>status.json</c>: the loop's statistics at one moment. Names are snake_case in the
/// file; a field that does not apply (accuracy in self-supervised mode) is left out rather than null.
/// </summary>
public sealed class DeviceStatus
{
    /// <summary>Gets or sets the configuration's name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets "running", "stopped" or "failed".</summary>
    public string State { get; set; } = "running";

    /// <summary>Gets or sets when the status was written, UTC (ISO 8601 in the file).</summary>
    /// <remarks>A date rather than a formatted string, so a status write formats it into its buffer without allocating.</remarks>
    public DateTimeOffset UpdatedUtc { get; set; }

    /// <summary>Gets or sets the seconds since the loop started.</summary>
    public double UptimeSeconds { get; set; }

    /// <summary>Gets or sets the target tick rate.</summary>
    public double TickHz { get; set; }

    /// <summary>Gets or sets the ticks run in this process.</summary>
    public long Ticks { get; set; }

    /// <summary>Gets or sets the ticks whose work took longer than one period.</summary>
    public long Overruns { get; set; }

    /// <summary>Gets or sets the ticks dropped by the catch-up clamp.</summary>
    public long MissedTicks { get; set; }

    /// <summary>Gets or sets the ticks on which the source had no new frame.</summary>
    public long NoFrameTicks { get; set; }

    /// <summary>Gets or sets the median tick time over the latest ticks, in milliseconds.</summary>
    public double TickMsP50 { get; set; }

    /// <summary>Gets or sets the 99th-percentile tick time over the latest ticks, in milliseconds.</summary>
    public double TickMsP99 { get; set; }

    /// <summary>Gets or sets the longest tick since the start, in milliseconds.</summary>
    public double TickMsMax { get; set; }

    /// <summary>
    /// Gets or sets the full (generation 2) garbage collections in this process. The loop allocates
    /// nothing per tick, so this stays at its start-up value; a rising count means something leaks.
    /// </summary>
    public int Gen2Collections { get; set; }

    /// <summary>
    /// Gets or sets the bytes allocated on the managed heap by this process so far. Ticks allocate
    /// nothing; the periodic status and checkpoint writes do, so it grows by a few kilobytes per write.
    /// </summary>
    public long AllocatedBytes { get; set; }

    /// <summary>Gets or sets the learn steps run in this process.</summary>
    public long LearnSteps { get; set; }

    /// <summary>Gets or sets the ticks that had a target but no time to learn from it.</summary>
    public long SkippedLearns { get; set; }

    /// <summary>Gets or sets the inference budget in force.</summary>
    public int BudgetIterations { get; set; }

    /// <summary>Gets or sets the full budget.</summary>
    public int BudgetCeiling { get; set; }

    /// <summary>Gets or sets the lowest budget.</summary>
    public int BudgetFloor { get; set; }

    /// <summary>Gets or sets the samples the model has learned from over its whole life, across restarts.</summary>
    public long SamplesSeen { get; set; }

    /// <summary>Gets or sets the prequential accuracy over the latest labelled ticks (classifiers).</summary>
    public double? PrequentialAccuracy { get; set; }

    /// <summary>Gets or sets how many labelled ticks the accuracy covers (classifiers).</summary>
    public int? PrequentialCount { get; set; }

    /// <summary>Gets or sets the latest reconstruction error (self-supervised).</summary>
    public double? AnomalyScore { get; set; }

    /// <summary>Gets or sets the recent mean reconstruction error (self-supervised).</summary>
    public double? AnomalyMean { get; set; }

    /// <summary>Gets or sets the anomalous ticks since the start (self-supervised).</summary>
    public long? Anomalies { get; set; }

    /// <summary>Gets or sets the faults: failed source reads, refused learn steps, failed saves and exports.</summary>
    public long Faults { get; set; }

    /// <summary>Gets or sets the latest fault's message.</summary>
    public string? LastFault { get; set; }

    /// <summary>Gets or sets the learning rule.</summary>
    public string Algorithm { get; set; } = string.Empty;

    /// <summary>Gets or sets the frame source's description.</summary>
    public string Source { get; set; } = string.Empty;

    /// <summary>Gets or sets the checkpoint the run resumed from; null for a fresh model.</summary>
    public string? ResumedFrom { get; set; }

    /// <summary>Gets or sets the checkpoints saved in this process.</summary>
    public long CheckpointsSaved { get; set; }

    /// <summary>Gets or sets the newest checkpoint saved.</summary>
    public string? LastCheckpoint { get; set; }

    /// <summary>Gets or sets the ONNX exports written in this process.</summary>
    public long OnnxExports { get; set; }

    /// <summary>Gets or sets the drifts the safety net's detector found in the prequential loss.</summary>
    public long? Drifts { get; set; }

    /// <summary>Gets or sets the tick of the latest drift.</summary>
    public long? LastDriftTick { get; set; }

    /// <summary>Gets or sets when the latest drift was detected, UTC.</summary>
    public DateTimeOffset? LastDriftUtc { get; set; }

    /// <summary>Gets or sets the latest drift's change of the mean prequential loss (positive: worse).</summary>
    public double? LastDriftSize { get; set; }

    /// <summary>Gets or sets the frames in the canary set (never learned from).</summary>
    public int? CanaryCount { get; set; }

    /// <summary>Gets or sets the current model's mean loss on the canary at the latest scoring.</summary>
    public double? CanaryLoss { get; set; }

    /// <summary>Gets or sets the known-good model's mean loss on the canary at the latest scoring.</summary>
    public double? KnownGoodLoss { get; set; }

    /// <summary>Gets or sets how often the canary was emptied because the world changed.</summary>
    public long? CanaryRefreshes { get; set; }

    /// <summary>Gets or sets the rollbacks to the known-good model in this process.</summary>
    public long? Rollbacks { get; set; }

    /// <summary>Gets or sets the latest rollback: tick, time and why.</summary>
    public string? LastRollback { get; set; }

    /// <summary>Gets or sets whether the sensor repeats the same frame (stuck) now.</summary>
    public bool? SensorStuck { get; set; }

    /// <summary>Gets or sets the ticks whose frames were ignored because the sensor was stuck.</summary>
    public long? StuckTicks { get; set; }
}

/// <summary>The generated serializer for <see cref="DeviceStatus"/>: snake_case names, nulls left out.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(DeviceStatus))]
internal sealed partial class DeviceStatusJsonContext : JsonSerializerContext
{
}
