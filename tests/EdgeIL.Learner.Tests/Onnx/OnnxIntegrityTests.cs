using EdgeIL.Learner.Onnx;
using EdgeIL.Learner.Onnx.Protos;
using Google.Protobuf;

namespace EdgeIL.Learner.Tests.Onnx;

/// <summary>An export's weights are covered by a SHA-256 in its metadata, and what it records is held to <see cref="LearnerLimits"/>.</summary>
public class OnnxIntegrityTests
{
    [Fact]
    public void ToBytes_Model_RecordsTheSha256OfItsWeights()
    {
        Mlp model = OnnxModels.Create([5, 4, 3], OutputHead.Softmax, InputKind.PerFeature, seed: 1);

        OnnxImportedModel imported = OnnxImport.Read(OnnxExport.ToBytes(model));

        string digest = imported.Metadata[OnnxMetadata.WeightsSha256];
        Assert.Matches("^[0-9a-f]{64}$", digest);
        Mlp other = OnnxModels.Create([5, 4, 3], OutputHead.Softmax, InputKind.PerFeature, seed: 2);
        Assert.NotEqual(digest, OnnxImport.Read(OnnxExport.ToBytes(other)).Metadata[OnnxMetadata.WeightsSha256]);
    }

    [Fact]
    public void Read_OneWeightChanged_IsRefusedAsDamaged()
    {
        Mlp model = OnnxModels.Create([5, 4, 3], OutputHead.Softmax, InputKind.PerFeature, seed: 1);
        ModelProto proto = ModelProto.Parser.ParseFrom(OnnxExport.ToBytes(model));
        TensorProto weights = proto.Graph.Initializer.First(t => t.Name.EndsWith(".weight", StringComparison.Ordinal));
        byte[] raw = weights.RawData.ToByteArray();
        raw[5] ^= 0x01;
        weights.RawData = ByteString.CopyFrom(raw);

        var error = Assert.Throws<OnnxFormatException>(() => OnnxImport.Read(proto.ToByteArray()));

        Assert.Contains("do not match their recorded SHA-256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_EveryByteFlipped_IsRefusedOrGivesTheSameWeights()
    {
        // Before the digest, 75 of 82 byte-flipped exports imported silently with other weights.
        Mlp model = OnnxModels.Create([6, 5, 3], OutputHead.Softmax, InputKind.PerFeature, seed: 3);
        var learner = new OnlineLearner(model, LearningAlgorithm.ILProx) { SamplesSeen = 12 };
        byte[] bytes = OnnxExport.ToBytes(learner);
        float[] expected = TestData.Parameters(model);
        int refused = 0;
        for (int position = 0; position < bytes.Length; position++)
        {
            byte[] flipped = (byte[])bytes.Clone();
            flipped[position] ^= 0x5A;
            try
            {
                OnnxImportedModel imported = OnnxImport.Read(flipped);
                Assert.Equal(expected, TestData.Parameters(imported.Model));
                Assert.Equal(model.Input.Offset.ToArray(), imported.Model.Input.Offset.ToArray());
                Assert.Equal(model.Input.Scale.ToArray(), imported.Model.Input.Scale.ToArray());
            }
            catch (OnnxFormatException)
            {
                refused++;
            }
        }

        Assert.True(refused > bytes.Length / 2, $"only {refused} of {bytes.Length} flips were refused");
    }

    [Theory]
    [InlineData("{\"iterations\":2147483647}", "Iterations = 2147483647")]
    [InlineData("{\"learningRate\":1e9}", "LearningRate")]
    [InlineData("{\"alpha\":-1}", "Alpha")]
    [InlineData("[1,2]", "not a JSON object")]
    public void Read_RecordedHyperparametersOutOfRange_IsRefusedNamingTheKey(string settings, string expected)
    {
        byte[] bytes = WithMetadata(OnnxMetadata.Hyperparameters, settings);

        var error = Assert.Throws<OnnxFormatException>(() => OnnxImport.Read(bytes));

        Assert.Contains($"metadata {OnnxMetadata.Hyperparameters}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("9223372036854775807")]
    [InlineData("-1")]
    [InlineData("many")]
    public void Read_RecordedSamplesSeenOutOfRange_IsRefused(string samples)
    {
        var error = Assert.Throws<OnnxFormatException>(() => OnnxImport.Read(WithMetadata(OnnxMetadata.SamplesSeen, samples)));

        Assert.Contains($"metadata {OnnxMetadata.SamplesSeen}: '{samples}' is not a sample count", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_WeightPastTheGuardLimitWithoutDigest_IsRefused()
    {
        Mlp model = OnnxModels.Create([3, 2], OutputHead.Softmax, InputKind.Identity, seed: 1);
        ModelProto proto = ModelProto.Parser.ParseFrom(OnnxExport.ToBytes(model));
        Remove(proto, OnnxMetadata.WeightsSha256);
        TensorProto weights = proto.Graph.Initializer.First(t => t.Name.EndsWith(".weight", StringComparison.Ordinal));
        byte[] raw = weights.RawData.ToByteArray();
        BitConverter.GetBytes(1e25f).CopyTo(raw, 0);
        weights.RawData = ByteString.CopyFrom(raw);

        var error = Assert.Throws<OnnxFormatException>(() => OnnxImport.Read(proto.ToByteArray()));

        Assert.Contains("layer 0 holds a weight or bias of magnitude 1e15 or more", error.Message, StringComparison.Ordinal);
    }

    private static byte[] WithMetadata(string key, string value)
    {
        Mlp model = OnnxModels.Create([3, 4, 2], OutputHead.Softmax, InputKind.Identity, seed: 1);
        ModelProto proto = ModelProto.Parser.ParseFrom(OnnxExport.ToBytes(new OnlineLearner(model, LearningAlgorithm.ILProx)));
        Remove(proto, key);
        proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return proto.ToByteArray();
    }

    private static void Remove(ModelProto proto, string key)
    {
        StringStringEntryProto entry = proto.MetadataProps.Single(e => e.Key == key);
        proto.MetadataProps.Remove(entry);
    }
}
