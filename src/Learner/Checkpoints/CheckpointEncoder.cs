using System.Numerics;
using System.Numerics.Tensors;

namespace EdgeIL.Learner.Checkpoints;

/// <summary>
/// Checks that a learner can be written as a checkpoint that will load again, works out every
/// section's length, and writes it. Checking first means a bad learner fails before a single byte
/// (or a temporary file) exists.
/// </summary>
internal sealed class CheckpointEncoder
{
    private readonly OnlineLearner _learner;
    private readonly string _headName;
    private readonly string _algorithmName;
    private readonly string _scalingName;
    private readonly long _architectureLength;
    private readonly long _inputStageLength;
    private readonly long _algorithmLength;
    private readonly long _parametersLength;
    private readonly long _adamLength;
    private readonly long _replayLength;

    private CheckpointEncoder(OnlineLearner learner)
    {
        _learner = learner;
        Mlp model = learner.Model;
        _headName = CheckpointFormat.HeadName(model.Head);
        _algorithmName = learner.Algorithm.Name();
        _scalingName = CheckpointFormat.ScalingName(model.Input.Scaling);
        _architectureLength = sizeof(uint) + (sizeof(uint) * (long)model.LayerSizes.Length) + 1 + _headName.Length;
        _inputStageLength = 1 + _scalingName.Length + InputStageValuesLength(model.Input.Scaling, model.InputSize);
        _algorithmLength = 1 + _algorithmName.Length;
        _parametersLength = sizeof(float) * model.ParameterCount;
        _adamLength = learner.Adam is null ? 0 : sizeof(long) + (2 * _parametersLength);
        _replayLength = learner.Replay is not { } replay ? 0
            : CheckpointFormat.ReplayHeaderLength + (sizeof(float) * (long)replay.Count * (replay.InputSize + replay.OutputSize));
        TotalLength = CheckpointFormat.HeaderLength
            + CheckpointFormat.SectionHeaderLength + _architectureLength
            + CheckpointFormat.SectionHeaderLength + _inputStageLength
            + CheckpointFormat.SectionHeaderLength + _algorithmLength
            + CheckpointFormat.SectionHeaderLength + (sizeof(float) * CheckpointFormat.HyperparameterCount)
            + CheckpointFormat.SectionHeaderLength + _parametersLength
            + (learner.Adam is null ? 0 : CheckpointFormat.SectionHeaderLength + _adamLength)
            + (learner.Replay is null ? 0 : CheckpointFormat.SectionHeaderLength + _replayLength)
            + CheckpointFormat.SectionHeaderLength + sizeof(long)
            + CheckpointFormat.ChecksumLength;
    }

    /// <summary>The length in bytes of the whole checkpoint.</summary>
    public long TotalLength { get; }

