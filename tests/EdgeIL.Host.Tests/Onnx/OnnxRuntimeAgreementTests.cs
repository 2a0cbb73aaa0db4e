using EdgeIL.Host.Onnx;
using EdgeIL.Learner;
using EdgeIL.Learner.Onnx;
using EdgeIL.Learner.Tests.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace EdgeIL.Host.Tests.Onnx;

/// <summary>Exported models run in ONNX Runtime give EdgeIL's outputs, for every head, depth, width, input stage and batch size.</summary>
public class OnnxRuntimeAgreementTests
{
    private const double Tolerance = 1e-5;

    // 45 samples: a batch of 32 and a shorter one of 13, so both run shapes are exercised.
    private const int SampleCount = 45;

    public static TheoryData<int[], OutputHead, InputKind> Models()
    {
        var data = new TheoryData<int[], OutputHead, InputKind>();
        int[][] shapes = [[1, 1], [3, 4], [8, 7, 3], [31, 256, 10], [64, 31, 8, 4], [20, 16, 16, 16, 16, 2]];
        for (int i = 0; i < shapes.Length; i++)
        {
            foreach (OutputHead head in Enum.GetValues<OutputHead>())
            {
                data.Add(shapes[i], head, (InputKind)((i + (int)head) % 4));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Compare_ExportedModel_AgreesWithEdgeILInBatchesOf1And32(int[] sizes, OutputHead head, InputKind kind)
    {
        Mlp model = OnnxModels.Create(sizes, head, kind, seed: sizes.Sum() + (int)head);
        float[] inputs = OnnxModels.RawInputs(kind, sizes[0], SampleCount, seed: 7);
        using var session = new InferenceSession(OnnxExport.ToBytes(model));

        foreach (int batchSize in new[] { 1, 32 })
        {
            OnnxComparison comparison = OnnxRuntimeComparison.Compare(model, session, inputs, SampleCount, batchSize);

            Assert.True(comparison.Agrees(head, Tolerance), $"batch {batchSize}: {comparison}");
            if (head == OutputHead.Identity)
            {
                Assert.Null(comparison.ProbabilitiesDifference);
            }
            else
            {
                Assert.InRange(comparison.ProbabilitiesDifference!.Value, 0, Tolerance);
            }

            Assert.Equal(SampleCount, comparison.SameClass);
        }
    }

    [Fact]
    public void Session_ExportedModel_ExposesTheMetadataAndSignature()
    {
        Mlp model = OnnxModels.Create([5, 4, 3], OutputHead.Softmax, InputKind.Pixels, seed: 1);
        var learner = new OnlineLearner(model, LearningAlgorithm.ILProx) { SamplesSeen = 42 };
        using var session = new InferenceSession(OnnxExport.ToBytes(learner, new OnnxExportOptions { SourceName = "mnist/train", ClassNames = ["a", "b", "c"] }));

        Assert.Equal("EdgeIL", session.ModelMetadata.ProducerName);
        Dictionary<string, string> metadata = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("il-prox", metadata[OnnxMetadata.Algorithm]);
        Assert.Equal("42", metadata[OnnxMetadata.SamplesSeen]);
        Assert.Equal("mnist/train", metadata[OnnxMetadata.Source]);
        Assert.Equal("fixed", metadata[OnnxMetadata.InputScaling]);
        Assert.Equal([-1, 5], session.InputMetadata["input"].Dimensions);
        Assert.Equal(["logits", "probabilities"], session.OutputNames);
    }

    [Fact]
    public void Compare_OtherModelsExport_Disagrees()
    {
        Mlp model = OnnxModels.Create([6, 5, 4], OutputHead.Softmax, InputKind.Identity, seed: 1);
        Mlp other = OnnxModels.Create([6, 5, 4], OutputHead.Softmax, InputKind.Identity, seed: 2);
        using var session = new InferenceSession(OnnxExport.ToBytes(other));

        OnnxComparison comparison = OnnxRuntimeComparison.Compare(model, session, OnnxModels.RawInputs(InputKind.Identity, 6, 40, seed: 3), 40, 32);

        Assert.False(comparison.Agrees(OutputHead.Softmax, Tolerance));
        Assert.True(comparison.ProbabilitiesDifference > 1e-3);
    }

    [Fact]
    public void Compare_ModelOfAnotherShape_SaysItIsNotItsExport()
    {
        Mlp model = OnnxModels.Create([6, 4], OutputHead.Softmax, InputKind.Identity, seed: 1);
        using var session = new InferenceSession(OnnxExport.ToBytes(OnnxModels.Create([6, 3], OutputHead.Softmax, InputKind.Identity, seed: 1)));

        var exception = Assert.Throws<ArgumentException>(() => OnnxRuntimeComparison.Compare(model, session, new float[6], 1, 1));
        Assert.Contains("no output 'logits' of shape [batch, 4]", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Session_ImportedForeignGraph_RoundTripsThroughEdgeILExport()
    {
        // What ONNX Runtime computes for an imported and re-exported model is what EdgeIL computes
        // for the imported one: the import kept the network.
        Mlp model = OnnxModels.Create([10, 12, 3], OutputHead.Sigmoid, InputKind.PerFeature, seed: 5);
        Mlp imported = OnnxImport.Read(OnnxExport.ToBytes(model)).Model;
        using var session = new InferenceSession(OnnxExport.ToBytes(imported));

        OnnxComparison comparison = OnnxRuntimeComparison.Compare(model, session, OnnxModels.RawInputs(InputKind.PerFeature, 10, 33, seed: 6), 33, 32);

        Assert.True(comparison.Agrees(OutputHead.Sigmoid, Tolerance), comparison.ToString());
    }
}
