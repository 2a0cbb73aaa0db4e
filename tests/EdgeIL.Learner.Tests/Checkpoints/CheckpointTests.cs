using System.Buffers.Binary;
using System.IO.Hashing;
using System.Reflection;
using EdgeIL.Learner.Checkpoints;
using static EdgeIL.Learner.Tests.Checkpoints.CheckpointSections;
using static EdgeIL.Learner.Tests.Checkpoints.CheckpointTestData;

namespace EdgeIL.Learner.Tests.Checkpoints;

public class CheckpointTests
{
    public static TheoryData<LearningAlgorithm, OutputHead> Cases => AlgorithmsAndHeads();

    public static TheoryData<string> HyperparameterNames =>
        [.. typeof(Hyperparameters).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void SaveThenLoad_TrainedLearner_RestoresStateBitExactly(LearningAlgorithm algorithm, OutputHead head)
    {
        OnlineLearner original = Trained(algorithm, head);
        if (original.Adam is { } adam)
        {
            Assert.Equal(4, adam.Step);
            Assert.Contains(adam.Buffers(), buffer => buffer.Any(value => value != 0));
        }

        OnlineLearner loaded = Load(Save(original));

        AssertSameState(original, loaded);
    }

    [Fact]
    public void SaveThenLoad_FrozenStandardization_StaysFrozen()
    {
        OnlineLearner original = Trained(LearningAlgorithm.ILProx);
        original.Model.Input.Freeze();

        OnlineLearner loaded = Load(Save(original));

        Assert.True(loaded.Model.Input.Frozen);
        Assert.Equal(5, loaded.Model.Input.Count);
        AssertSameState(original, loaded);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Learn_AfterSaveThenLoad_MatchesLearnerThatWasNeverSaved(LearningAlgorithm algorithm, OutputHead head)
    {
        OnlineLearner original = Trained(algorithm, head);
        OnlineLearner loaded = Load(Save(original));

        Train(original, new Random(99), steps: 4);
        Train(loaded, new Random(99), steps: 4);

        AssertSameState(original, loaded);
    }

    [Theory]
    [MemberData(nameof(HyperparameterNames))]
    public void SaveThenLoad_ChangedHyperparameter_IsRestored(string name)
    {
        // Changing one setting at a time from the defaults keeps every combination valid, and a
        // setting added to Hyperparameters later shows up here by itself.
        PropertyInfo property = typeof(Hyperparameters).GetProperty(name)!;
        Hyperparameters settings = Hyperparameters.For(LearningAlgorithm.ILProxAdam) with { };
        object changed = property.GetValue(settings) switch
        {
            float value => (object)(value == 0 ? 0.125f : value * 0.99f),
            int value => (object)(value + 1),
            var other => throw new InvalidOperationException($"Add a case for {name} of type {other?.GetType()}."),
        };
        property.SetValue(settings, changed);
        settings.Validate();
        var learner = new OnlineLearner(Mlp.CreateRandom([2, 3], OutputHead.Identity, 5), LearningAlgorithm.ILProxAdam, settings);

        OnlineLearner loaded = Load(Save(learner));

        Assert.Equal(changed, property.GetValue(loaded.Hyperparameters));
        Assert.Equal(settings, loaded.Hyperparameters);
    }

    [Fact]
    public void Save_SmallestNetwork_MatchesTheWorkedExampleInFormatDocument()
    {
        var model = new Mlp([1, 1], OutputHead.Identity);
        model.SetWeights(0, [0.5f]);
        model.SetBiases(0, [-0.25f]);
        var learner = new OnlineLearner(model, LearningAlgorithm.BPSgd) { SamplesSeen = 42 };

        byte[] bytes = Save(learner);

        // The hex dump of FORMAT.md's worked example, byte for byte.
        byte[] expected = Convert.FromHexString(
            "8945444745494C0A" + "01000000" + "B200000000000000"
            + "4152434815000000" + "02000000" + "0100000001000000" + "08" + "6964656E74697479"
            + "494E50540E000000" + "05" + "6669786564" + "00000000" + "0000803F"
            + "414C474F07000000" + "06" + "62702D736764"
            + "4859505230000000" + "0000A040" + "8FC2753C" + "00000000" + "8FC2753C" + "8FC2753C" + "00000000"
            + "0000803E" + "3333733F" + "6666663F" + "77BE7F3F" + "77CC2B32" + "00000000"
            + "5041524D08000000" + "0000003F" + "000080BE"
            + "50524F4708000000" + "2A00000000000000"
            + "D2C9CD1C");
        Assert.Equal(expected, bytes);
        Assert.Equal(Crc32.HashToUInt32(bytes.AsSpan(0, 174)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(174)));
    }

    [Fact]
    public void Load_TwoCheckpointsInOneStream_ReadsEachAndStopsAfterIt()
    {
        OnlineLearner first = Trained(LearningAlgorithm.ILProx);
        OnlineLearner second = Trained(LearningAlgorithm.BPAdam, OutputHead.Sigmoid);
        using var stream = new MemoryStream();
        Checkpoint.Save(first, stream);
        Checkpoint.Save(second, stream);
        stream.Position = 0;

        AssertSameState(first, Checkpoint.Load(stream));
        AssertSameState(second, Checkpoint.Load(stream));
        Assert.Equal(stream.Length, stream.Position);
    }

    [Fact]
    public void Load_EveryTruncation_IsRefusedAsTruncated()
    {
        byte[] bytes = Save(Trained(LearningAlgorithm.ILProxAdam));

        for (int length = 0; length < bytes.Length; length++)
        {
            var error = Assert.Throws<CheckpointFormatException>(() => Checkpoint.Load(new MemoryStream(bytes, 0, length)));
            Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Load_EveryTruncationOfNonSeekableStream_IsRefusedAsTruncated()
    {
        byte[] bytes = Save(Trained(LearningAlgorithm.BPAdam));

        for (int length = 0; length < bytes.Length; length++)
        {
            var error = Assert.Throws<CheckpointFormatException>(() => Checkpoint.Load(new NonSeekableStream(bytes.AsMemory(0, length))));
            Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Load_EverySingleFlippedBitOrByte_IsRefused()
    {
        byte[] bytes = Save(Trained(LearningAlgorithm.ILProxAdam));
        byte[] masks = [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xFF];

        for (int position = 0; position < bytes.Length; position++)
        {
            foreach (byte mask in masks)
            {
                byte[] damaged = (byte[])bytes.Clone();
                damaged[position] ^= mask;

                var error = Assert.Throws<CheckpointFormatException>(() => Load(damaged));

                // The magic and the length field are read before the checksum can be; damage
                // anywhere else, the version included, must read as corruption.
                string expected = position switch
                {
                    < 8 => "wrong magic",
                    >= 12 and < 20 => string.Empty,
                    _ => "checksum mismatch: file is corrupted",
                };
                Assert.Contains(expected, error.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Load_ForeignFile_SaysItIsNotACheckpoint()
    {
        byte[] zip = [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00];

        var error = Assert.Throws<CheckpointFormatException>(() => Load(zip));

        Assert.Contains("not an EdgeIL checkpoint: wrong magic number", error.Message, StringComparison.Ordinal);
        Assert.Null(error.FilePath);
    }

    [Fact]
    public void Load_FutureVersion_SaysItIsNewerThanThisReader()
    {
        byte[] bytes = Save(Trained(LearningAlgorithm.ILProx));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 7);

        var error = Assert.Throws<CheckpointFormatException>(() => Load(WithChecksum(bytes)));

        Assert.Contains("format version 7 is newer than this EdgeIL reads (1)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_VersionZero_IsRefused()
    {
        byte[] bytes = Save(Trained(LearningAlgorithm.ILProx));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 0);

        var error = Assert.Throws<CheckpointFormatException>(() => Load(WithChecksum(bytes)));

        Assert.Contains("format version 0 is not valid", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2_000_000_000ul, "truncated: the header declares 2000000000 bytes")]
    [InlineData(ulong.MaxValue, "more than the")]
    [InlineData(10ul, "less than the 24")]
    public void Load_CorruptDeclaredLength_IsRefusedWithoutAllocatingIt(ulong declared, string expected)
    {
        byte[] bytes = Save(Trained(LearningAlgorithm.ILProx));
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(12), declared);

        var seekable = Assert.Throws<CheckpointFormatException>(() => Load(bytes));
        var nonSeekable = Assert.Throws<CheckpointFormatException>(() => Checkpoint.Load(new NonSeekableStream(bytes)));

        Assert.Contains(expected, seekable.Message, StringComparison.Ordinal);
        Assert.Contains(expected, nonSeekable.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LayerSizeInconsistentWithParameters_IsRefused()
    {
        byte[] bytes = Save(Trained(LearningAlgorithm.BPSgd));
        int architecture = PayloadOffset(bytes, "ARCH");
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(architecture + 12), 1 << 24);

        var error = Assert.Throws<CheckpointFormatException>(() => Load(WithChecksum(bytes)));

        Assert.Contains("section PARM has 172 bytes; the architecture needs", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4, 0u, "layer 0 has 0 units")]
    [InlineData(4, 1u << 30, "layer 0 has 1073741824 units")]
    [InlineData(0, 1u << 30, "1073741824 layer sizes")]
    [InlineData(0, 1u, "1 layer sizes")]
    public void Load_ImpossibleArchitecture_IsRefused(int offsetInSection, uint value, string expected)
    {
        byte[] bytes = Save(Trained(LearningAlgorithm.BPSgd));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(PayloadOffset(bytes, "ARCH") + offsetInSection), value);

        var error = Assert.Throws<CheckpointFormatException>(() => Load(WithChecksum(bytes)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ZeroInputScale_IsRefused()
    {
        byte[] bytes = Save(Trained(LearningAlgorithm.BPSgd, OutputHead.Sigmoid));
        int scales = PayloadOffset(bytes, "INPT") + 1 + "fixed".Length + (4 * 4);
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(scales + 4), 0f);

        var error = Assert.Throws<CheckpointFormatException>(() => Load(WithChecksum(bytes)));

        Assert.Contains("section INPT: input scales[1] is 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NegativeRunningSquaredDeviation_IsRefused()
    {
        byte[] bytes = Save(Trained(LearningAlgorithm.BPSgd, OutputHead.Softmax));
        int squaredDeviations = PayloadOffset(bytes, "INPT") + 1 + "standardize".Length + 1 + 8 + (2 * 4 * 4) + (4 * 8);
        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(squaredDeviations), -2.0);

        var error = Assert.Throws<CheckpointFormatException>(() => Load(WithChecksum(bytes)));

        Assert.Contains("input running squared deviations[0] is -2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NonFiniteWeight_IsRefused()
    {
        byte[] bytes = Save(Trained(LearningAlgorithm.BPSgd));
        int parameters = PayloadOffset(bytes, "PARM");
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(parameters + (4 * (20 + 5 + 2))), float.NaN);

        var error = Assert.Throws<CheckpointFormatException>(() => Load(WithChecksum(bytes)));

        Assert.Contains("section PARM: layer 1 weights[2] is NaN, not a finite number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NegativeAdamSecondMoment_IsRefused()
    {
        OnlineLearner learner = Trained(LearningAlgorithm.BPAdam);
        byte[] bytes = Save(learner);
        int secondMoments = PayloadOffset(bytes, "ADAM") + 8 + (4 * learner.Model.GetWeights(0).Length);
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(secondMoments), -1f);

        var error = Assert.Throws<CheckpointFormatException>(() => Load(WithChecksum(bytes)));

        Assert.Contains("Adam's second moments of layer 0 weights[0] is -1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_HyperparameterOutOfRange_IsRefusedNamingIt()
    {
        byte[] bytes = Save(Trained(LearningAlgorithm.ILProx));
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(PayloadOffset(bytes, "HYPR")), -5f);

        var error = Assert.Throws<CheckpointFormatException>(() => Load(WithChecksum(bytes)));

        Assert.Contains("section HYPR: Hyperparameter Alpha = -5", error.Message, StringComparison.Ordinal);
        Assert.IsType<ArgumentException>(error.InnerException);
    }

    [Fact]
    public void Load_UnknownAlgorithmName_IsRefusedListingKnownOnes()
    {
        byte[] bytes = Save(Trained(LearningAlgorithm.ILProx));
        "il-prux"u8.CopyTo(bytes.AsSpan(PayloadOffset(bytes, "ALGO") + 1));

        var error = Assert.Throws<CheckpointFormatException>(() => Load(WithChecksum(bytes)));

        Assert.Contains("unknown learning algorithm 'il-prux' (known: il-prox,", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AdamRuleWithoutAdamSection_IsRefused()
    {
        byte[] bytes = Save(Trained(LearningAlgorithm.ILAdam));

        // A lower-case tag makes the section one a reader may skip, so the Adam state goes missing.
        "adam"u8.CopyTo(bytes.AsSpan(PayloadOffset(bytes, "ADAM") - 8));

        var error = Assert.Throws<CheckpointFormatException>(() => Load(WithChecksum(bytes)));

        Assert.Contains("section ADAM is missing; il-adam needs Adam's state", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_AdamSectionForRuleWithoutAdam_IsRefused()
    {
        byte[] bytes = Save(Trained(LearningAlgorithm.BPSgd));

        var error = Assert.Throws<CheckpointFormatException>(() => Load(WithExtraSection(bytes, "ADAM", new byte[8])));

        Assert.Contains("section ADAM is present, but bp-sgd does not use Adam", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DuplicateSection_IsRefused()
    {
        byte[] bytes = Save(Trained(LearningAlgorithm.BPSgd));

        var error = Assert.Throws<CheckpointFormatException>(() => Load(WithExtraSection(bytes, "PROG", new byte[8])));

        Assert.Contains("section PROG appears twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownRequiredSection_IsRefusedAsNeedingNewerReader()
    {
        byte[] bytes = Save(Trained(LearningAlgorithm.ILProx));

        var error = Assert.Throws<CheckpointFormatException>(() => Load(WithExtraSection(bytes, "DRFT", new byte[16])));

        Assert.Contains("unknown required section DRFT", error.Message, StringComparison.Ordinal);
        Assert.Contains("newer EdgeIL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownSkippableSection_IsIgnored()
    {
        OnlineLearner original = Trained(LearningAlgorithm.ILProxAdam, OutputHead.Identity);

        OnlineLearner loaded = Load(WithExtraSection(Save(original), "note", "saved on board 7"u8));

        AssertSameState(original, loaded);
    }

    [Fact]
    public void Load_SectionLengthPastEnd_IsRefusedAsTruncatedSection()
    {
        byte[] bytes = Save(Trained(LearningAlgorithm.ILProx));
        int progress = PayloadOffset(bytes, "PROG");
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(progress - 4), 9);

        var error = Assert.Throws<CheckpointFormatException>(() => Load(WithChecksum(bytes)));

        Assert.Contains("section PROG", error.Message, StringComparison.Ordinal);
        Assert.Contains("declares 9 bytes, found 8 before the checksum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_NonFiniteWeight_ThrowsAndWritesNothing()
    {
        OnlineLearner learner = Trained(LearningAlgorithm.BPSgd);
        float[] biases = learner.Model.GetBiases(1).ToArray();
        biases[0] = float.PositiveInfinity;
        learner.Model.SetBiases(1, biases);
        using var stream = new MemoryStream();

        var error = Assert.Throws<ArgumentException>(() => Checkpoint.Save(learner, stream));

        Assert.Contains("layer 1 biases are not all finite", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, stream.Length);
    }

    [Fact]
    public void Save_NegativeSamplesSeen_Throws()
    {
        OnlineLearner learner = Trained(LearningAlgorithm.BPSgd);
        learner.SamplesSeen = -1;

        Assert.Throws<ArgumentException>(() => Checkpoint.Save(learner, Stream.Null));
    }
}
