using EdgeIL.Learner.Onnx;
using EdgeIL.Learner.Onnx.Protos;
using static EdgeIL.Learner.Tests.Onnx.OnnxTestModels;

namespace EdgeIL.Learner.Tests.Onnx;

/// <summary>Graphs as other exporters write them for a sequence of linear layers and ReLUs.</summary>
public class OnnxImportTests
{
    private static readonly float[] s_w0 = TestData.Uniform(3 * 4, 1); // [outputs=3, inputs=4]
    private static readonly float[] s_b0 = TestData.Uniform(3, 2);
    private static readonly float[] s_w1 = TestData.Uniform(2 * 3, 3); // [outputs=2, inputs=3]
    private static readonly float[] s_b1 = TestData.Uniform(2, 4);

    [Fact]
    public void Read_MatMulAndAdd_TransposesTheWeights()
    {
        var graph = new GraphProto { Name = "torch" };
        graph.Input.Add(Value("x", "N", 4));
        graph.Initializer.Add(Tensor("w0t", TestData.Transpose(s_w0, 3, 4), [4, 3]));
        graph.Initializer.Add(Tensor("b0", s_b0, [3]));
        graph.Initializer.Add(Tensor("w1t", TestData.Transpose(s_w1, 2, 3), [3, 2]));
        graph.Initializer.Add(Tensor("b1", s_b1, [2]));
        graph.Node.Add(Node("MatMul", "fc1/MatMul", ["x", "w0t"], "m0"));
        graph.Node.Add(Node("Add", "fc1/Add", ["b0", "m0"], "a0"));
        graph.Node.Add(Node("Relu", "relu", ["a0"], "r0"));
        graph.Node.Add(Node("MatMul", "fc2/MatMul", ["r0", "w1t"], "m1"));
        graph.Node.Add(Node("Add", "fc2/Add", ["m1", "b1"], "y"));
        graph.Node.Add(Node("Softmax", "softmax", ["y"], "p", Int("axis", 1)));
        graph.Output.Add(Value("p", "N", 2));

        Mlp model = OnnxImport.Read(Model(graph, opset: 11)).Model;

        Assert.Equal([4, 3, 2], model.LayerSizes.ToArray());
        Assert.Equal(OutputHead.Softmax, model.Head);
        Assert.Equal(s_w0, model.GetWeights(0).ToArray());
        Assert.Equal(s_w1, model.GetWeights(1).ToArray());
        Assert.Equal(s_b1, model.GetBiases(1).ToArray());
        AssertPredicts(model, OutputHead.Softmax, s_w0, s_b0, s_w1, s_b1);
    }

    [Fact]
    public void Read_GemmWithAlphaBetaAndUntransposedWeights_FoldsThemIn()
    {
        var graph = new GraphProto();
        graph.Input.Add(Value("x", 1, 4));
        graph.Initializer.Add(Tensor("b", TestData.Transpose(s_w0, 3, 4), [4, 3], asFloatData: true));
        graph.Initializer.Add(Tensor("c", s_b0, [1, 3], asFloatData: true));
        graph.Node.Add(Node("Gemm", string.Empty, ["x", "b", "c"], "y", Float("alpha", 0.5f), Float("beta", 2f), Int("transA", 0)));
        graph.Output.Add(Value("y", 1, 3));

        Mlp model = OnnxImport.Read(Model(graph)).Model;

        Assert.Equal(s_w0.Select(w => w * 0.5f).ToArray(), model.GetWeights(0).ToArray());
        Assert.Equal(s_b0.Select(b => b * 2f).ToArray(), model.GetBiases(0).ToArray());
        Assert.Equal(OutputHead.Identity, model.Head);
    }

    [Fact]
    public void Read_GemmWithoutBiasAndSigmoid_HasZeroBiasAndSigmoidHead()
    {
        Mlp model = OnnxImport.Read(Model(GemmThenSigmoid())).Model;

        Assert.Equal(new float[3], model.GetBiases(0).ToArray());
        Assert.Equal(OutputHead.Sigmoid, model.Head);
    }

    [Theory]
    [InlineData(null, OutputHead.Identity)]
    [InlineData(OutputHead.Softmax, OutputHead.Softmax)]
    [InlineData(OutputHead.Sigmoid, OutputHead.Sigmoid)]
    public void Read_PyTorchLinearHeadEndingAtLogits_TakesTheRequestedHead(OutputHead? requested, OutputHead expected)
    {
        // torch.onnx.export of nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2)): Gemm with
        // transB=1 and the weights stored [outputs, inputs], ending at the logits.
        var graph = new GraphProto { Name = "main_graph" };
        graph.Input.Add(Value("input", "batch_size", 4));
        graph.Initializer.Add(Tensor("0.weight", s_w0, [3, 4]));
        graph.Initializer.Add(Tensor("0.bias", s_b0, [3]));
        graph.Initializer.Add(Tensor("2.weight", s_w1, [2, 3]));
        graph.Initializer.Add(Tensor("2.bias", s_b1, [2]));
        graph.Node.Add(Node("Gemm", "/0/Gemm", ["input", "0.weight", "0.bias"], "/0/Gemm_output_0", Float("alpha", 1f), Float("beta", 1f), Int("transB", 1)));
        graph.Node.Add(Node("Relu", "/1/Relu", ["/0/Gemm_output_0"], "/1/Relu_output_0"));
        graph.Node.Add(Node("Gemm", "/2/Gemm", ["/1/Relu_output_0", "2.weight", "2.bias"], "output", Float("alpha", 1f), Float("beta", 1f), Int("transB", 1)));
        graph.Output.Add(Value("output", "batch_size", 2));

        OnnxImportedModel imported = OnnxImport.Read(Model(graph, opset: 17), requested);

        Assert.False(imported.HeadFromGraph);
        Assert.Equal(expected, imported.Model.Head);
        Assert.Equal(s_w0, imported.Model.GetWeights(0).ToArray());
        AssertPredicts(imported.Model, expected, s_w0, s_b0, s_w1, s_b1);
    }

