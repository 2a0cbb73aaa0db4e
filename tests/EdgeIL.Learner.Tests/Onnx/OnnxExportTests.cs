using EdgeIL.Learner.IO;
using EdgeIL.Learner.Onnx;
using EdgeIL.Learner.Onnx.Protos;
using EdgeIL.Learner.Tests.Checkpoints;
using Google.Protobuf;

namespace EdgeIL.Learner.Tests.Onnx;

public class OnnxExportTests
{
    [Theory]
    [InlineData(InputKind.Identity, new string[0])]
    [InlineData(InputKind.Pixels, new[] { "Mul" })]
    [InlineData(InputKind.PerFeature, new[] { "Sub", "Mul" })]
    [InlineData(InputKind.Standardized, new[] { "Sub", "Mul" })]
    public void Build_InputStage_LeadingNodesOnlyWhereTheyChangeTheInput(InputKind stage, string[] leading)
    {
        ModelProto onnx = Export(OnnxModels.Create([5, 4, 3], OutputHead.Softmax, stage, seed: 1));

        string[] operators = onnx.Graph.Node.Select(n => n.OpType).ToArray();
        Assert.Equal([.. leading, "Gemm", "Relu", "Gemm", "Softmax"], operators);
        Assert.Equal("input", onnx.Graph.Node[0].Input[0]);
    }

    [Theory]
    [InlineData(OutputHead.Softmax, "Softmax", new[] { "logits", "probabilities" })]
    [InlineData(OutputHead.Sigmoid, "Sigmoid", new[] { "logits", "probabilities" })]
    [InlineData(OutputHead.Identity, "Gemm", new[] { "logits" })]
    public void Build_EachHead_EndsWithItsFunctionAndOutputs(OutputHead head, string lastOperator, string[] outputs)
    {
        ModelProto onnx = Export(OnnxModels.Create([3, 2], head, InputKind.Identity, seed: 2));

        Assert.Equal(lastOperator, onnx.Graph.Node[^1].OpType);
        Assert.Equal(outputs, onnx.Graph.Output.Select(o => o.Name).ToArray());
    }

    [Fact]
    public void Build_Softmax_NormalisesOverTheLastAxis()
    {
        ModelProto onnx = Export(OnnxModels.Create([3, 2], OutputHead.Softmax, InputKind.Identity, seed: 2));

        AttributeProto axis = Assert.Single(onnx.Graph.Node[^1].Attribute);
        Assert.Equal(("axis", -1L), (axis.Name, axis.I));
    }

    [Fact]
    public void Build_Layers_AreGemmWithTransposedWeightsStoredAsEdgeILKeepsThem()
    {
        Mlp model = OnnxModels.Create([4, 3, 2], OutputHead.Identity, InputKind.Identity, seed: 3);
        ModelProto onnx = Export(model);

        NodeProto gemm = onnx.Graph.Node[0];
        Assert.Equal(["input", "layers.0.weight", "layers.0.bias"], gemm.Input.ToArray());
        AttributeProto transB = Assert.Single(gemm.Attribute);
        Assert.Equal(("transB", 1L), (transB.Name, transB.I));
        TensorProto weights = onnx.Graph.Initializer.Single(t => t.Name == "layers.0.weight");
        Assert.Equal([3L, 4L], weights.Dims.ToArray());
        Assert.Equal(model.GetWeights(0).ToArray(), System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(weights.RawData.Span).ToArray());
    }

    [Fact]
    public void Build_Input_HasASymbolicBatchDimension()
    {
        ModelProto onnx = Export(OnnxModels.Create([7, 2], OutputHead.Softmax, InputKind.Identity, seed: 4));

        foreach (ValueInfoProto value in onnx.Graph.Input.Concat(onnx.Graph.Output))
        {
            TensorShapeProto shape = value.Type.TensorType.Shape;
            Assert.Equal(1, value.Type.TensorType.ElemType);
            Assert.Equal("batch", shape.Dim[0].DimParam);
        }

        Assert.Equal(7, onnx.Graph.Input.Single().Type.TensorType.Shape.Dim[1].DimValue);
    }

    [Fact]
    public void Build_Versions_AreTheDocumentedIrAndOpset()
    {
        ModelProto onnx = Export(OnnxModels.Create([2, 2], OutputHead.Softmax, InputKind.Identity, seed: 5));

        Assert.Equal(OnnxExport.IrVersion, onnx.IrVersion);
        OperatorSetIdProto opset = Assert.Single(onnx.OpsetImport);
        Assert.Equal((string.Empty, OnnxExport.OpsetVersion), (opset.Domain, opset.Version));
        Assert.True(opset.Version >= 17);
        Assert.Equal("EdgeIL", onnx.ProducerName);
    }

