namespace EdgeIL.Device.Outputs;

/// <summary>What one tick saw and decided, handed to every output.</summary>
/// <param name="Tick">The tick's number since the start of the run, from 0.</param>
/// <param name="PredictedClass">The class predicted before learning; -1 in self-supervised mode.</param>
/// <param name="Confidence">The predicted class's probability, 0..1; NaN in self-supervised mode.</param>
/// <param name="Label">The target the tick learned from (or would have), -1 when there was none.</param>
/// <param name="AnomalyScore">The reconstruction error (self-supervised mode); NaN for classifiers.</param>
/// <param name="IsAnomaly">Whether the score left its recent range.</param>
public readonly record struct TickOutcome(long Tick, int PredictedClass, float Confidence, int Label, float AnomalyScore, bool IsAnomaly);

/// <summary>An output the loop publishes every tick's outcome to: LEDs, a recording.</summary>
/// <remarks>Publishing runs on the loop thread inside the tick, so an implementation must be quick and must not allocate.</remarks>
public interface ITickOutput : IDisposable
{
    /// <summary>Publishes one tick's outcome.</summary>
    /// <param name="outcome">What the tick saw and decided.</param>
    /// <param name="frame">The frame's features.</param>
    void Publish(in TickOutcome outcome, ReadOnlySpan<float> frame);
}