    /// <summary>Checks the learner (throwing <see cref="ArgumentException"/> for one that could not be loaded back) and plans its checkpoint.</summary>
    public static CheckpointEncoder For(OnlineLearner learner)
    {
        Mlp model = learner.Model;
        if (LearnerLimits.LayerSizesProblem(model.LayerSizes) is { } problem)
        {
            throw Refuse(problem);
        }

        if (learner.SamplesSeen is < 0 or > LearnerLimits.MaximumSampleCount)
        {
            throw Refuse($"SamplesSeen is {learner.SamplesSeen}; it must be in 0..{LearnerLimits.MaximumSampleCount}");
        }

        InputStage stage = model.Input;
        RequireFinite(stage.Offset, "the input stage's offsets");
        RequireFinite(stage.Scale, "the input stage's scales");
        if (stage.Scale.Contains(0f))
        {
            throw Refuse("the input stage has a zero scale");
        }

        if (stage.Scaling == InputScaling.Standardize)
        {
            if (stage.Count > LearnerLimits.MaximumSampleCount)
            {
                throw Refuse($"the input stage has observed {stage.Count} samples; at most {LearnerLimits.MaximumSampleCount} can be saved");
            }

            RequireFinite(stage.Mean, "the input stage's running means");
            RequireFiniteNonNegative(stage.SquaredDeviations, "the input stage's running squared deviations");
        }

        for (int n = 0; n < model.LayerCount; n++)
        {
            RequireWeights(model.GetWeights(n), $"layer {n} weights");
            RequireWeights(model.GetBiases(n), $"layer {n} biases");
        }

        if (learner.Adam is { } adam)
        {
            if (adam.Step is < 0 or > LearnerLimits.MaximumSampleCount)
            {
                throw Refuse($"Adam's step count is {adam.Step}; it must be in 0..{LearnerLimits.MaximumSampleCount}");
            }

            for (int n = 0; n < model.LayerCount; n++)
            {
                RequireFinite(adam.FirstMomentWeights[n], $"Adam's first moments of layer {n} weights");
                RequireFiniteNonNegative(adam.SecondMomentWeights[n], $"Adam's second moments of layer {n} weights");
                RequireFinite(adam.FirstMomentBiases[n], $"Adam's first moments of layer {n} biases");
                RequireFiniteNonNegative(adam.SecondMomentBiases[n], $"Adam's second moments of layer {n} biases");
            }
        }

        if (learner.Replay is { } memory)
        {
            RequireFinite(memory.StoredInputs, "the replay memory's inputs");
            RequireFinite(memory.StoredTargets, "the replay memory's targets");
        }

        var encoder = new CheckpointEncoder(learner);
        if (encoder.TotalLength > CheckpointFormat.MaximumLength)
        {
            throw Refuse($"its checkpoint would take {encoder.TotalLength} bytes; at most {CheckpointFormat.MaximumLength} can be loaded");
        }

        return encoder;
    }

    /// <summary>Writes the checkpoint in the section order of FORMAT.md.</summary>
    public void WriteTo(Stream destination)
    {
        Mlp model = _learner.Model;
        using var writer = new CheckpointWriter(destination, TotalLength);
        writer.WriteBytes(CheckpointFormat.Magic);
        writer.WriteUInt32(CheckpointFormat.CurrentVersion);
        writer.WriteUInt64((ulong)TotalLength);

        writer.BeginSection(CheckpointFormat.ArchitectureTag, _architectureLength);
        writer.WriteUInt32((uint)model.LayerSizes.Length);
        foreach (int size in model.LayerSizes)
        {
            writer.WriteUInt32((uint)size);
        }

        writer.WriteShortString(_headName);

        writer.BeginSection(CheckpointFormat.InputStageTag, _inputStageLength);
        WriteInputStage(writer, model.Input, _scalingName);

        writer.BeginSection(CheckpointFormat.AlgorithmTag, _algorithmLength);
        writer.WriteShortString(_algorithmName);

        writer.BeginSection(CheckpointFormat.HyperparametersTag, sizeof(float) * CheckpointFormat.HyperparameterCount);
        WriteHyperparameters(writer, _learner.Hyperparameters);

        writer.BeginSection(CheckpointFormat.ParametersTag, _parametersLength);
        for (int n = 0; n < model.LayerCount; n++)
        {
            writer.WriteSingles(model.GetWeights(n));
            writer.WriteSingles(model.GetBiases(n));
        }

        if (_learner.Adam is { } adam)
        {
            writer.BeginSection(CheckpointFormat.AdamTag, _adamLength);
            writer.WriteInt64(adam.Step);
            for (int n = 0; n < model.LayerCount; n++)
            {
                writer.WriteSingles(adam.FirstMomentWeights[n]);
                writer.WriteSingles(adam.SecondMomentWeights[n]);
                writer.WriteSingles(adam.FirstMomentBiases[n]);
                writer.WriteSingles(adam.SecondMomentBiases[n]);
            }
        }

        if (_learner.Replay is { } replay)
        {
            writer.BeginSection(CheckpointFormat.ReplayTag, _replayLength);
            writer.WriteInt32(replay.Capacity);
            writer.WriteInt32(replay.ReplaysPerStep);
            writer.WriteInt32(replay.Count);
            writer.WriteInt64(replay.Offered);
            writer.WriteUInt64(replay.RandomState);
            writer.WriteSingles(replay.StoredInputs);
            writer.WriteSingles(replay.StoredTargets);
        }

        writer.BeginSection(CheckpointFormat.ProgressTag, sizeof(long));
        writer.WriteInt64(_learner.SamplesSeen);
        writer.Finish();
    }