    [Fact]
    public void ToBytes_Learner_WritesTrainingMetadata()
    {
        Mlp model = OnnxModels.Create([4, 3, 2], OutputHead.Softmax, InputKind.Standardized, seed: 6);
        var learner = new OnlineLearner(model, LearningAlgorithm.ILProx) { SamplesSeen = 1234 };
        var options = new OnnxExportOptions { SourceName = "mnist/train", ClassNames = ["cat", "dog, \"big\""] };

        Dictionary<string, string> metadata = ModelProto.Parser.ParseFrom(OnnxExport.ToBytes(learner, options)).MetadataProps.ToDictionary(e => e.Key, e => e.Value);

        Assert.Equal(OnnxExport.EdgeILVersion, metadata[OnnxMetadata.Version]);
        Assert.Equal("il-prox", metadata[OnnxMetadata.Algorithm]);
        Assert.Contains("\"alpha\":5", metadata[OnnxMetadata.Hyperparameters], StringComparison.Ordinal);
        Assert.Equal("1234", metadata[OnnxMetadata.SamplesSeen]);
        Assert.Equal("mnist/train", metadata[OnnxMetadata.Source]);
        Assert.Equal("standardize (frozen, 100 samples)", metadata[OnnxMetadata.InputScaling]);
        Assert.Equal("[\"cat\",\"dog, \\u0022big\\u0022\"]", metadata[OnnxMetadata.ClassNames]);
        Assert.Equal("softmax", metadata[OnnxMetadata.Head]);
        Assert.Equal("4,3,2", metadata[OnnxMetadata.LayerSizes]);
    }

    [Fact]
    public void ToBytes_SameModelTwice_GivesTheSameBytes()
    {
        Mlp model = OnnxModels.Create([6, 5, 4], OutputHead.Sigmoid, InputKind.PerFeature, seed: 7);

        Assert.Equal(OnnxExport.ToBytes(model), OnnxExport.ToBytes(model.Clone()));
    }

    [Fact]
    public void ToBytes_WrongNumberOfClassNames_Throws()
    {
        Mlp model = OnnxModels.Create([2, 3], OutputHead.Softmax, InputKind.Identity, seed: 8);

        var exception = Assert.Throws<ArgumentException>(() => OnnxExport.ToBytes(model, new OnnxExportOptions { ClassNames = ["a", "b"] }));
        Assert.Contains("3 outputs but 2 class names", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_ReplacesTheFileAndLeavesNoTemporary()
    {
        using var folder = new TemporaryFolder();
        string path = Path.Combine(folder.Path, "model.onnx");
        File.WriteAllText(path, "previous");
        Mlp model = OnnxModels.Create([3, 2], OutputHead.Softmax, InputKind.Identity, seed: 9);

        OnnxExport.Save(model, path);

        Assert.Equal(OnnxExport.ToBytes(model), File.ReadAllBytes(path));
        Assert.Equal(["model.onnx"], Directory.GetFiles(folder.Path).Select(f => Path.GetFileName(f)!).ToArray());
    }

    [Fact]
    public void Write_FailsPartWay_KeepsThePreviousFileWhole()
    {
        using var folder = new TemporaryFolder();
        string path = Path.Combine(folder.Path, "model.onnx");
        File.WriteAllText(path, "previous");

        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream => stream.Write(new byte[4096]), 4096, stream => new FailingStream(stream, failAfterBytes: 100)));

        Assert.Equal("previous", File.ReadAllText(path));
        Assert.Equal(["model.onnx"], Directory.GetFiles(folder.Path).Select(f => Path.GetFileName(f)!).ToArray());
    }

    [Theory]
    [InlineData(OutputHead.Softmax, InputKind.Standardized)]
    [InlineData(OutputHead.Sigmoid, InputKind.Pixels)]
    [InlineData(OutputHead.Identity, InputKind.Identity)]
    public void ToBytes_ParsedAndWrittenAgainByProtobuf_SameBytes(OutputHead head, InputKind stage)
    {
        // The export writes the wire format by hand; Google.Protobuf's own writer is the canonical
        // encoding, so equal bytes mean every field, number, type and order is what the schema says.
        var learner = new OnlineLearner(OnnxModels.Create([5, 4, 3], head, stage, seed: 11), LearningAlgorithm.ILProx);
        byte[] exported = OnnxExport.ToBytes(learner, new OnnxExportOptions { SourceName = "ünïcode source", ClassNames = ["a", "b", "c"] });

        byte[] rewritten = ModelProto.Parser.ParseFrom(exported).ToByteArray();

        Assert.Equal(rewritten, exported);
    }

    [Fact]
    public void Save_BadOptions_TouchesNoFile()
    {
        using var folder = new TemporaryFolder();
        string path = Path.Combine(folder.Path, "model.onnx");
        Mlp model = OnnxModels.Create([2, 3], OutputHead.Softmax, InputKind.Identity, seed: 10);

        Assert.Throws<ArgumentException>(() => OnnxExport.Save(model, path, new OnnxExportOptions { ClassNames = ["one"] }));

        Assert.Empty(Directory.GetFiles(folder.Path));
    }

    private static ModelProto Export(Mlp model) => ModelProto.Parser.ParseFrom(OnnxExport.ToBytes(model));

    private sealed class TemporaryFolder : IDisposable
    {
        public TemporaryFolder()
        {
            Path = Directory.CreateTempSubdirectory("edgeil-onnx-").FullName;
        }

        public string Path { get; }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
