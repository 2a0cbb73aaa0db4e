using System.Text;
using EdgeIL.Learner.Onnx;
using EdgeIL.Learner.Onnx.Protos;
using Google.Protobuf;
using static EdgeIL.Learner.Tests.Onnx.OnnxTestModels;

namespace EdgeIL.Learner.Tests.Onnx;

public class OnnxImportRefusalTests
{
    [Fact]
    public void Read_Empty_SaysItIsNotOnnx()
    {
        AssertRefused([], "no IR version: the bytes parse as protobuf but are not an ONNX model");
    }

    [Fact]
    public void Read_NotProtobuf_SaysSo()
    {
        AssertRefused([0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01], "not a valid ONNX protobuf message");
    }

    [Fact]
    public void Read_TextFile_IsRefused()
    {
        AssertRefused(Encoding.UTF8.GetBytes("# a README, not a model\nweights: 1 2 3\n"), "Cannot import ONNX model");
    }

    [Fact]
    public void Read_EveryTruncation_FailsCleanlyOrKeepsAWholeGraph()
    {
        Mlp model = OnnxModels.Create([5, 4, 3], OutputHead.Softmax, InputKind.PerFeature, seed: 1);
        byte[] bytes = OnnxExport.ToBytes(model);
        int refused = 0;

        for (int length = 0; length < bytes.Length; length++)
        {
            try
            {
                // Protobuf has no end marker, so a cut exactly between two trailing metadata entries
                // still reads as a model: then it must be the whole network, as nothing after the
                // graph and opset entries carries weights.
                Mlp imported = OnnxImport.Read(bytes.AsSpan(0, length)).Model;
                Assert.Equal(model.GetWeights(1).ToArray(), imported.GetWeights(1).ToArray());
            }
            catch (OnnxFormatException)
            {
                refused++;
            }
        }

        Assert.True(refused > bytes.Length * 9 / 10, $"only {refused} of {bytes.Length} truncations were refused");
    }

    [Fact]
    public void Read_TruncatedInsideTheWeights_SaysTheBytesAreInvalid()
    {
        byte[] bytes = OnnxExport.ToBytes(OnnxModels.Create([50, 40, 3], OutputHead.Softmax, InputKind.Identity, seed: 2));

        AssertRefused(bytes.AsSpan(0, bytes.Length / 2).ToArray(), "perhaps truncated");
    }

    [Fact]
    public void Read_NoGraph_SaysSo()
    {
        AssertRefused(new ModelProto { IrVersion = 8 }.ToByteArray(), "the model has no graph");
    }

    [Fact]
    public void Read_OldOpset_IsRefused()
    {
        AssertRefused(Model(ValidGraph(), opset: 6), "imports opset 6; EdgeIL reads opset 7 and later");
    }

    [Fact]
    public void Read_UnsupportedOperator_NamesTheOperatorAndNode()
    {
        GraphProto graph = ValidGraph();
        graph.Node[1] = Node("Tanh", "hidden/tanh", ["h"], "a");

        OnnxFormatException exception = AssertRefused(Model(graph), "node 'hidden/tanh' uses operator Tanh, which an EdgeIL MLP cannot represent");
        Assert.Equal(("hidden/tanh", "Tanh"), (exception.NodeName, exception.OperatorType));
    }

    [Fact]
    public void Read_UnnamedUnsupportedNode_NamesItsPosition()
    {
        GraphProto graph = ValidGraph();
        graph.Node.Insert(0, Node("Flatten", string.Empty, ["x"], "flat"));
        graph.Node[1].Input[0] = "flat";

        OnnxFormatException exception = AssertRefused(Model(graph), "node #0 (unnamed) uses operator Flatten");
        Assert.Equal(("#0", "Flatten"), (exception.NodeName, exception.OperatorType));
    }

    [Fact]
    public void Read_OperatorOfAnotherDomain_NamesTheDomain()
    {
        GraphProto graph = ValidGraph();
        graph.Node[0].Domain = "com.microsoft";
        graph.Node[0].OpType = "FusedGemm";

        AssertRefused(Model(graph), "node 'layer0' uses operator FusedGemm of domain 'com.microsoft'");
    }