    /// <summary>
    /// The bytes after the mode name: a fixed stage is just its offsets and scales; a running
    /// standardisation also carries its frozen flag, count and float64 Welford statistics, without
    /// which it would restart from nothing.
    /// </summary>
    internal static long InputStageValuesLength(InputScaling scaling, int features) => scaling == InputScaling.Fixed
        ? 2L * sizeof(float) * features
        : 1 + sizeof(long) + (2L * sizeof(float) * features) + (2L * sizeof(double) * features);

    private static void WriteInputStage(CheckpointWriter writer, InputStage stage, string scalingName)
    {
        writer.WriteShortString(scalingName);
        if (stage.Scaling == InputScaling.Fixed)
        {
            writer.WriteSingles(stage.Offset);
            writer.WriteSingles(stage.Scale);
            return;
        }

        writer.WriteByte(stage.Frozen ? (byte)1 : (byte)0);
        writer.WriteInt64(stage.Count);
        writer.WriteSingles(stage.Offset);
        writer.WriteSingles(stage.Scale);
        writer.WriteDoubles(stage.Mean);
        writer.WriteDoubles(stage.SquaredDeviations);
    }

    /// <summary>The order here is the format's; <c>CheckpointDecoder.ReadHyperparameters</c> mirrors it.</summary>
    private static void WriteHyperparameters(CheckpointWriter writer, Hyperparameters settings)
    {
        writer.WriteSingle(settings.Alpha);
        writer.WriteSingle(settings.LearningRate);
        writer.WriteInt32(settings.Iterations);
        writer.WriteSingle(settings.GammaBottom);
        writer.WriteSingle(settings.GammaTop);
        writer.WriteSingle(settings.GammaDecay);
        writer.WriteSingle(settings.Epsilon);
        writer.WriteSingle(settings.TargetMix);
        writer.WriteSingle(settings.AdamBeta1);
        writer.WriteSingle(settings.AdamBeta2);
        writer.WriteSingle(settings.AdamEpsilon);
        writer.WriteInt32(settings.BalanceInterval);
    }

    private static void RequireFinite<T>(ReadOnlySpan<T> values, string what)
        where T : IFloatingPointIeee754<T>
    {
        if (!T.IsFinite(TensorPrimitives.MaxMagnitude(values)))
        {
            throw Refuse($"{what} are not all finite");
        }
    }

    private static void RequireWeights(ReadOnlySpan<float> values, string what)
    {
        if (!(TensorPrimitives.MaxMagnitude(values) < OnlineLearner.WeightMagnitudeLimit))
        {
            throw Refuse($"{what} are not all finite and below {LearnerLimits.Format(OnlineLearner.WeightMagnitudeLimit)} in magnitude");
        }
    }

    private static void RequireFiniteNonNegative<T>(ReadOnlySpan<T> values, string what)
        where T : IFloatingPointIeee754<T>
    {
        RequireFinite(values, what);
        if (TensorPrimitives.Min(values) < T.Zero)
        {
            throw Refuse($"{what} are not all >= 0");
        }
    }

    private static ArgumentException Refuse(string problem) =>
        new($"Cannot checkpoint this learner: {problem}, so the checkpoint could not be loaded back.", "learner");
}
