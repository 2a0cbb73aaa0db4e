using System.Buffers.Binary;
using EdgeIL.Learner.Checkpoints;
using static EdgeIL.Learner.Tests.Checkpoints.CheckpointSections;
using static EdgeIL.Learner.Tests.Checkpoints.CheckpointTestData;

namespace EdgeIL.Learner.Tests.Checkpoints;

/// <summary>
/// Values behind a valid checksum are checked against <see cref="LearnerLimits"/>, the ranges a
/// device configuration is held to, so that a file can never make a learner no configuration could
/// ask for (a step that never ends, a counter that overflows, a model every step is refused on).
/// </summary>
public sealed class CheckpointRangeTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("edgeil-range-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1_000_000)]
    [InlineData(LearnerLimits.MaximumIterations + 1)]
    public void Load_IterationsPastTheLimit_IsRefusedNamingFileAndField(int iterations)
    {
        byte[] bytes = Save(Trained(LearningAlgorithm.ILProx));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(PayloadOffset(bytes, "HYPR") + 8), iterations);

        string message = LoadFile(WithChecksum(bytes));

        Assert.Contains("Iterations", message, StringComparison.Ordinal);
        Assert.Contains($"must be in 0..{LearnerLimits.MaximumIterations}", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_IterationsAtTheLimit_Loads()
    {
        byte[] bytes = Save(Trained(LearningAlgorithm.ILProx));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(PayloadOffset(bytes, "HYPR") + 8), LearnerLimits.MaximumIterations);

        Assert.Equal(LearnerLimits.MaximumIterations, Load(WithChecksum(bytes)).Hyperparameters.Iterations);
    }

    [Theory]
    [InlineData(4, 1e7f, "LearningRate")]
    [InlineData(0, 1e9f, "Alpha")]
    [InlineData(12, 1e5f, "GammaBottom")]
    [InlineData(24, 1e9f, "Epsilon")]
    public void Load_HyperparameterPastTheLimit_IsRefusedNamingIt(int offset, float value, string name)
    {
        byte[] bytes = Save(Trained(LearningAlgorithm.ILProx));
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(PayloadOffset(bytes, "HYPR") + offset), value);

        Assert.Contains($"section HYPR: Hyperparameter {name}", LoadFile(WithChecksum(bytes)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(long.MaxValue - 5)]
    [InlineData(LearnerLimits.MaximumSampleCount + 1)]
    public void Load_SamplesSeenWithoutHeadroom_IsRefused(long samplesSeen)
    {
        byte[] bytes = Save(Trained(LearningAlgorithm.BPSgd));
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(PayloadOffset(bytes, "PROG")), samplesSeen);

        Assert.Contains($"section PROG: samples seen {samplesSeen} is outside 0..", LoadFile(WithChecksum(bytes)), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SamplesSeenAtTheLimit_LoadsAndTheNextStepsSave()
    {
        byte[] bytes = Save(Trained(LearningAlgorithm.BPSgd));
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(PayloadOffset(bytes, "PROG")), LearnerLimits.MaximumSampleCount);
        OnlineLearner learner = Load(WithChecksum(bytes));

        learner.Learn(new float[learner.Model.InputSize], new float[learner.Model.OutputSize]);

        // Past the limit by a step: never reached in practice (10^11 years at 1 kHz), but it must
        // not overflow, and a save then refuses rather than write a file that will not load.
        Assert.True(learner.SamplesSeen > 0);
        Assert.Throws<ArgumentException>(() => Save(learner));
    }

    [Fact]
    public void Load_AdamStepWithoutHeadroom_IsRefused()
    {
        byte[] bytes = Save(Trained(LearningAlgorithm.BPAdam));
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(PayloadOffset(bytes, "ADAM")), long.MaxValue);

        Assert.Contains("section ADAM: step count", LoadFile(WithChecksum(bytes)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 1e25f)]
    [InlineData(0, -1e16f)]
    [InlineData(20 * 4, 1e25f)]
    public void Load_WeightPastTheGuardLimit_IsRefusedNamingTheLayer(int offset, float value)
    {
        byte[] bytes = Save(Trained(LearningAlgorithm.BPSgd));
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(PayloadOffset(bytes, "PARM") + offset), value);

        string message = LoadFile(WithChecksum(bytes));

        Assert.Contains("section PARM: layer 0 ", message, StringComparison.Ordinal);
        Assert.Contains("below 1e15", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_WeightPastTheGuardLimit_IsRefused()
    {
        OnlineLearner learner = Trained(LearningAlgorithm.BPSgd);
        float[] weights = learner.Model.GetWeights(0).ToArray();
        weights[0] = 1e25f;
        learner.Model.SetWeights(0, weights);

        Assert.Throws<ArgumentException>(() => Save(learner));
    }

    [Fact]
    public void Load_HiddenLayerWiderThanAConfigurationAllows_IsRefused()
    {
        byte[] bytes = Save(Trained(LearningAlgorithm.BPSgd));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(PayloadOffset(bytes, "ARCH") + 8), LearnerLimits.MaximumHiddenLayerSize + 1);

        Assert.Contains($"section ARCH: layer 1 has {LearnerLimits.MaximumHiddenLayerSize + 1} units; a hidden layer has 1..", LoadFile(WithChecksum(bytes)), StringComparison.Ordinal);
    }

    /// <summary>Loads the bytes as a file and returns the refusal's message, which must name the file.</summary>
    private string LoadFile(byte[] bytes)
    {
        string path = Path.Combine(_directory, "model.edgeil");
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<CheckpointFormatException>(() => CheckpointFile.Load(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        return error.Message;
    }
}
