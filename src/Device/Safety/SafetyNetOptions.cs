using EdgeIL.Learner.Drift;

namespace EdgeIL.Device.Safety;

/// <summary>The safety net's settings (the configuration's <c>safety</c> section, after validation).</summary>
public sealed record SafetyNetOptions
{
    /// <summary>Gets the drift detector run on the prequential loss; null for none.</summary>
    public DriftDetectorSettings? Drift { get; init; } = new();

    /// <summary>Gets the frames in the canary set; 0 turns the canary, the known-good model and rollback off.</summary>
    public int CanarySize { get; init; } = 200;

    /// <summary>Gets how often a learnable frame goes to the canary instead of being learned: one in this many.</summary>
    public int CanaryEvery { get; init; } = 20;

    /// <summary>Gets the ticks between two scorings of the current and known-good models on the canary.</summary>
    public int ScoreEveryTicks { get; init; } = 300;

    /// <summary>Gets how much worse (relative) than the known-good model the current one must score to count as worse.</summary>
    public double RollbackMargin { get; init; } = 0.25;

    /// <summary>Gets the scorings in a row the current model must be worse before it is rolled back.</summary>
    public int RollbackAfterScorings { get; init; } = 3;

    /// <summary>Gets the identical frames in a row that make the sensor count as stuck; 0 for no check.</summary>
    public int StuckAfterFrames { get; init; } = 300;
}