    [Fact]
    public void Read_GraphsOwnHeadAndAnotherRequested_RefusedNamingBoth()
    {
        byte[] bytes = Model(GemmThenSigmoid());

        var exception = Assert.Throws<OnnxFormatException>(() => OnnxImport.Read(bytes, OutputHead.Softmax));
        OnnxImportedModel same = OnnxImport.Read(bytes, OutputHead.Sigmoid);

        Assert.Contains("ends in its own Sigmoid", exception.Message, StringComparison.Ordinal);
        Assert.Contains("a softmax head cannot be chosen", exception.Message, StringComparison.Ordinal);
        Assert.True(same.HeadFromGraph);
        Assert.Equal(OutputHead.Sigmoid, same.Model.Head);
    }

    [Fact]
    public void Read_MatMulWithoutAdd_IsALayerWithoutBias()
    {
        var graph = new GraphProto();
        graph.Input.Add(Value("x", "batch", 4));
        graph.Initializer.Add(Tensor("w0t", TestData.Transpose(s_w0, 3, 4), [4, 3]));
        graph.Initializer.Add(Tensor("w1", s_w1, [2, 3]));
        graph.Initializer.Add(Tensor("b1", s_b1, [2]));
        graph.Node.Add(Node("MatMul", "m", ["x", "w0t"], "h"));
        graph.Node.Add(Node("Relu", "r", ["h"], "a"));
        graph.Node.Add(Node("Gemm", "g", ["a", "w1", "b1"], "y", Int("transB", 1)));
        graph.Output.Add(Value("y", "batch", 2));

        Mlp model = OnnxImport.Read(Model(graph)).Model;

        Assert.Equal(new float[3], model.GetBiases(0).ToArray());
        AssertPredicts(model, OutputHead.Identity, s_w0, new float[3], s_w1, s_b1);
    }

    [Fact]
    public void Read_ScalarInputStage_BroadcastsOverTheFeatures()
    {
        var graph = new GraphProto();
        graph.Input.Add(Value("x", "batch", 4));
        graph.Initializer.Add(Tensor("mean", [0.5f], []));
        graph.Initializer.Add(Tensor("inverse", [0.25f], [1]));
        graph.Initializer.Add(Tensor("w", s_w0, [3, 4]));
        graph.Node.Add(Node("Sub", "center", ["x", "mean"], "c"));
        graph.Node.Add(Node("Mul", "scale", ["inverse", "c"], "s"));
        graph.Node.Add(Node("Gemm", "g", ["s", "w"], "y", Int("transB", 1)));
        graph.Output.Add(Value("y", "batch", 3));

        Mlp model = OnnxImport.Read(Model(graph)).Model;

        Assert.Equal(Enumerable.Repeat(0.5f, 4), model.Input.Offset.ToArray());
        Assert.Equal(Enumerable.Repeat(0.25f, 4), model.Input.Scale.ToArray());
    }

    [Fact]
    public void Read_InitializersListedAsInputs_TreatsThemAsConstants()
    {
        // IR 3 listed every initializer among the graph inputs.
        var graph = new GraphProto();
        graph.Input.Add(Value("x", "batch", 4));
        graph.Input.Add(Value("w", 3, 4));
        graph.Initializer.Add(Tensor("w", s_w0, [3, 4]));
        graph.Node.Add(Node("Gemm", "g", ["x", "w"], "y", Int("transB", 1)));
        graph.Output.Add(Value("y", "batch", 3));

        OnnxImportedModel imported = OnnxImport.Read(Model(graph, opset: 9, irVersion: 3));

        Assert.Equal([4, 3], imported.Model.LayerSizes.ToArray());
        Assert.Equal((3L, 9L), (imported.IrVersion, imported.OpsetVersion));
    }

    private static void AssertPredicts(Mlp model, OutputHead head, float[] w0, float[] b0, float[] w1, float[] b1)
    {
        float[] output = new float[model.OutputSize];
        for (int sample = 0; sample < 10; sample++)
        {
            float[] input = TestData.Uniform(model.InputSize, 50 + sample, 2f);
            model.Predict(input, output);
            TestData.AssertClose(Reference(input, [(w0, b0), (w1, b1)], head), output, 1e-5, "output");
        }
    }

    /// <summary>One bias-free Gemm (transB, as PyTorch exports nn.Linear) ending in the graph's own Sigmoid.</summary>
    private static GraphProto GemmThenSigmoid()
    {
        var graph = new GraphProto();
        graph.Input.Add(Value("x", "batch", 4));
        graph.Initializer.Add(Tensor("w", s_w0, [3, 4]));
        graph.Node.Add(Node("Gemm", "g", ["x", "w"], "z", Int("transB", 1)));
        graph.Node.Add(Node("Sigmoid", "s", ["z"], "y"));
        graph.Output.Add(Value("y", "batch", 3));
        return graph;
    }
}