    [Fact]
    public void Read_MissingInitializer_NamesIt()
    {
        GraphProto graph = ValidGraph();
        graph.Initializer.Remove(graph.Initializer.Single(t => t.Name == "w1"));

        AssertRefused(Model(graph), "node 'layer1' (Gemm) reads its weights from 'w1', which is not an initializer");
    }

    [Fact]
    public void Read_LayerWidthsDoNotChain_SaysWhichNodeAndSizes()
    {
        GraphProto graph = ValidGraph();
        graph.Initializer[2] = Tensor("w1", new float[2 * 5], [2, 5]);

        AssertRefused(Model(graph), "node 'layer1' (Gemm) takes 5 features but the previous layer has 3");
    }

    [Fact]
    public void Read_InputWidthDiffersFromFirstLayer_SaysSo()
    {
        GraphProto graph = ValidGraph();
        graph.Input[0] = Value("x", "batch", 6);

        AssertRefused(Model(graph), "node 'layer0' (Gemm) takes 4 features but the input has 6");
    }

    [Fact]
    public void Read_RawDataShorterThanShape_SaysHowMuchIsThere()
    {
        GraphProto graph = ValidGraph();
        graph.Initializer[0].RawData = ByteString.CopyFrom(new byte[20]);

        AssertRefused(Model(graph), "initializer 'w0' of node 'layer0' (Gemm) has shape [3, 4] (12 values, 48 bytes) but holds 20 bytes");
    }

    [Fact]
    public void Read_BiasOfWrongLength_SaysItDoesNotBroadcast()
    {
        GraphProto graph = ValidGraph();
        graph.Initializer[1] = Tensor("b0", new float[4], [4]);

        AssertRefused(Model(graph), "bias 'b0' of shape [4], which does not broadcast");
    }

    [Fact]
    public void Read_DoubleWeights_NamesTheType()
    {
        GraphProto graph = ValidGraph();
        graph.Initializer[0].DataType = 11;
        graph.Initializer[0].RawData = ByteString.CopyFrom(new byte[96]);

        AssertRefused(Model(graph), "holds float64 (11) values; EdgeIL reads float32 weights");
    }

    [Fact]
    public void Read_ExternalData_SaysEdgeILDoesNotReadIt()
    {
        GraphProto graph = ValidGraph();
        graph.Initializer[0].ClearRawData();
        graph.Initializer[0].DataLocation = TensorProto.Types.DataLocation.External;
        graph.Initializer[0].ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });

        AssertRefused(Model(graph), "keeps its values in an external data file");
    }

    [Fact]
    public void Read_NonFiniteWeight_IsRefused()
    {
        GraphProto graph = ValidGraph();
        float[] weights = new float[12];
        weights[7] = float.NaN;
        graph.Initializer[0] = Tensor("w0", weights, [3, 4]);

        AssertRefused(Model(graph), "holds the non-finite value NaN at index 7");
    }

    [Fact]
    public void Read_EndsWithRelu_SaysTheOutputLayerHasNoRelu()
    {
        GraphProto graph = ValidGraph();
        graph.Node.Add(Node("Relu", "final_relu", ["y"], "r"));
        graph.Output[0] = Value("r", "batch", 2);

        AssertRefused(Model(graph), "node 'final_relu' (Relu) follows the last linear layer; an EdgeIL output layer has no ReLU");
    }

    [Fact]
    public void Read_LinearLayersWithoutRelu_SaysSo()
    {
        GraphProto graph = ValidGraph();
        graph.Node.RemoveAt(1);
        graph.Node[1].Input[0] = "h";

        AssertRefused(Model(graph), "node 'layer1' (Gemm) follows a linear layer without a Relu between");
    }

    [Fact]
    public void Read_TransposedActivations_AreRefused()
    {
        GraphProto graph = ValidGraph();
        graph.Node[0].Attribute.Add(Int("transA", 1));

        AssertRefused(Model(graph), "node 'layer0' (Gemm) has transA=1");
    }

    [Fact]
    public void Read_SoftmaxOverTheBatch_IsRefused()
    {
        GraphProto graph = ValidGraph();
        graph.Node.Add(Node("Softmax", "softmax", ["y"], "p", Int("axis", 0)));
        graph.Output[0] = Value("p", "batch", 2);

        AssertRefused(Model(graph), "node 'softmax' (Softmax) has axis=0");
    }

    [Fact]
    public void Read_Branch_SaysTheGraphIsNotAChain()
    {
        GraphProto graph = ValidGraph();
        graph.Node.Insert(2, Node("Relu", "side", ["h"], "side_out"));

        AssertRefused(Model(graph), "node 'side' (Relu) does not read 'a', the value the chain of layers has reached: the graph is not a single chain");
    }

    [Fact]
    public void Read_HiddenValueAsOutput_IsRefused()
    {
        GraphProto graph = ValidGraph();
        graph.Output.Add(Value("a", "batch", 3));

        AssertRefused(Model(graph), "graph output 'a' is not the last layer's logits");
    }

    [Fact]
    public void Read_TwoDataInputs_IsRefused()
    {
        GraphProto graph = ValidGraph();
        graph.Input.Add(Value("mask", "batch", 4));

        AssertRefused(Model(graph), "several data inputs ('x', 'mask')");
    }

    [Fact]
    public void Read_ImageInput_SaysAnMlpTakesRowsOfFeatures()
    {
        GraphProto graph = ValidGraph();
        graph.Input[0] = Value("x", "batch", 1, 2, 2);

        AssertRefused(Model(graph), "input 'x' has shape [batch, 1, 2, 2]; an MLP takes [batch, features]");
    }

    [Fact]
    public void Read_ZeroInputScale_SaysTheStageCannotBeUsed()
    {
        GraphProto graph = ValidGraph();
        graph.Initializer.Add(Tensor("scale", [0f], []));
        graph.Node.Insert(0, Node("Mul", "scale_input", ["x", "scale"], "scaled"));
        graph.Node[1].Input[0] = "scaled";

        AssertRefused(Model(graph), "the input stage cannot be used");
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => OnnxImport.Load(Path.Combine(Path.GetTempPath(), "edgeil-no-such-model.onnx")));
    }

    // Every refusal above changes one thing in ValidGraph, so that one thing is what was refused.
    [Fact]
    public void Read_ValidGraph_IsAccepted()
    {
        Mlp model = OnnxImport.Read(Model(ValidGraph())).Model;

        Assert.Equal([4, 3, 2], model.LayerSizes.ToArray());
    }

    /// <summary>x[batch, 4] -> Gemm 3 -> Relu -> Gemm 2 -> y, weights stored [outputs, inputs].</summary>
    private static GraphProto ValidGraph()
    {
        var graph = new GraphProto { Name = "valid" };
        graph.Input.Add(Value("x", "batch", 4));
        graph.Initializer.Add(Tensor("w0", TestData.Uniform(12, 1), [3, 4]));
        graph.Initializer.Add(Tensor("b0", TestData.Uniform(3, 2), [3]));
        graph.Initializer.Add(Tensor("w1", TestData.Uniform(6, 3), [2, 3]));
        graph.Initializer.Add(Tensor("b1", TestData.Uniform(2, 4), [2]));
        graph.Node.Add(Node("Gemm", "layer0", ["x", "w0", "b0"], "h", Int("transB", 1)));
        graph.Node.Add(Node("Relu", "relu0", ["h"], "a"));
        graph.Node.Add(Node("Gemm", "layer1", ["a", "w1", "b1"], "y", Int("transB", 1)));
        graph.Output.Add(Value("y", "batch", 2));
        return graph;
    }

    private static OnnxFormatException AssertRefused(byte[] bytes, string expected)
    {
        var exception = Assert.Throws<OnnxFormatException>(() => OnnxImport.Read(bytes));
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
        return exception;
    }
}
